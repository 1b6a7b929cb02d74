/* Driver registry and the checked entry points: unsupported operations and
 * writes on read-only connections fail here, once, for every driver. */
#include "driver.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "network.h"
#include "storage.h"
#include "qemu/qemu_driver.h"
#include "test/test_driver.h"

static const lv_driver *const registry[] = {
    &lv_test_driver,
    &lv_qemu_driver,
    NULL,
};

const lv_driver *const *lv_driver_registry(void)
{
    return registry;
}

/* ---- opening ------------------------------------------------------------ */

typedef struct open_call {
    lv_conn *conn;
    lv_conn_cb cb;
    void *opaque;
} open_call;

static void free_conn(lv_conn *conn)
{
    lv_uri_clear(&conn->uri);
    free(conn->uri_string);
    free(conn);
}

static void open_done(void *opaque, const lv_error *err)
{
    open_call *call = opaque;
    lv_conn *conn = call->conn;
    lv_conn_cb cb = call->cb;
    void *cb_opaque = call->opaque;
    free(call);
    if (err) {
        free_conn(conn);
        cb(cb_opaque, NULL, err);
        return;
    }
    cb(cb_opaque, conn, NULL);
}

void lv_conn_open(uv_loop_t *loop, const char *uri, unsigned flags, lv_conn_cb cb, void *opaque)
{
    lv_error err = {0};
    lv_conn *conn = LV_NEW(lv_conn);
    conn->loop = loop;
    conn->flags = flags;
    if (lv_uri_parse(uri, &conn->uri, &err) < 0) {
        free_conn(conn);
        cb(opaque, NULL, &err);
        return;
    }
    for (const lv_driver *const *d = registry; *d; d++) {
        if ((*d)->probe(&conn->uri)) {
            conn->driver = *d;
            break;
        }
    }
    if (!conn->driver) {
        lv_error_set(&err, LV_ERR_NO_CONNECT, "no connection driver available for '%s'", uri);
        free_conn(conn);
        cb(opaque, NULL, &err);
        return;
    }
    conn->uri_string = lv_uri_format(&conn->uri);
    open_call *call = LV_NEW(open_call);
    call->conn = conn;
    call->cb = cb;
    call->opaque = opaque;
    conn->driver->open(conn, open_done, call);
}

void lv_conn_close(lv_conn *conn)
{
    if (!conn)
        return;
    lv_conn_set_domain_event_handler(conn, NULL, NULL);
    lv_storage_conn_close(conn);
    lv_network_conn_close(conn);
    conn->driver->close(conn);
    lv_scope_dirs_clear(&conn->scope);
    free_conn(conn);
}

void lv_scope_dirs_clear(lv_scope_dirs *dirs)
{
    free(dirs->storage_config);
    free(dirs->storage_run);
    free(dirs->network_config);
    free(dirs->network_run);
    free(dirs->images);
    memset(dirs, 0, sizeof(*dirs));
}

bool lv_conn_is_readonly(const lv_conn *conn)
{
    return conn->flags & LV_CONNECT_READONLY;
}

void lv_conn_set_domain_event_handler(lv_conn *conn, lv_domain_event_cb cb, void *opaque)
{
    bool was = conn->event_cb != NULL;
    conn->event_cb = cb;
    conn->event_opaque = opaque;
    if (was != (cb != NULL) && conn->driver->watch_events)
        conn->driver->watch_events(conn, cb != NULL);
}

void lv_conn_emit_domain_event(lv_conn *conn, const lv_domain_info *dom, int event, int detail)
{
    if (conn && conn->event_cb)
        conn->event_cb(conn->event_opaque, conn, dom, event, detail);
}

/* ---- checked dispatch --------------------------------------------------- */

bool lv_conn_refuses(lv_conn *c, bool present, const char *op, bool write, lv_error *err)
{
    if (!present) {
        lv_error_set(err, LV_ERR_NO_SUPPORT, "%s is not supported by the %s driver", op,
                     c->driver->name);
        return true;
    }
    if (write && lv_conn_is_readonly(c)) {
        lv_error_set(err, LV_ERR_READ_ONLY, "%s: the connection '%s' is read-only", op,
                     c->uri_string);
        return true;
    }
    return false;
}

/* Dispatch helpers: one per callback shape. WRITE marks mutating calls. */
#define CHECK(cbcall, fn, name, write)                                                             \
    do {                                                                                           \
        lv_error err_;                                                                             \
        if (lv_conn_refuses(c, (fn) != NULL, name, write, &err_)) {                                \
            cbcall;                                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define DOM(c) ((c)->driver->domain)
#define DOMFN(c, f) (DOM(c) ? DOM(c)->f : NULL)

void lv_conn_hostname(lv_conn *c, lv_string_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), c->driver->hostname, "hostname", false);
    c->driver->hostname(c, cb, opaque);
}

void lv_conn_version(lv_conn *c, lv_version_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), c->driver->version, "version", false);
    c->driver->version(c, cb, opaque);
}

void lv_conn_node_info(lv_conn *c, lv_node_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), c->driver->node_info, "nodeinfo", false);
    c->driver->node_info(c, cb, opaque);
}

void lv_conn_capabilities(lv_conn *c, lv_string_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), c->driver->capabilities, "capabilities", false);
    c->driver->capabilities(c, cb, opaque);
}

void lv_conn_domxml_to_native(lv_conn *c, const char *format, const char *xml, lv_string_cb cb,
                              void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), c->driver->domxml_to_native, "domxml-to-native", false);
    c->driver->domxml_to_native(c, format, xml, cb, opaque);
}

void lv_domain_list_all(lv_conn *c, unsigned flags, lv_domain_list_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, list), "listing domains", false);
    DOM(c)->list(c, flags, cb, opaque);
}

void lv_domain_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_domain_cb cb,
                      void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, lookup), "domain lookup", false);
    DOM(c)->lookup(c, by, key, cb, opaque);
}

void lv_domain_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                          void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, define_xml), "define", true);
    DOM(c)->define_xml(c, xml, flags, cb, opaque);
}

void lv_domain_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                          void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, create_xml), "create", true);
    DOM(c)->create_xml(c, xml, flags, cb, opaque);
}

#define SIMPLE_OP(fname, field, label)                                                             \
    void fname(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,              \
               void *opaque)                                                                       \
    {                                                                                              \
        CHECK(cb(opaque, &err_), DOMFN(c, field), label, true);                                    \
        DOM(c)->field(c, uuid, flags, cb, opaque);                                                 \
    }

SIMPLE_OP(lv_domain_undefine, undefine, "undefine")
SIMPLE_OP(lv_domain_start, start, "start")
SIMPLE_OP(lv_domain_shutdown, shutdown, "shutdown")
SIMPLE_OP(lv_domain_destroy, destroy, "destroy")
SIMPLE_OP(lv_domain_reboot, reboot, "reboot")
SIMPLE_OP(lv_domain_reset, reset, "reset")
SIMPLE_OP(lv_domain_suspend, suspend, "suspend")
SIMPLE_OP(lv_domain_resume, resume, "resume")

void lv_domain_get_info(lv_conn *c, const unsigned char *uuid, lv_domain_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, get_info), "domain info", false);
    DOM(c)->get_info(c, uuid, cb, opaque);
}

void lv_domain_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                       void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, get_xml), "dumpxml", false);
    DOM(c)->get_xml(c, uuid, flags, cb, opaque);
}

void lv_domain_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart,
                             lv_done_cb cb, void *opaque)
{
    CHECK(cb(opaque, &err_), DOMFN(c, set_autostart), "autostart", true);
    DOM(c)->set_autostart(c, uuid, autostart, cb, opaque);
}

void lv_domain_set_metadata(lv_conn *c, const unsigned char *uuid, lv_metadata_kind kind,
                            const char *text, unsigned flags, lv_done_cb cb, void *opaque)
{
    CHECK(cb(opaque, &err_), DOMFN(c, set_metadata), "setting metadata", true);
    DOM(c)->set_metadata(c, uuid, kind, text, flags, cb, opaque);
}

void lv_domain_rename(lv_conn *c, const unsigned char *uuid, const char *new_name,
                      lv_done_cb cb, void *opaque)
{
    CHECK(cb(opaque, &err_), DOMFN(c, rename), "rename", true);
    DOM(c)->rename(c, uuid, new_name, cb, opaque);
}

void lv_domain_qemu_monitor_command(lv_conn *c, const unsigned char *uuid, const char *cmd,
                                    unsigned flags, lv_string_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, qemu_monitor_command), "qemu-monitor-command",
          true);
    DOM(c)->qemu_monitor_command(c, uuid, cmd, flags, cb, opaque);
}

void lv_domain_get_stats(lv_conn *c, const unsigned char *uuid, unsigned groups,
                         lv_params_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, get_stats), "domain stats", false);
    if (groups & ~(unsigned)LV_STATS_ALL) {
        lv_error err;
        lv_error_set(&err, LV_ERR_INVALID_ARG, "domain stats: unknown groups 0x%x",
                     groups & ~(unsigned)LV_STATS_ALL);
        cb(opaque, NULL, &err);
        return;
    }
    DOM(c)->get_stats(c, uuid, groups ? groups : (unsigned)LV_STATS_ALL, cb, opaque);
}

void lv_domain_memory_stats(lv_conn *c, const unsigned char *uuid, unsigned flags,
                            lv_params_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, memory_stats), "memory stats", false);
    DOM(c)->memory_stats(c, uuid, flags, cb, opaque);
}

void lv_domain_block_info(lv_conn *c, const unsigned char *uuid, const char *disk,
                          unsigned flags, lv_params_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, block_info), "block info", false);
    if (!disk || !*disk) {
        lv_error err;
        lv_error_set(&err, LV_ERR_INVALID_ARG, "block info: no disk target or path given");
        cb(opaque, NULL, &err);
        return;
    }
    DOM(c)->block_info(c, uuid, disk, flags, cb, opaque);
}

void lv_domain_open_console(lv_conn *c, const unsigned char *uuid, const char *dev,
                            unsigned flags, lv_console_cb cb, void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, open_console), "console", true);
    DOM(c)->open_console(c, uuid, dev, flags, cb, opaque);
}

void lv_domain_console_log(lv_conn *c, const unsigned char *uuid, lv_string_cb cb,
                           void *opaque)
{
    CHECK(cb(opaque, NULL, &err_), DOMFN(c, console_log), "console log", false);
    DOM(c)->console_log(c, uuid, cb, opaque);
}
