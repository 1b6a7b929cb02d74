/* The qemu driver: qemu:///system, qemu:///session and qemu:///embed?root=DIR.
 *
 * No daemon: the state is the files of the scope (qemu_priv.h lists them),
 * and every operation starts by reading again those it needs (only one
 * domain's for an operation on one domain, all of them for a list), so any
 * number of shells and scripts see each other's changes. Definitions and
 * status files are small and read synchronously (the only blocking I/O here,
 * as at open time). Running
 * guests are handled in qemu_run.c, qemu_start.c, qemu_session.c and
 * qemu_lifecycle.c. Messages and refusals match the test
 * driver's, so scripts behave the same on both. */
#include "qemu_driver.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "core/names.h"
#include "network/network_driver.h"
#include "qemu_run.h"
#include "storage/storage_driver.h"

/* ---- connection --------------------------------------------------------- */

static bool qemu_probe(const lv_uri *uri)
{
    return uri->scheme && strcmp(uri->scheme, "qemu") == 0 && !uri->transport && !uri->host;
}

static void qemu_open(lv_conn *conn, lv_done_cb cb, void *opaque)
{
    lv_error err = {0};
    lv__qemu_state *st = LV_NEW(lv__qemu_state);
    st->conn = conn;
    if (lv__qemu_paths_init(&st->paths, &conn->uri, &err) < 0 ||
        lv__qemu_paths_ensure(&st->paths, &err) < 0) {
        lv__qemu_paths_clear(&st->paths);
        free(st);
        cb(opaque, &err);
        return;
    }
    conn->priv = st;
    lv__qemu_scope_dirs(&st->paths, &conn->scope);
    /* Reconnection: the status files left by earlier shells are read by the
     * first operation (each reads the files it needs as they are when it
     * starts); a guest that died meanwhile is cleaned up and shows shut off. */
    cb(opaque, NULL);
}

static void qemu_close(lv_conn *conn)
{
    lv__qemu_state *st = conn->priv;
    conn->priv = NULL;
    if (!st)
        return;
    lv__qemu_run_close(st);
    lv__qemu_console_close(st);
    lv__qemu_watch_events(conn, false);
    for (size_t i = 0; i < st->ndoms; i++)
        lv__qemu_dom_free(st->doms[i]);
    free(st->doms);
    lv__qemu_paths_clear(&st->paths);
    free(st);
}

static lv__qemu_state *state_of(lv_conn *c)
{
    return c->priv;
}

static void qemu_hostname(lv_conn *c, lv_string_cb cb, void *opaque)
{
    (void)c;
    char buf[UV_MAXHOSTNAMESIZE];
    size_t size = sizeof(buf);
    int r = uv_os_gethostname(buf, &size);
    if (r < 0) {
        lv_error err;
        lv_error_set_errno(&err, -r, "cannot get the host name");
        cb(opaque, NULL, &err);
        return;
    }
    cb(opaque, lv_strdup(buf), NULL);
}

/* /proc/meminfo and /proc/cpuinfo: small synchronous reads. */
static void qemu_node_info(lv_conn *c, lv_node_cb cb, void *opaque)
{
    (void)c;
    lv_node_info info = {0};
    snprintf(info.model, sizeof(info.model), "%s", "x86_64");
    uv_utsname_t u;
    if (uv_os_uname(&u) == 0 && strlen(u.machine) < sizeof(info.model))
        memcpy(info.model, u.machine, strlen(u.machine) + 1);
    info.memory_kib = uv_get_total_memory() / 1024;
    uv_cpu_info_t *cpus = NULL;
    int n = 0;
    if (uv_cpu_info(&cpus, &n) == 0) {
        info.cpus = (unsigned)n;
        info.mhz = n > 0 ? (unsigned)cpus[0].speed : 0;
        uv_free_cpu_info(cpus, n);
    }
    if (info.cpus == 0)
        info.cpus = 1;
    info.nodes = 1;
    info.sockets = 1;
    info.cores = info.cpus;
    info.threads = 1;
    cb(opaque, &info, NULL);
}

static int check_flags(unsigned flags, unsigned allowed, const char *op, lv_error *err)
{
    if (flags & ~allowed)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "%s: unsupported flags 0x%x", op,
                            flags & ~allowed);
    return 0;
}

/* ---- domain helpers ----------------------------------------------------- */

lv__qemu_dom *lv__qemu_find_dom(lv__qemu_state *st, const unsigned char *uuid, lv_error *err)
{
    /* Only the files of that domain when this table knows its name. */
    lv__qemu_dom *d = NULL;
    if (uuid)
        d = lv__qemu_scan_uuid(st, uuid);
    else
        lv__qemu_scan(st, NULL);
    if (!d) {
        char s[LV_UUID_STRING_LEN] = "(null)";
        if (uuid)
            lv_uuid_format(uuid, s);
        lv_error_set(err, LV_ERR_NO_DOMAIN, "domain '%s' not found", s);
    }
    return d;
}

const char *lv__qemu_dom_name(const lv__qemu_dom *d)
{
    return lv__qemu_dom_def(d)->name;
}

static void fill_info(lv_domain_info *info, const lv__qemu_dom *d)
{
    const lv_domain_def *def = lv__qemu_dom_def(d);
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
    /* What the balloon left the guest, as qemu last reported it. */
    if (lv__qemu_dom_active(d) && d->status.balloon_kib)
        info->memory_kib = d->status.balloon_kib;
    /* Real CPU time of the qemu process (all its threads) from /proc. */
    info->cpu_time_ns = lv__qemu_dom_active(d) ? lv__proc_cpu_ns(d->status.qemu_pid) : 0;
}

lv_domain_info *lv__qemu_make_info(const lv__qemu_dom *d)
{
    lv_domain_info *info = LV_NEW(lv_domain_info);
    fill_info(info, d);
    return info;
}

int lv__qemu_refuse_state(const lv__qemu_dom *d, lv_domain_state want, lv_error *err)
{
    const char *name = lv__qemu_dom_name(d);
    if (!lv__qemu_dom_active(d))
        return lv_error_set(err, LV_ERR_OPERATION_INVALID, "domain '%s' is not running", name);
    if (want == LV_DOMAIN_RUNNING && d->state == LV_DOMAIN_PAUSED)
        return lv_error_set(err, LV_ERR_OPERATION_INVALID, "domain '%s' is paused", name);
    if (want == LV_DOMAIN_PAUSED && d->state == LV_DOMAIN_RUNNING)
        return lv_error_set(err, LV_ERR_OPERATION_INVALID, "domain '%s' is not paused", name);
    return lv_error_set(err, LV_ERR_OPERATION_INVALID, "domain '%s' is %s", name,
                        lv_domain_state_string(d->state));
}

/* Writes def as CONFIG/NAME.xml (secrets included: the file is the only copy). */
static int save_config(lv__qemu_state *st, const lv_domain_def *def, lv_error *err)
{
    char *xml =
        lv_domain_def_format_xml(def, -1, LV_DOMAIN_FORMAT_INACTIVE | LV_DOMAIN_FORMAT_SECURE);
    if (!xml)
        return lv_error_set(err, LV_ERR_INTERNAL, "cannot format the XML of domain '%s'",
                            def->name);
    char *path = lv__qemu_path(st->paths.config, def->name, ".xml");
    int rc = lv_file_write_atomic(path, xml, strlen(xml), 0600, err);
    free(path);
    free(xml);
    return rc;
}

int lv__qemu_save_live(lv__qemu_state *st, const lv_domain_def *def, int id, lv_error *err)
{
    char *xml = lv_domain_def_format_xml(def, id, LV_DOMAIN_FORMAT_SECURE);
    if (!xml)
        return lv_error_set(err, LV_ERR_INTERNAL, "cannot format the XML of domain '%s'",
                            def->name);
    char *path = lv__qemu_path(st->paths.run, def->name, ".xml");
    int rc = lv_file_write_atomic(path, xml, strlen(xml), 0600, err);
    free(path);
    free(xml);
    return rc;
}

/* Refreshes the cache keys after this shell wrote CONFIG/NAME.xml itself, so
 * the next scan does not reparse it. */
static void forget_config_cache(lv__qemu_dom *d)
{
    d->cfg_mtime_ns = -1;
}

lv_domain_def *lv__qemu_parse_new_def(lv__qemu_state *st, const char *xml, lv__qemu_dom **same,
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
    if (def->virt_type && strcmp(def->virt_type, "qemu") != 0 &&
        strcmp(def->virt_type, "kvm") != 0) {
        lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                     "unsupported configuration: domain type '%s' is not served by the qemu "
                     "driver (use 'kvm' or 'qemu')",
                     def->virt_type);
        goto fail;
    }
    lv__qemu_scan(st, NULL);
    char uuidstr[LV_UUID_STRING_LEN];
    lv__qemu_dom *by_name = lv__qemu_find_name(st, def->name);
    if (by_name && memcmp(lv__qemu_dom_def(by_name)->uuid, def->uuid, LV_UUID_LEN) != 0) {
        lv_uuid_format(lv__qemu_dom_def(by_name)->uuid, uuidstr);
        lv_error_set(err, LV_ERR_DUPLICATE, "domain '%s' already exists with uuid %s", def->name,
                     uuidstr);
        goto fail;
    }
    lv__qemu_dom *by_uuid = lv__qemu_find_uuid(st, def->uuid);
    if (by_uuid && by_uuid != by_name) {
        lv_uuid_format(def->uuid, uuidstr);
        lv_error_set(err, LV_ERR_DUPLICATE, "uuid %s is already used by domain '%s'", uuidstr,
                     lv__qemu_dom_name(by_uuid));
        goto fail;
    }
    *same = by_name;
    return def;
fail:
    lv_domain_def_free(def);
    return NULL;
}

/* ---- domain operations -------------------------------------------------- */

static void qemu_list(lv_conn *c, unsigned flags, lv_domain_list_cb cb, void *opaque)
{
    lv_error err;
    if (check_flags(flags, LV_LIST_ACTIVE | LV_LIST_INACTIVE, "list", &err) < 0) {
        cb(opaque, NULL, &err);
        return;
    }
    lv__qemu_state *st = state_of(c);
    lv__qemu_scan(st, NULL);
    lv_domain_list *list = LV_NEW(lv_domain_list);
    if (st->ndoms > 0)
        list->items = lv_malloc0(st->ndoms * sizeof(*list->items));
    for (size_t i = 0; i < st->ndoms; i++) {
        const lv__qemu_dom *d = st->doms[i];
        if (lv_domain_list_wants(flags, lv__qemu_dom_active(d)))
            fill_info(&list->items[list->count++], d);
    }
    lv_domain_list_sort(list);
    cb(opaque, list, NULL);
}

static void qemu_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_domain_cb cb, void *opaque)
{
    lv_error err;
    lv__qemu_state *st = state_of(c);
    lv__qemu_dom *d = NULL;
    unsigned char uuid[LV_UUID_LEN];
    int id;
    if (!key) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "no domain name, id or uuid given");
        cb(opaque, NULL, &err);
        return;
    }
    /* A name is a file name: only that domain's files are read. Ids are in
     * the status files, so a lookup that may match one reads them all. */
    switch (by) {
    case LV_LOOKUP_NAME:
        d = lv__qemu_scan_name(st, key);
        break;
    case LV_LOOKUP_UUID:
        if (lv_uuid_parse(key, uuid, &err) < 0) {
            cb(opaque, NULL, &err);
            return;
        }
        d = lv__qemu_scan_uuid(st, uuid);
        break;
    case LV_LOOKUP_ID:
        id = lv_domain_id_parse(key);
        if (id < 0) {
            lv_error_set(&err, LV_ERR_INVALID_ARG, "invalid domain id '%s'", key);
            cb(opaque, NULL, &err);
            return;
        }
        lv__qemu_scan(st, NULL);
        d = lv__qemu_find_id(st, id);
        break;
    case LV_LOOKUP_ANY:
        id = lv_domain_id_parse(key);
        if (id >= 0 || lv_uuid_parse(key, uuid, NULL) == 0) {
            lv__qemu_scan(st, NULL);
            if (id >= 0)
                d = lv__qemu_find_id(st, id);
            if (!d && lv_uuid_parse(key, uuid, NULL) == 0)
                d = lv__qemu_find_uuid(st, uuid);
            if (!d)
                d = lv__qemu_find_name(st, key);
        } else {
            d = lv__qemu_scan_name(st, key);
        }
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
    cb(opaque, lv__qemu_make_info(d), NULL);
}

static void qemu_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                            void *opaque)
{
    lv_error err;
    lv__qemu_state *st = state_of(c);
    lv__qemu_dom *d = NULL;
    if (check_flags(flags, 0, "define", &err) < 0) {
        cb(opaque, NULL, &err);
        return;
    }
    lv_domain_def *def = lv__qemu_parse_new_def(st, xml, &d, &err);
    if (!def) {
        cb(opaque, NULL, &err);
        return;
    }
    if (save_config(st, def, &err) < 0) {
        lv_domain_def_free(def);
        cb(opaque, NULL, &err);
        return;
    }
    if (d) {
        /* The next boot's definition (a transient domain becomes persistent). */
        lv_domain_def_free(d->persistent_def);
        d->persistent_def = def;
        forget_config_cache(d);
    } else {
        d = LV_NEW(lv__qemu_dom);
        d->persistent_def = def;
        d->id = -1;
        d->state = LV_DOMAIN_SHUTOFF;
        d->reason = LV_SHUTOFF_UNKNOWN;
        forget_config_cache(d);
        lv__qemu_add_dom(st, d);
    }
    cb(opaque, lv__qemu_make_info(d), NULL);
}

/* The common prologue of the uuid-addressed operations. */
lv__qemu_dom *lv__qemu_begin_op(lv_conn *c, const unsigned char *uuid, unsigned flags,
                                unsigned allowed, const char *op, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv__qemu_dom *d = NULL;
    if (check_flags(flags, allowed, op, &err) == 0)
        d = lv__qemu_find_dom(state_of(c), uuid, &err);
    if (!d)
        cb(opaque, &err);
    return d;
}

static void qemu_undefine(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                          void *opaque)
{
    lv_error err;
    lv__qemu_state *st = state_of(c);
    lv__qemu_dom *d = lv__qemu_begin_op(c, uuid, flags, 0, "undefine", cb, opaque);
    if (!d)
        return;
    if (!d->persistent_def) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                     lv__qemu_dom_name(d));
        cb(opaque, &err);
        return;
    }
    const char *name = d->persistent_def->name;
    char *link = lv__qemu_path(st->paths.autostart, name, ".xml");
    char *path = lv__qemu_path(st->paths.config, name, ".xml");
    if (lv_file_remove(link, &err) < 0 || lv_file_remove(path, &err) < 0) {
        free(link);
        free(path);
        cb(opaque, &err);
        return;
    }
    free(link);
    free(path);
    if (lv__qemu_dom_active(d)) {
        /* It keeps running, as a transient domain. */
        lv_domain_def_free(d->persistent_def);
        d->persistent_def = NULL;
        d->autostart = false;
    } else {
        char *ended = lv__qemu_path(st->paths.run, name, ".ended");
        unlink(ended);
        free(ended);
        lv__qemu_remove_dom(st, d);
    }
    cb(opaque, NULL);
}

static void qemu_get_info(lv_conn *c, const unsigned char *uuid, lv_domain_cb cb, void *opaque)
{
    lv_error err;
    lv__qemu_dom *d = lv__qemu_find_dom(state_of(c), uuid, &err);
    if (!d) {
        cb(opaque, NULL, &err);
        return;
    }
    cb(opaque, lv__qemu_make_info(d), NULL);
}

static void qemu_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                         void *opaque)
{
    lv_error err;
    lv__qemu_dom *d = NULL;
    if (check_flags(flags, LV_XML_INACTIVE, "dumpxml", &err) == 0)
        d = lv__qemu_find_dom(state_of(c), uuid, &err);
    if (!d) {
        cb(opaque, NULL, &err);
        return;
    }
    char *xml;
    if ((flags & LV_XML_INACTIVE) || !lv__qemu_dom_active(d)) {
        const lv_domain_def *def = d->persistent_def ? d->persistent_def : d->live_def;
        xml = lv_domain_def_format_xml(def, -1, LV_DOMAIN_FORMAT_INACTIVE);
    } else {
        xml = lv_domain_def_format_xml(d->live_def, d->id, 0);
    }
    if (!xml) {
        lv_error_set(&err, LV_ERR_INTERNAL, "cannot format the XML of domain '%s'",
                     lv__qemu_dom_name(d));
        cb(opaque, NULL, &err);
        return;
    }
    cb(opaque, xml, NULL);
}

static void qemu_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart, lv_done_cb cb,
                               void *opaque)
{
    lv_error err;
    lv__qemu_state *st = state_of(c);
    lv__qemu_dom *d = lv__qemu_begin_op(c, uuid, 0, 0, "autostart", cb, opaque);
    if (!d)
        return;
    if (!d->persistent_def) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "cannot set autostart for transient domain '%s'", lv__qemu_dom_name(d));
        cb(opaque, &err);
        return;
    }
    const char *name = d->persistent_def->name;
    char *link = lv__qemu_path(st->paths.autostart, name, ".xml");
    int rc = 0;
    if (autostart) {
        char *target = lv__qemu_path(st->paths.config, name, ".xml");
        unlink(link);
        if (symlink(target, link) < 0)
            rc = lv_error_set_errno(&err, errno, "cannot create the autostart link '%s'", link);
        free(target);
    } else {
        rc = lv_file_remove(link, &err);
    }
    free(link);
    if (rc < 0) {
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

static void qemu_set_metadata(lv_conn *c, const unsigned char *uuid, lv_metadata_kind kind,
                              const char *text, unsigned flags, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv__qemu_state *st = state_of(c);
    lv__qemu_dom *d = lv__qemu_begin_op(c, uuid, flags, LV_AFFECT_LIVE | LV_AFFECT_CONFIG,
                                        "setting metadata", cb, opaque);
    if (!d)
        return;
    bool active = lv__qemu_dom_active(d);
    if (flags == 0)
        flags = active ? LV_AFFECT_LIVE : LV_AFFECT_CONFIG;
    if (kind != LV_METADATA_TITLE && kind != LV_METADATA_DESCRIPTION) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "unknown metadata kind %d", (int)kind);
    } else if ((flags & LV_AFFECT_LIVE) && !active) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "domain '%s' is not running: it has no live definition to change",
                     lv__qemu_dom_name(d));
    } else if ((flags & LV_AFFECT_CONFIG) && !d->persistent_def) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "transient domain '%s' has no persistent definition to change",
                     lv__qemu_dom_name(d));
    } else {
        /* Change copies, write them, then keep them: a failure changes nothing. */
        lv_domain_def *live = NULL, *cfg = NULL;
        int rc = 0;
        if (flags & LV_AFFECT_LIVE) {
            live = lv_domain_def_copy(d->live_def);
            rc = set_def_text(live, kind, text, &err);
        }
        if (rc == 0 && (flags & LV_AFFECT_CONFIG)) {
            cfg = lv_domain_def_copy(d->persistent_def);
            rc = set_def_text(cfg, kind, text, &err);
        }
        if (rc == 0 && cfg)
            rc = save_config(st, cfg, &err);
        if (rc == 0 && live)
            rc = lv__qemu_save_live(st, live, d->id, &err);
        if (rc == 0) {
            if (cfg) {
                lv_domain_def_free(d->persistent_def);
                d->persistent_def = cfg;
                forget_config_cache(d);
            }
            if (live) {
                lv_domain_def_free(d->live_def);
                d->live_def = live;
            }
            cb(opaque, NULL);
            return;
        }
        lv_domain_def_free(live);
        lv_domain_def_free(cfg);
    }
    cb(opaque, &err);
}

static void qemu_rename(lv_conn *c, const unsigned char *uuid, const char *new_name, lv_done_cb cb,
                        void *opaque)
{
    lv_error err;
    lv__qemu_state *st = state_of(c);
    lv__qemu_dom *d = lv__qemu_begin_op(c, uuid, 0, 0, "rename", cb, opaque);
    if (!d)
        return;
    if (lv__qemu_dom_active(d)) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "cannot rename domain '%s': it is active (only a shut off domain can be "
                     "renamed)",
                     lv__qemu_dom_name(d));
    } else if (!new_name) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "no new name given for domain '%s'",
                     lv__qemu_dom_name(d));
    } else if (lv_name_validate("domain", new_name, &err) < 0) {
        /* err says what is wrong with it */
    } else if (strcmp(new_name, lv__qemu_dom_name(d)) == 0) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "domain '%s' already has that name", new_name);
    } else if (lv__qemu_scan_name(st, new_name)) { /* its files as they are now */
        lv_error_set(&err, LV_ERR_DUPLICATE, "domain '%s' already exists", new_name);
    } else {
        lv_domain_def *def = lv_domain_def_copy(d->persistent_def);
        char *old_name = lv_strdup(def->name);
        free(def->name);
        def->name = lv_strdup(new_name);
        if (save_config(st, def, &err) < 0) {
            lv_domain_def_free(def);
            free(old_name);
            cb(opaque, &err);
            return;
        }
        char *old_path = lv__qemu_path(st->paths.config, old_name, ".xml");
        char *old_link = lv__qemu_path(st->paths.autostart, old_name, ".xml");
        char *old_ended = lv__qemu_path(st->paths.run, old_name, ".ended");
        char *new_ended = lv__qemu_path(st->paths.run, new_name, ".ended");
        unlink(old_path);
        unlink(old_link);
        if (rename(old_ended, new_ended) < 0)
            unlink(new_ended);
        free(old_path);
        free(old_link);
        free(old_ended);
        free(new_ended);
        free(old_name);
        lv_domain_def_free(d->persistent_def);
        d->persistent_def = def;
        forget_config_cache(d);
        if (d->autostart) { /* the link follows the name */
            char *link = lv__qemu_path(st->paths.autostart, new_name, ".xml");
            char *target = lv__qemu_path(st->paths.config, new_name, ".xml");
            if (symlink(target, link) < 0)
                d->autostart = false;
            free(link);
            free(target);
        }
        cb(opaque, NULL);
        return;
    }
    cb(opaque, &err);
}

/* ---- tables ------------------------------------------------------------- */

static const lv_domain_driver qemu_domain_driver = {
    .list = qemu_list,
    .lookup = qemu_lookup,
    .define_xml = qemu_define_xml,
    .create_xml = lv__qemu_create_xml,
    .undefine = qemu_undefine,
    .start = lv__qemu_start,
    .shutdown = lv__qemu_shutdown,
    .destroy = lv__qemu_destroy,
    .reboot = lv__qemu_reboot,
    .reset = lv__qemu_reset,
    .suspend = lv__qemu_suspend,
    .resume = lv__qemu_resume,
    .get_info = qemu_get_info,
    .get_xml = qemu_get_xml,
    .set_autostart = qemu_set_autostart,
    .set_metadata = qemu_set_metadata,
    .rename = qemu_rename,
    .qemu_monitor_command = lv__qemu_monitor_command,
    .get_stats = lv__qemu_get_stats,
    .memory_stats = lv__qemu_memory_stats,
    .block_info = lv__qemu_block_info,
    .open_console = lv__qemu_open_console,
    .console_log = lv__qemu_console_log,
};

const lv_driver lv_qemu_driver = {
    .name = "qemu",
    .probe = qemu_probe,
    .open = qemu_open,
    .close = qemu_close,
    .hostname = qemu_hostname,
    .version = lv__qemu_version,
    .node_info = qemu_node_info,
    .capabilities = lv__qemu_capabilities,
    .watch_events = lv__qemu_watch_events,
    .domxml_to_native = lv__qemu_domxml_to_native,
    .domain = &qemu_domain_driver,
    .storage = &lv_storage_local_driver,
    .network = &lv_host_network_driver,
};
