/* Network lifecycle events of other processes (another shell's net-start):
 * while a connection has a network event handler, its scope's config and
 * run folders are watched (uv_fs_event); 15 ms after the first change the
 * networks are read again and compared with what was known, and the
 * differences become events. The connection's own operations emit their
 * events themselves and then refresh what is known, so nothing is told twice.
 * A change made under the scope's lock is compared once the lock is free, so
 * a half-done operation is never reported. As for domains, the watch holds
 * the loop while a handler is set. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/alloc.h"
#include "network/network_priv.h"

enum { SETTLE_MS = 15 };

typedef struct net_watch {
    uv_fs_event_t config_ev, run_ev;
    uv_timer_t settle;
    int open_handles;
    lv_conn *conn;  /* NULL once stopping */
    bool comparing; /* emitting what the comparison found */
    lv__net_set known;
} net_watch;

static void watch_closed(uv_handle_t *h)
{
    net_watch *w = h->data;
    if (--w->open_handles == 0) {
        lv__net_set_clear(&w->known);
        free(w);
    }
}

static lv__net_obj *by_name(lv__net_set *set, const char *name)
{
    return lv__net_find(set, LV_LOOKUP_NAME, name);
}

static void emit(lv_conn *c, const lv__net_obj *o, int event, int detail)
{
    lv_net_info info;
    lv__net_info_fill(o, &info);
    if (event == LV_NET_EVENT_UNDEFINED)
        info.persistent = false; /* as it is after the change */
    lv__net_emit_event(c, &info, event, detail);
    lv_net_info_clear(&info);
}

static bool same_config(const lv_network_def *a, const lv_network_def *b)
{
    char *xa = lv_network_def_format_xml(a), *xb = lv_network_def_format_xml(b);
    bool same = !strcmp(xa, xb);
    free(xa);
    free(xb);
    return same;
}

/* Emits what changed from old to now. lv__net_emit_event must not refresh
 * w->known meanwhile: the caller swaps the sets afterwards. */
static void compare(lv_conn *c, lv__net_set *old, lv__net_set *now)
{
    for (size_t i = 0; i < now->count; i++) {
        lv__net_obj *n = &now->items[i];
        lv__net_obj *o = by_name(old, lv__net_obj_def(n)->name);
        bool was_defined = o && o->config, was_active = o && o->live;
        if (n->config && !was_defined)
            emit(c, n, LV_NET_EVENT_DEFINED, 0);
        else if (n->config && was_defined && !same_config(n->config, o->config))
            emit(c, n, LV_NET_EVENT_DEFINED, 1);
        if (n->live && !was_active)
            emit(c, n, LV_NET_EVENT_STARTED, 0);
        if (!n->live && was_active)
            emit(c, n, LV_NET_EVENT_STOPPED, 0);
        if (!n->config && was_defined)
            emit(c, n, LV_NET_EVENT_UNDEFINED, 0);
    }
    for (size_t i = 0; i < old->count; i++) {
        lv__net_obj *o = &old->items[i];
        if (by_name(now, lv__net_obj_def(o)->name))
            continue;
        lv__net_obj gone = *o;
        if (o->live) {
            gone.live = NULL;
            emit(c, &gone, LV_NET_EVENT_STOPPED, 0);
        }
        if (o->config)
            emit(c, &gone, LV_NET_EVENT_UNDEFINED, 0);
    }
}

/* Is a mutating operation (ours or another process's) under way? Its files
 * are half-written: compare only once it has finished. */
static bool operation_under_way(lv_conn *c)
{
    char *path = lv__net_run_path(c, ".lock", "");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    bool busy = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd); /* also releases the shared lock */
    return busy;
}

static void settled(uv_timer_t *t)
{
    net_watch *w = t->data;
    lv__net_set now;
    if (!w->conn)
        return;
    if (operation_under_way(w->conn)) {
        uv_timer_start(&w->settle, settled, SETTLE_MS, 0);
        return;
    }
    if (lv__net_scan(w->conn, &now, NULL) < 0)
        return;
    w->comparing = true;
    compare(w->conn, &w->known, &now);
    w->comparing = false;
    lv__net_set_clear(&w->known);
    w->known = now;
}

static void changed(uv_fs_event_t *ev, const char *file, int events, int status)
{
    (void)file, (void)events, (void)status;
    net_watch *w = ev->data;
    if (w->conn && !uv_is_active((uv_handle_t *)&w->settle))
        uv_timer_start(&w->settle, settled, SETTLE_MS, 0);
}

void lv__net_watch(lv_conn *c, bool on)
{
    net_watch *w = c->network_priv;
    if (on && !w) {
        if (lv__net_ensure_dirs(c, NULL) < 0)
            return; /* no folders: nothing to watch, own events still flow */
        w = LV_NEW(net_watch);
        w->conn = c;
        lv__net_scan(c, &w->known, NULL);
        uv_timer_init(c->loop, &w->settle);
        uv_fs_event_init(c->loop, &w->config_ev);
        uv_fs_event_init(c->loop, &w->run_ev);
        w->settle.data = w->config_ev.data = w->run_ev.data = w;
        w->open_handles = 3;
        uv_fs_event_start(&w->config_ev, changed, c->scope.network_config, 0);
        uv_fs_event_start(&w->run_ev, changed, c->scope.network_run, 0);
        c->network_priv = w;
    } else if (!on && w) {
        c->network_priv = NULL;
        w->conn = NULL;
        uv_close((uv_handle_t *)&w->settle, watch_closed);
        uv_close((uv_handle_t *)&w->config_ev, watch_closed);
        uv_close((uv_handle_t *)&w->run_ev, watch_closed);
    }
}

void lv__net_watch_refresh(lv_conn *c)
{
    net_watch *w = c->network_priv;
    if (!w || w->comparing)
        return;
    lv__net_set now;
    if (lv__net_scan(c, &now, NULL) < 0)
        return;
    lv__net_set_clear(&w->known);
    w->known = now;
}
