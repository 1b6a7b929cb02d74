/* The test driver: test:///default (one preloaded state shared by every
 * connection of the process while any is open, as libvirt's) and
 * test:///ABS/PATH.xml (a private state loaded from the file at each open).
 *
 * Everything is in memory and completes before returning. Each operation
 * checks everything first and changes state last, so a failure changes
 * nothing; the callback is always the last thing an operation does, so it
 * may close the connection or call back into the driver. */
#include "test_driver.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/names.h"
#include "core/strbuf.h"
#include "test_priv.h"

/* The shared state of test:///default. The loop is single-threaded. */
static lv__test_state *default_state;

static lv__test_state *state_of(lv_conn *c)
{
    return c->priv;
}

static int check_flags(unsigned flags, unsigned allowed, const char *op, lv_error *err)
{
    if (flags & ~allowed)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "%s: unsupported flags 0x%x", op,
                            flags & ~allowed);
    return 0;
}

/* ---- connection --------------------------------------------------------- */

static bool test_probe(const lv_uri *uri)
{
    return uri->scheme && strcmp(uri->scheme, "test") == 0 && !uri->transport && !uri->host;
}

static void add_conn(lv__test_state *st, lv_conn *conn)
{
    st->conns = lv_realloc(st->conns, (st->nconns + 1) * sizeof(*st->conns));
    st->conns[st->nconns++] = conn;
}

static void remove_conn(lv__test_state *st, lv_conn *conn)
{
    for (size_t i = 0; i < st->nconns; i++) {
        if (st->conns[i] == conn) {
            st->conns[i] = st->conns[--st->nconns];
            return;
        }
    }
}

static void test_open(lv_conn *conn, lv_done_cb cb, void *opaque)
{
    lv_error err = {0};
    const char *path = conn->uri.path ? conn->uri.path : "";
    if (conn->uri.nparams > 0) {
        lv_error_set(&err, LV_ERR_NO_CONNECT, "unsupported parameter '%s' in URI '%s'",
                     conn->uri.params[0].name, conn->uri.original);
        cb(opaque, &err);
        return;
    }
    if (strcmp(path, "/default") == 0) {
        if (default_state) {
            default_state->refs++;
        } else {
            lv__test_state *st = lv__test_state_new();
            if (lv__test_load_default(st, &err) < 0) {
                lv__test_state_free(st);
                cb(opaque, &err);
                return;
            }
            default_state = st;
        }
        conn->priv = default_state;
        add_conn(default_state, conn);
        cb(opaque, NULL);
        return;
    }
    if (path[0] != '/' || path[1] == '\0') {
        lv_error_set(&err, LV_ERR_NO_CONNECT,
                     "cannot open '%s': the test driver serves test:///default and "
                     "test:///ABSOLUTE/PATH.xml",
                     conn->uri.original);
        cb(opaque, &err);
        return;
    }
    lv__test_state *st = lv__test_state_new();
    if (lv__test_load_file(st, path, &err) < 0) {
        lv__test_state_free(st);
        cb(opaque, &err);
        return;
    }
    conn->priv = st;
    add_conn(st, conn);
    cb(opaque, NULL);
}

static void test_close(lv_conn *conn)
{
    lv__test_state *st = state_of(conn);
    conn->priv = NULL;
    if (st)
        remove_conn(st, conn);
    if (!st || --st->refs > 0)
        return;
    if (st == default_state)
        default_state = NULL;
    lv__test_state_free(st);
}

/* ---- domain helpers ----------------------------------------------------- */

static lv__test_dom *find_dom(lv__test_state *st, const unsigned char *uuid, lv_error *err)
{
    lv__test_dom *d = uuid ? lv__test_find_uuid(st, uuid) : NULL;
    if (!d) {
        char s[LV_UUID_STRING_LEN] = "(null)";
        if (uuid)
            lv_uuid_format(uuid, s);
        lv_error_set(err, LV_ERR_NO_DOMAIN, "domain '%s' not found", s);
    }
    return d;
}

static const char *dom_name(const lv__test_dom *d)
{
    return lv__test_dom_def(d)->name;
}

static void fill_info(lv_domain_info *info, const lv__test_dom *d)
{
    const lv_domain_def *def = lv__test_dom_def(d);
    info->name = lv_strdup(def->name);
    memcpy(info->uuid, def->uuid, LV_UUID_LEN);
    info->id = d->id;
    info->state = d->state;
    info->reason = d->reason;
    info->persistent = d->persistent_def != NULL;
    info->autostart = d->autostart;
    info->managed_save = false;
    info->title = lv_strdup(def->title);
    info->os_type = lv_strdup(def->os_type ? def->os_type : "hvm");
    info->vcpus = def->vcpus_current ? def->vcpus_current : def->vcpus;
    info->max_memory_kib = def->memory_kib;
    info->memory_kib = def->current_memory_kib ? def->current_memory_kib : def->memory_kib;
    info->cpu_time_ns = lv__test_dom_cpu_ns(d);
}

static lv_domain_info *make_info(const lv__test_dom *d)
{
    lv_domain_info *info = LV_NEW(lv_domain_info);
    fill_info(info, d);
    return info;
}

/* ---- events: every change goes to every connection of the state ---------- */

static void emit_info(lv__test_state *st, const lv_domain_info *info, int event, int detail)
{
    for (size_t i = 0; i < st->nconns; i++)
        lv_conn_emit_domain_event(st->conns[i], info, event, detail);
}

static void emit(lv__test_state *st, const lv__test_dom *d, int event, int detail)
{
    if (st->nconns == 0)
        return;
    lv_domain_info *info = make_info(d);
    emit_info(st, info, event, detail);
    lv_domain_info_free(info);
}

/* Ends an active domain (lv__test_dom_end) and says so: a guest shutdown is
 * shutdown/finished then stopped/shutdown, as libvirt. */
static void end_and_emit(lv__test_state *st, lv__test_dom *d, int reason)
{
    lv_domain_info *info = make_info(d);
    lv__test_dom_end(st, d, reason);
    info->state = LV_DOMAIN_SHUTOFF;
    info->reason = reason;
    info->id = -1;
    info->cpu_time_ns = 0;
    if (reason == LV_SHUTOFF_SHUTDOWN)
        emit_info(st, info, LV_EVENT_SHUTDOWN, LV_EVENT_SHUTDOWN_FINISHED);
    emit_info(st, info, LV_EVENT_STOPPED,
              reason == LV_SHUTOFF_DESTROYED ? LV_EVENT_STOPPED_DESTROYED
                                             : LV_EVENT_STOPPED_SHUTDOWN);
    lv_domain_info_free(info);
}

/* The one-line refusal for an operation that needs the domain in `want`. */
static int refuse_state(const lv__test_dom *d, lv_domain_state want, lv_error *err)
{
    const char *name = dom_name(d);
    if (!lv__test_dom_active(d))
        return lv_error_set(err, LV_ERR_OPERATION_INVALID, "domain '%s' is not running", name);
    if (want == LV_DOMAIN_RUNNING && d->state == LV_DOMAIN_PAUSED)
        return lv_error_set(err, LV_ERR_OPERATION_INVALID, "domain '%s' is paused", name);
    if (want == LV_DOMAIN_PAUSED && d->state == LV_DOMAIN_RUNNING)
        return lv_error_set(err, LV_ERR_OPERATION_INVALID, "domain '%s' is not paused", name);
    return lv_error_set(err, LV_ERR_OPERATION_INVALID, "domain '%s' is %s", name,
                        lv_domain_state_string(d->state));
}

/* Parses a definition and finds what it would replace: *same is the existing
 * domain with the same name and uuid (or NULL for a new one). Fails on a name
 * or uuid that another domain has. */
static lv_domain_def *parse_new_def(lv__test_state *st, const char *xml, lv__test_dom **same,
                                    lv_error *err)
{
    if (!xml) {
        lv_error_set(err, LV_ERR_INVALID_ARG, "no domain XML given");
        return NULL;
    }
    lv_domain_def *def = lv_domain_def_parse_xml(xml, LV_DOMAIN_PARSE_GENERATE, err);
    if (!def)
        return NULL;
    if (lv_name_validate("domain", def->name, err) < 0)
        goto fail;
    char uuidstr[LV_UUID_STRING_LEN];
    lv__test_dom *by_name = lv__test_find_name(st, def->name);
    if (by_name && memcmp(lv__test_dom_def(by_name)->uuid, def->uuid, LV_UUID_LEN) != 0) {
        lv_uuid_format(lv__test_dom_def(by_name)->uuid, uuidstr);
        lv_error_set(err, LV_ERR_DUPLICATE, "domain '%s' already exists with uuid %s", def->name,
                     uuidstr);
        goto fail;
    }
    lv__test_dom *by_uuid = lv__test_find_uuid(st, def->uuid);
    if (by_uuid && by_uuid != by_name) {
        lv_uuid_format(def->uuid, uuidstr);
        lv_error_set(err, LV_ERR_DUPLICATE, "uuid %s is already used by domain '%s'", uuidstr,
                     dom_name(by_uuid));
        goto fail;
    }
    *same = by_name;
    return def;
fail:
    lv_domain_def_free(def);
    return NULL;
}

/* ---- domain operations -------------------------------------------------- */

static void test_list(lv_conn *c, unsigned flags, lv_domain_list_cb cb, void *opaque)
{
    lv_error err;
    if (check_flags(flags, LV_LIST_ACTIVE | LV_LIST_INACTIVE, "list", &err) < 0) {
        cb(opaque, NULL, &err);
        return;
    }
    lv__test_state *st = state_of(c);
    lv_domain_list *list = LV_NEW(lv_domain_list);
    if (st->ndoms > 0)
        list->items = lv_malloc0(st->ndoms * sizeof(*list->items));
    for (size_t i = 0; i < st->ndoms; i++) {
        const lv__test_dom *d = st->doms[i];
        if (lv_domain_list_wants(flags, lv__test_dom_active(d)))
            fill_info(&list->items[list->count++], d);
    }
    lv_domain_list_sort(list);
    cb(opaque, list, NULL);
}

static void test_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_domain_cb cb, void *opaque)
{
    lv_error err;
    lv__test_state *st = state_of(c);
    lv__test_dom *d = NULL;
    unsigned char uuid[LV_UUID_LEN];
    int id;
    if (!key) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "no domain name, id or uuid given");
        cb(opaque, NULL, &err);
        return;
    }
    switch (by) {
    case LV_LOOKUP_NAME:
        d = lv__test_find_name(st, key);
        break;
    case LV_LOOKUP_UUID:
        if (lv_uuid_parse(key, uuid, &err) < 0) {
            cb(opaque, NULL, &err);
            return;
        }
        d = lv__test_find_uuid(st, uuid);
        break;
    case LV_LOOKUP_ID:
        id = lv_domain_id_parse(key);
        if (id < 0) {
            lv_error_set(&err, LV_ERR_INVALID_ARG, "invalid domain id '%s'", key);
            cb(opaque, NULL, &err);
            return;
        }
        d = lv__test_find_id(st, id);
        break;
    case LV_LOOKUP_ANY:
        /* As virsh: an id, then a uuid, then a name (a domain may be called "42"). */
        id = lv_domain_id_parse(key);
        if (id >= 0)
            d = lv__test_find_id(st, id);
        if (!d && lv_uuid_parse(key, uuid, NULL) == 0)
            d = lv__test_find_uuid(st, uuid);
        if (!d)
            d = lv__test_find_name(st, key);
        break;
    default:
        lv_error_set(&err, LV_ERR_INVALID_ARG, "invalid lookup kind %d", (int)by);
        cb(opaque, NULL, &err);
        return;
    }
    if (!d) {
        lv_error_set(&err, LV_ERR_NO_DOMAIN, "domain '%s' not found", key);
        cb(opaque, NULL, &err);
        return;
    }
    cb(opaque, make_info(d), NULL);
}

static void test_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                            void *opaque)
{
    lv_error err;
    lv__test_state *st = state_of(c);
    lv__test_dom *d = NULL;
    if (check_flags(flags, 0, "define", &err) < 0) {
        cb(opaque, NULL, &err);
        return;
    }
    lv_domain_def *def = parse_new_def(st, xml, &d, &err);
    if (!def) {
        cb(opaque, NULL, &err);
        return;
    }
    if (d) {
        /* The new persistent definition; for an active domain, the next boot's
         * (and a transient one becomes persistent). */
        bool was_persistent = d->persistent_def != NULL;
        lv_domain_def_free(d->persistent_def);
        d->persistent_def = def;
        emit(st, d, LV_EVENT_DEFINED,
             was_persistent ? LV_EVENT_DEFINED_UPDATED : LV_EVENT_DEFINED_ADDED);
    } else {
        d = LV_NEW(lv__test_dom);
        d->persistent_def = def;
        d->id = -1;
        d->state = LV_DOMAIN_SHUTOFF;
        d->reason = LV_SHUTOFF_UNKNOWN;
        lv__test_add_dom(st, d);
        emit(st, d, LV_EVENT_DEFINED, LV_EVENT_DEFINED_ADDED);
    }
    cb(opaque, make_info(d), NULL);
}

static void test_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                            void *opaque)
{
    lv_error err;
    lv__test_state *st = state_of(c);
    lv__test_dom *d = NULL;
    if (check_flags(flags, LV_START_PAUSED, "create", &err) < 0) {
        cb(opaque, NULL, &err);
        return;
    }
    lv_domain_def *def = parse_new_def(st, xml, &d, &err);
    if (!def) {
        cb(opaque, NULL, &err);
        return;
    }
    if (d && lv__test_dom_active(d)) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "domain '%s' is already running", def->name);
        lv_domain_def_free(def);
        cb(opaque, NULL, &err);
        return;
    }
    if (!d) {
        d = LV_NEW(lv__test_dom);
        d->id = -1;
        d->state = LV_DOMAIN_SHUTOFF;
        lv__test_add_dom(st, d);
    }
    /* A defined, inactive domain of that name and uuid runs this definition
     * and keeps its persistent one. */
    d->live_def = def;
    if (flags & LV_START_PAUSED)
        lv__test_dom_begin(st, d, LV_DOMAIN_PAUSED, LV_PAUSED_USER);
    else
        lv__test_dom_begin(st, d, LV_DOMAIN_RUNNING, LV_RUNNING_BOOTED);
    emit(st, d, LV_EVENT_STARTED, LV_EVENT_STARTED_BOOTED);
    if (flags & LV_START_PAUSED)
        emit(st, d, LV_EVENT_SUSPENDED, LV_EVENT_SUSPENDED_PAUSED);
    cb(opaque, make_info(d), NULL);
}

/* The common prologue of the uuid-addressed operations: flags check, then the
 * domain. Calls cb with the error and returns NULL on failure. */
static lv__test_dom *begin_op(lv_conn *c, const unsigned char *uuid, unsigned flags,
                              unsigned allowed, const char *op, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv__test_dom *d = NULL;
    if (check_flags(flags, allowed, op, &err) == 0)
        d = find_dom(state_of(c), uuid, &err);
    if (!d)
        cb(opaque, &err);
    return d;
}

static void test_undefine(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                          void *opaque)
{
    lv_error err;
    lv__test_dom *d = begin_op(c, uuid, flags, 0, "undefine", cb, opaque);
    if (!d)
        return;
    if (!d->persistent_def) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                     dom_name(d));
        cb(opaque, &err);
        return;
    }
    if (lv__test_dom_active(d)) {
        /* It keeps running, as a transient domain. */
        lv_domain_def_free(d->persistent_def);
        d->persistent_def = NULL;
        d->autostart = false;
        emit(state_of(c), d, LV_EVENT_UNDEFINED, LV_EVENT_UNDEFINED_REMOVED);
    } else {
        lv_domain_info *info = make_info(d);
        info->persistent = false;
        lv__test_remove_dom(state_of(c), d);
        emit_info(state_of(c), info, LV_EVENT_UNDEFINED, LV_EVENT_UNDEFINED_REMOVED);
        lv_domain_info_free(info);
    }
    cb(opaque, NULL);
}

static void test_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                       void *opaque)
{
    lv_error err;
    lv__test_dom *d = begin_op(c, uuid, flags, LV_START_PAUSED, "start", cb, opaque);
    if (!d)
        return;
    if (lv__test_dom_active(d)) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "domain '%s' is already running", dom_name(d));
        cb(opaque, &err);
        return;
    }
    if (flags & LV_START_PAUSED)
        lv__test_dom_begin(state_of(c), d, LV_DOMAIN_PAUSED, LV_PAUSED_USER);
    else
        lv__test_dom_begin(state_of(c), d, LV_DOMAIN_RUNNING, LV_RUNNING_BOOTED);
    emit(state_of(c), d, LV_EVENT_STARTED, LV_EVENT_STARTED_BOOTED);
    if (flags & LV_START_PAUSED)
        emit(state_of(c), d, LV_EVENT_SUSPENDED, LV_EVENT_SUSPENDED_PAUSED);
    cb(opaque, NULL);
}

static void test_shutdown(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                          void *opaque)
{
    lv_error err;
    /* The guest obeys at once: waiting (LV_SHUTDOWN_WAIT, a timeout) is immediate. */
    lv__test_dom *d = begin_op(c, uuid, flags, LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT_MASK,
                               "shutdown", cb, opaque);
    if (!d)
        return;
    if (d->state != LV_DOMAIN_RUNNING) {
        refuse_state(d, LV_DOMAIN_RUNNING, &err);
        cb(opaque, &err);
        return;
    }
    end_and_emit(state_of(c), d, LV_SHUTOFF_SHUTDOWN);
    cb(opaque, NULL);
}

static void test_destroy(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                         void *opaque)
{
    lv_error err;
    lv__test_dom *d = begin_op(c, uuid, flags, LV_DESTROY_GRACEFUL, "destroy", cb, opaque);
    if (!d)
        return;
    if (!lv__test_dom_active(d)) {
        refuse_state(d, LV_DOMAIN_RUNNING, &err);
        cb(opaque, &err);
        return;
    }
    end_and_emit(state_of(c), d, LV_SHUTOFF_DESTROYED);
    cb(opaque, NULL);
}

static void test_reboot(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                        void *opaque)
{
    lv_error err;
    lv__test_dom *d = begin_op(c, uuid, flags, 0, "reboot", cb, opaque);
    if (!d)
        return;
    if (d->state != LV_DOMAIN_RUNNING) {
        refuse_state(d, LV_DOMAIN_RUNNING, &err);
        cb(opaque, &err);
        return;
    }
    /* The guest reboots and <on_reboot> says what follows: "restart" (the
     * default) boots again in the same "process", same id and live definition;
     * "destroy" and "preserve" end it as a guest shutdown does. */
    const char *action = d->live_def->on_reboot;
    emit(state_of(c), d, LV_EVENT_REBOOT, 0);
    if (action && (strcmp(action, "destroy") == 0 || strcmp(action, "preserve") == 0))
        end_and_emit(state_of(c), d, LV_SHUTOFF_SHUTDOWN);
    else
        lv__test_dom_set_state(d, LV_DOMAIN_RUNNING, LV_RUNNING_BOOTED);
    cb(opaque, NULL);
}

static void test_reset(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                       void *opaque)
{
    lv_error err;
    lv__test_dom *d = begin_op(c, uuid, flags, 0, "reset", cb, opaque);
    if (!d)
        return;
    if (d->state != LV_DOMAIN_RUNNING) {
        refuse_state(d, LV_DOMAIN_RUNNING, &err);
        cb(opaque, &err);
        return;
    }
    /* A hard reset of the guest: nothing visible changes. */
    cb(opaque, NULL);
}

static void test_suspend(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                         void *opaque)
{
    lv_error err;
    lv__test_dom *d = begin_op(c, uuid, flags, 0, "suspend", cb, opaque);
    if (!d)
        return;
    if (d->state != LV_DOMAIN_RUNNING) {
        if (d->state == LV_DOMAIN_PAUSED)
            lv_error_set(&err, LV_ERR_OPERATION_INVALID, "domain '%s' is already paused",
                         dom_name(d));
        else
            refuse_state(d, LV_DOMAIN_RUNNING, &err);
        cb(opaque, &err);
        return;
    }
    lv__test_dom_set_state(d, LV_DOMAIN_PAUSED, LV_PAUSED_USER);
    emit(state_of(c), d, LV_EVENT_SUSPENDED, LV_EVENT_SUSPENDED_PAUSED);
    cb(opaque, NULL);
}

static void test_resume(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                        void *opaque)
{
    lv_error err;
    lv__test_dom *d = begin_op(c, uuid, flags, 0, "resume", cb, opaque);
    if (!d)
        return;
    if (d->state != LV_DOMAIN_PAUSED) {
        refuse_state(d, LV_DOMAIN_PAUSED, &err);
        cb(opaque, &err);
        return;
    }
    lv__test_dom_set_state(d, LV_DOMAIN_RUNNING, LV_RUNNING_UNPAUSED);
    emit(state_of(c), d, LV_EVENT_RESUMED, LV_EVENT_RESUMED_UNPAUSED);
    cb(opaque, NULL);
}

static void test_get_info(lv_conn *c, const unsigned char *uuid, lv_domain_cb cb, void *opaque)
{
    lv_error err;
    lv__test_dom *d = find_dom(state_of(c), uuid, &err);
    if (!d) {
        cb(opaque, NULL, &err);
        return;
    }
    cb(opaque, make_info(d), NULL);
}

static void test_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                         void *opaque)
{
    lv_error err;
    lv__test_dom *d = NULL;
    if (check_flags(flags, LV_XML_INACTIVE, "dumpxml", &err) == 0)
        d = find_dom(state_of(c), uuid, &err);
    if (!d) {
        cb(opaque, NULL, &err);
        return;
    }
    char *xml;
    if ((flags & LV_XML_INACTIVE) || !lv__test_dom_active(d)) {
        /* A transient domain has no other definition than its live one. */
        const lv_domain_def *def = d->persistent_def ? d->persistent_def : d->live_def;
        xml = lv_domain_def_format_xml(def, -1, LV_DOMAIN_FORMAT_INACTIVE);
    } else {
        xml = lv_domain_def_format_xml(d->live_def, d->id, 0);
    }
    if (!xml) {
        lv_error_set(&err, LV_ERR_INTERNAL, "cannot format the XML of domain '%s'", dom_name(d));
        cb(opaque, NULL, &err);
        return;
    }
    cb(opaque, xml, NULL);
}

static void test_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart, lv_done_cb cb,
                               void *opaque)
{
    lv_error err;
    lv__test_dom *d = begin_op(c, uuid, 0, 0, "autostart", cb, opaque);
    if (!d)
        return;
    if (!d->persistent_def) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "cannot set autostart for transient domain '%s'", dom_name(d));
        cb(opaque, &err);
        return;
    }
    d->autostart = autostart;
    cb(opaque, NULL);
}

static int set_def_text(lv_domain_def *def, lv_metadata_kind kind, const char *text, lv_error *err)
{
    if (kind == LV_METADATA_TITLE)
        return lv_domain_def_set_title(def, text, err);
    return lv_domain_def_set_description(def, text, err);
}

static void test_set_metadata(lv_conn *c, const unsigned char *uuid, lv_metadata_kind kind,
                              const char *text, unsigned flags, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv__test_dom *d =
        begin_op(c, uuid, flags, LV_AFFECT_LIVE | LV_AFFECT_CONFIG, "setting metadata", cb, opaque);
    if (!d)
        return;
    bool active = lv__test_dom_active(d);
    if (flags == 0)
        flags = active ? LV_AFFECT_LIVE : LV_AFFECT_CONFIG;
    if (kind != LV_METADATA_TITLE && kind != LV_METADATA_DESCRIPTION) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "unknown metadata kind %d", (int)kind);
    } else if ((flags & LV_AFFECT_LIVE) && !active) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "domain '%s' is not running: it has no live definition to change",
                     dom_name(d));
    } else if ((flags & LV_AFFECT_CONFIG) && !d->persistent_def) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "transient domain '%s' has no persistent definition to change", dom_name(d));
    } else {
        /* The setter checks the text and changes nothing when it refuses it; the
         * second definition then takes the same text. */
        lv_domain_def *first = (flags & LV_AFFECT_LIVE) ? d->live_def : d->persistent_def;
        if (set_def_text(first, kind, text, &err) == 0) {
            if ((flags & LV_AFFECT_LIVE) && (flags & LV_AFFECT_CONFIG))
                set_def_text(d->persistent_def, kind, text, NULL);
            cb(opaque, NULL);
            return;
        }
    }
    cb(opaque, &err);
}

static void test_rename(lv_conn *c, const unsigned char *uuid, const char *new_name, lv_done_cb cb,
                        void *opaque)
{
    lv_error err;
    lv__test_dom *d = begin_op(c, uuid, 0, 0, "rename", cb, opaque);
    if (!d)
        return;
    if (lv__test_dom_active(d)) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "cannot rename domain '%s': it is active (only a shut off domain can be "
                     "renamed)",
                     dom_name(d));
    } else if (!new_name) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "no new name given for domain '%s'", dom_name(d));
    } else if (lv_name_validate("domain", new_name, &err) < 0) {
        /* err says what is wrong with it */
    } else if (strcmp(new_name, dom_name(d)) == 0) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "domain '%s' already has that name", new_name);
    } else if (lv__test_find_name(state_of(c), new_name)) {
        lv_error_set(&err, LV_ERR_DUPLICATE, "domain '%s' already exists", new_name);
    } else {
        lv_domain_info *old = make_info(d);
        old->persistent = false;
        free(d->persistent_def->name);
        d->persistent_def->name = lv_strdup(new_name);
        emit_info(state_of(c), old, LV_EVENT_UNDEFINED, LV_EVENT_UNDEFINED_RENAMED);
        lv_domain_info_free(old);
        emit(state_of(c), d, LV_EVENT_DEFINED, LV_EVENT_DEFINED_RENAMED);
        cb(opaque, NULL);
        return;
    }
    cb(opaque, &err);
}

/* ---- stats -------------------------------------------------------------- */

static void test_get_stats(lv_conn *c, const unsigned char *uuid, unsigned groups,
                           lv_params_cb cb, void *opaque)
{
    lv_error err;
    lv__test_dom *d = find_dom(state_of(c), uuid, &err);
    if (!d) {
        cb(opaque, NULL, &err);
        return;
    }
    lv_params *p = lv_params_new();
    lv__test_stats(d, groups, p);
    cb(opaque, p, NULL);
}

static void test_memory_stats(lv_conn *c, const unsigned char *uuid, unsigned flags,
                              lv_params_cb cb, void *opaque)
{
    lv_error err;
    lv__test_dom *d = NULL;
    if (check_flags(flags, 0, "memory stats", &err) == 0)
        d = find_dom(state_of(c), uuid, &err);
    if (d && !lv__test_dom_active(d)) {
        refuse_state(d, LV_DOMAIN_RUNNING, &err);
        d = NULL;
    }
    if (!d) {
        cb(opaque, NULL, &err);
        return;
    }
    lv_params *p = lv_params_new();
    lv__test_memory_stats(d, p);
    cb(opaque, p, NULL);
}

static void test_block_info(lv_conn *c, const unsigned char *uuid, const char *disk,
                            unsigned flags, lv_params_cb cb, void *opaque)
{
    lv_error err;
    lv__test_dom *d = NULL;
    if (check_flags(flags, 0, "block info", &err) == 0)
        d = find_dom(state_of(c), uuid, &err);
    lv_params *p = d ? lv_params_new() : NULL;
    if (!d || lv__test_block_info(d, disk, p, &err) < 0) {
        lv_params_free(p);
        cb(opaque, NULL, &err);
        return;
    }
    cb(opaque, p, NULL);
}

/* ---- tables ------------------------------------------------------------- */

static const lv_domain_driver test_domain_driver = {
    .list = test_list,
    .lookup = test_lookup,
    .define_xml = test_define_xml,
    .create_xml = test_create_xml,
    .undefine = test_undefine,
    .start = test_start,
    .shutdown = test_shutdown,
    .destroy = test_destroy,
    .reboot = test_reboot,
    .reset = test_reset,
    .suspend = test_suspend,
    .resume = test_resume,
    .get_info = test_get_info,
    .get_xml = test_get_xml,
    .set_autostart = test_set_autostart,
    .set_metadata = test_set_metadata,
    .rename = test_rename,
    .get_stats = test_get_stats,
    .memory_stats = test_memory_stats,
    .block_info = test_block_info,
    .open_console = lv__test_open_console,
};

const lv_driver lv_test_driver = {
    .name = "test",
    .probe = test_probe,
    .open = test_open,
    .close = test_close,
    .hostname = lv__test_hostname,
    .version = lv__test_version,
    .node_info = lv__test_node_info,
    .capabilities = lv__test_capabilities,
    .domxml_to_native = lv__test_domxml_to_native,
    .domain = &test_domain_driver,
};
