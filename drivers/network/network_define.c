/* Persistence of networks: list, lookup, define, undefine, dumpxml,
 * autostart. Reads are done at once; writes take the scope's lock first, so
 * two shells never define clashing networks. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "core/mac.h"
#include "network/network_priv.h"

/* ---- generated parts and clashes ------------------------------------------------- */

static bool bridge_used(lv__net_set *set, const char *name, const char *bridge)
{
    for (size_t i = 0; i < set->count; i++) {
        const lv__net_obj *o = &set->items[i];
        const lv_network_def *defs[] = {o->config, o->live};
        for (size_t j = 0; j < 2; j++) {
            if (defs[j] && defs[j]->bridge_name && strcmp(defs[j]->name, name) &&
                !strcmp(defs[j]->bridge_name, bridge))
                return true;
        }
    }
    return false;
}

int lv__net_fill_generated(lv__net_set *set, lv_network_def *def, lv_error *err)
{
    if (lv_uuid_is_null(def->uuid)) {
        lv__net_obj *same = lv__net_find(set, LV_LOOKUP_NAME, def->name);
        if (same)
            memcpy(def->uuid, lv__net_obj_def(same)->uuid, LV_UUID_LEN);
        else if (lv_uuid_generate(def->uuid, err) < 0)
            return -1;
    }
    if (def->forward_mode && !strcmp(def->forward_mode, "bridge"))
        return 0; /* the host's bridge: nothing of it is luvirt's */
    if (!def->bridge_name) {
        /* libvirt's scheme: the first virbrN no other network and no host link uses. */
        for (unsigned n = 0; n < 256 && !def->bridge_name; n++) {
            char name[IF_NAMESIZE];
            snprintf(name, sizeof(name), "virbr%u", n);
            if (!bridge_used(set, def->name, name) && if_nametoindex(name) == 0)
                def->bridge_name = lv_strdup(name);
        }
        if (!def->bridge_name)
            return lv_error_set(err, LV_ERR_OPERATION_FAILED,
                                "no free bridge name virbr0..virbr255 for network '%s'", def->name);
    }
    if (!def->mac) {
        unsigned char mac[LV_MAC_LEN];
        char s[LV_MAC_STRING_LEN];
        if (lv_mac_generate(mac, err) < 0)
            return -1;
        lv_mac_format(mac, s);
        def->mac = lv_strdup(s);
    }
    return 0;
}

int lv__net_check_clashes(lv__net_set *set, const lv_network_def *def, lv_error *err)
{
    char want[LV_UUID_STRING_LEN], have[LV_UUID_STRING_LEN];
    lv_uuid_format(def->uuid, want);
    for (size_t i = 0; i < set->count; i++) {
        const lv_network_def *o = lv__net_obj_def(&set->items[i]);
        lv_uuid_format(o->uuid, have);
        bool same_name = !strcmp(o->name, def->name);
        bool same_uuid = !memcmp(o->uuid, def->uuid, LV_UUID_LEN);
        if (same_name && !same_uuid)
            return lv_error_set(err, LV_ERR_DUPLICATE, "network '%s' already exists with uuid %s",
                                def->name, have);
        if (!same_name && same_uuid)
            return lv_error_set(err, LV_ERR_DUPLICATE,
                                "network uuid %s is already used by network '%s'", want, o->name);
    }
    bool host_bridge = def->forward_mode && !strcmp(def->forward_mode, "bridge");
    if (def->bridge_name && !host_bridge && bridge_used(set, def->name, def->bridge_name)) {
        for (size_t i = 0; i < set->count; i++) {
            const lv_network_def *o = lv__net_obj_def(&set->items[i]);
            if (strcmp(o->name, def->name) && o->bridge_name &&
                !strcmp(o->bridge_name, def->bridge_name))
                return lv_error_set(err, LV_ERR_DUPLICATE,
                                    "bridge name '%s' is already used by network '%s'",
                                    def->bridge_name, o->name);
        }
        return lv_error_set(err, LV_ERR_DUPLICATE,
                            "bridge name '%s' is already used by another "
                            "network",
                            def->bridge_name);
    }
    return 0;
}

/* ---- reads ----------------------------------------------------------------------- */

static int cmp_info(const void *a, const void *b)
{
    return strcmp(((const lv_net_info *)a)->name, ((const lv_net_info *)b)->name);
}

void lv__net_list(lv_conn *c, unsigned flags, lv_net_list_cb cb, void *opaque)
{
    lv_error err;
    lv__net_set set;
    if (lv__net_ensure_default(c, &err) < 0 || lv__net_scan(c, &set, &err) < 0) {
        cb(opaque, NULL, &err);
        return;
    }
    bool want_active = flags & LV_NET_LIST_ACTIVE, want_inactive = flags & LV_NET_LIST_INACTIVE;
    if (!want_active && !want_inactive)
        want_active = want_inactive = true;
    lv_net_list *list = LV_NEW(lv_net_list);
    list->items = lv_malloc0((set.count ? set.count : 1) * sizeof(*list->items));
    for (size_t i = 0; i < set.count; i++) {
        bool active = set.items[i].live != NULL;
        if (active ? want_active : want_inactive)
            lv__net_info_fill(&set.items[i], &list->items[list->count++]);
    }
    qsort(list->items, list->count, sizeof(*list->items), cmp_info);
    lv__net_set_clear(&set);
    cb(opaque, list, NULL);
}

void lv__net_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_net_cb cb, void *opaque)
{
    lv_error err;
    lv__net_set set;
    if (lv__net_ensure_default(c, &err) < 0 || lv__net_scan(c, &set, &err) < 0) {
        cb(opaque, NULL, &err);
        return;
    }
    lv__net_obj *o = lv__net_find(&set, by, key);
    if (!o) {
        lv__net_not_found(&err, by == LV_LOOKUP_UUID ? "uuid" : "name", key);
        lv__net_set_clear(&set);
        cb(opaque, NULL, &err);
        return;
    }
    lv_net_info *info = lv__net_info_new(o);
    lv__net_set_clear(&set);
    cb(opaque, info, NULL);
}

void lv__net_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                     void *opaque)
{
    lv_error err;
    lv__net_set set;
    lv__net_obj *o = lv__net_scan_uuid(c, &set, uuid, &err);
    if (!o) {
        cb(opaque, NULL, &err);
        return;
    }
    const lv_network_def *def =
        (flags & LV_NET_XML_INACTIVE) && o->config ? o->config : lv__net_obj_def(o);
    char *xml = lv_network_def_format_xml(def);
    lv__net_set_clear(&set);
    cb(opaque, xml, NULL);
}

/* ---- writes under the lock --------------------------------------------------------- */

typedef struct define_call {
    lv_conn *conn;
    char *xml;
    unsigned char uuid[LV_UUID_LEN];
    bool autostart;
    lv_net_cb net_cb;
    lv_done_cb done_cb;
    void *opaque;
} define_call;

static void define_call_free(define_call *call)
{
    free(call->xml);
    free(call);
}

static void define_locked(void *opaque, int lock_fd, const lv_error *lock_err)
{
    define_call *call = opaque;
    lv_conn *c = call->conn;
    lv_error err;
    lv__net_set set = {0};
    lv_network_def *def = NULL;
    lv_net_info *info = NULL;
    char *path = NULL;

    if (lock_err) {
        lv_error_copy(&err, lock_err);
        goto fail;
    }
    if (!(def = lv_network_def_parse_xml(call->xml, &err)) || lv__net_scan(c, &set, &err) < 0)
        goto fail;
    lv__net_obj *old = lv__net_find(&set, LV_LOOKUP_NAME, def->name);
    bool existed = old && old->config;
    if (lv__net_fill_generated(&set, def, &err) < 0 || lv__net_check_clashes(&set, def, &err) < 0)
        goto fail;
    path = lv__net_config_path(c, def->name);
    if (lv__net_write_def(path, def, &err) < 0)
        goto fail;
    lv__net_obj now = {
        .config = def, .live = old ? old->live : NULL, .autostart = old && old->autostart};
    info = lv__net_info_new(&now);
    lv__net_emit_event(c, info, LV_NET_EVENT_DEFINED, existed ? 1 : 0);
    lv__net_unlock(lock_fd);
    lv__net_set_clear(&set);
    lv_network_def_free(def);
    free(path);
    lv_net_cb cb = call->net_cb;
    void *cb_opaque = call->opaque;
    define_call_free(call);
    cb(cb_opaque, info, NULL);
    return;
fail:
    lv__net_unlock(lock_fd);
    lv__net_set_clear(&set);
    lv_network_def_free(def);
    free(path);
    lv_net_cb fcb = call->net_cb;
    void *fopaque = call->opaque;
    define_call_free(call);
    fcb(fopaque, NULL, &err);
}

void lv__net_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb, void *opaque)
{
    lv_error err;
    if (flags) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "net-define: unknown flags 0x%x", flags);
        cb(opaque, NULL, &err);
        return;
    }
    define_call *call = LV_NEW(define_call);
    call->conn = c;
    call->xml = lv_strdup(xml);
    call->net_cb = cb;
    call->opaque = opaque;
    lv__net_lock(c, define_locked, call);
}

static void finish_done(define_call *call, int lock_fd, const lv_error *err)
{
    lv__net_unlock(lock_fd);
    lv_done_cb cb = call->done_cb;
    void *opaque = call->opaque;
    define_call_free(call);
    cb(opaque, err);
}

static void undefine_locked(void *opaque, int lock_fd, const lv_error *lock_err)
{
    define_call *call = opaque;
    lv_conn *c = call->conn;
    lv_error err;
    lv__net_set set;
    if (lock_err) {
        finish_done(call, lock_fd, lock_err);
        return;
    }
    lv__net_obj *o = lv__net_scan_uuid(c, &set, call->uuid, &err);
    if (!o) {
        finish_done(call, lock_fd, &err);
        return;
    }
    const char *name = lv__net_obj_def(o)->name;
    if (!o->config) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "cannot undefine transient network '%s' (net-destroy ends it)", name);
        lv__net_set_clear(&set);
        finish_done(call, lock_fd, &err);
        return;
    }
    char *link = lv__net_autostart_path(c, name);
    char *path = lv__net_config_path(c, name);
    int rc = lv_file_remove(link, &err) < 0 || lv_file_remove(path, &err) < 0 ? -1 : 0;
    free(link);
    free(path);
    if (rc == 0) {
        lv_network_def *config = o->config;
        o->config = NULL;
        o->autostart = false;
        lv_net_info info;
        lv__net_obj gone = {.config = config, .live = o->live};
        lv__net_info_fill(&gone, &info);
        info.persistent = false;
        lv__net_emit_event(c, &info, LV_NET_EVENT_UNDEFINED, 0);
        lv_net_info_clear(&info);
        lv_network_def_free(config);
    }
    lv__net_set_clear(&set);
    finish_done(call, lock_fd, rc < 0 ? &err : NULL);
}

void lv__net_undefine(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque)
{
    (void)flags;
    define_call *call = LV_NEW(define_call);
    call->conn = c;
    memcpy(call->uuid, uuid, LV_UUID_LEN);
    call->done_cb = cb;
    call->opaque = opaque;
    lv__net_lock(c, undefine_locked, call);
}

int lv__net_autostart_link(lv_conn *c, const char *name, lv_error *err)
{
    /* A relative link, so the folder can move; made beside and renamed in. */
    char *link = lv__net_autostart_path(c, name);
    char *target = lv_asprintf("../%s.xml", name);
    char *tmp = lv_asprintf("%s/autostart/.%s.xml.new", c->scope.network_config, name);
    int rc = 0;
    unlink(tmp);
    if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
        rc = lv_error_set_errno(err, errno, "cannot create the autostart link '%s'", link);
        unlink(tmp);
    }
    free(target);
    free(tmp);
    free(link);
    return rc;
}

static void autostart_locked(void *opaque, int lock_fd, const lv_error *lock_err)
{
    define_call *call = opaque;
    lv_conn *c = call->conn;
    lv_error err;
    lv__net_set set;
    if (lock_err) {
        finish_done(call, lock_fd, lock_err);
        return;
    }
    lv__net_obj *o = lv__net_scan_uuid(c, &set, call->uuid, &err);
    if (!o) {
        finish_done(call, lock_fd, &err);
        return;
    }
    const char *name = lv__net_obj_def(o)->name;
    int rc = 0;
    char *link = lv__net_autostart_path(c, name);
    if (!o->config) {
        rc = lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                          "cannot set autostart for transient network '%s'", name);
    } else if (!call->autostart) {
        rc = lv_file_remove(link, &err);
    } else if (!o->autostart) {
        rc = lv__net_autostart_link(c, name, &err);
    }
    free(link);
    lv__net_set_clear(&set);
    finish_done(call, lock_fd, rc < 0 ? &err : NULL);
}

void lv__net_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart, lv_done_cb cb,
                           void *opaque)
{
    define_call *call = LV_NEW(define_call);
    call->conn = c;
    memcpy(call->uuid, uuid, LV_UUID_LEN);
    call->autostart = autostart;
    call->done_cb = cb;
    call->opaque = opaque;
    lv__net_lock(c, autostart_locked, call);
}
