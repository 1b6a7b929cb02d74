/* Lifecycle events of the qemu driver. There is no daemon to tell shells what
 * happened, but everything that happens shows in the files of the scope: the
 * monitor process rewrites RUN/NAME.status on every state change (STOP, RESUME,
 * a guest panic) and replaces it by RUN/NAME.ended when qemu is gone; shells
 * write CONFIG/NAME.xml on define and remove it on undefine. So while a
 * connection has an event handler, it watches RUN and CONFIG with uv_fs_event
 * (inotify), waits for the burst of changes to settle (a short timer), rescans,
 * compares the new table with its last snapshot and emits the difference as
 * libvirt's lifecycle events. This covers the connection's own operations and
 * those of any other luvirt process alike. Without a handler nothing watches
 * and nothing holds the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "qemu_run.h"

#define SETTLE_MS 15

typedef struct snap {
    unsigned char uuid[LV_UUID_LEN];
    char *name;
    int id;
    lv_domain_state state;
    int reason;
    bool persistent;
    long long cfg_mtime_ns, cfg_size;
} snap;

struct lv__qemu_watch {
    uv_fs_event_t run_ev, cfg_ev;
    uv_timer_t settle;
    lv__qemu_state *st; /* NULL once stopped */
    snap *snaps;
    size_t nsnaps;
    int handles;
};

static void snaps_free(snap *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i].name);
    free(s);
}

static void take(lv__qemu_state *st, snap **out, size_t *nout)
{
    lv__qemu_scan(st, NULL);
    snap *s = st->ndoms ? lv_malloc0(st->ndoms * sizeof(*s)) : NULL;
    for (size_t i = 0; i < st->ndoms; i++) {
        const lv__qemu_dom *d = st->doms[i];
        const lv_domain_def *def = lv__qemu_dom_def(d);
        memcpy(s[i].uuid, def->uuid, LV_UUID_LEN);
        s[i].name = lv_strdup(def->name);
        s[i].id = d->id;
        s[i].state = d->state;
        s[i].reason = d->reason;
        s[i].persistent = d->persistent_def != NULL;
        s[i].cfg_mtime_ns = -1;
        if (s[i].persistent) {
            char *path = lv__qemu_path(st->paths.config, def->name, ".xml");
            struct stat sb;
            if (stat(path, &sb) == 0) {
                s[i].cfg_mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL +
                                    sb.st_mtim.tv_nsec;
                s[i].cfg_size = (long long)sb.st_size;
            }
            free(path);
        }
    }
    *out = s;
    *nout = st->ndoms;
}

static const snap *find(const snap *s, size_t n, const unsigned char *uuid)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(s[i].uuid, uuid, LV_UUID_LEN) == 0)
            return &s[i];
    return NULL;
}

static void emit(lv__qemu_state *st, const snap *s, int event, int detail)
{
    lv__qemu_dom *d = lv__qemu_find_uuid(st, s->uuid);
    if (d && strcmp(lv__qemu_dom_name(d), s->name) == 0) {
        lv_domain_info *info = lv__qemu_make_info(d);
        lv_conn_emit_domain_event(st->conn, info, event, detail);
        lv_domain_info_free(info);
        return;
    }
    lv_domain_info info = {0};
    info.name = s->name;
    memcpy(info.uuid, s->uuid, LV_UUID_LEN);
    info.id = s->id;
    info.state = s->state;
    info.reason = s->reason;
    info.persistent = s->persistent;
    lv_conn_emit_domain_event(st->conn, &info, event, detail);
}

static void emit_stopped(lv__qemu_state *st, const snap *s, int reason)
{
    snap off = *s;
    off.id = -1;
    off.state = LV_DOMAIN_SHUTOFF;
    off.reason = reason;
    int detail = LV_EVENT_STOPPED_SHUTDOWN;
    if (reason == LV_SHUTOFF_SHUTDOWN)
        emit(st, &off, LV_EVENT_SHUTDOWN, LV_EVENT_SHUTDOWN_FINISHED);
    else if (reason == LV_SHUTOFF_DESTROYED)
        detail = LV_EVENT_STOPPED_DESTROYED;
    else if (reason == LV_SHUTOFF_CRASHED)
        detail = LV_EVENT_STOPPED_CRASHED;
    else if (reason == LV_SHUTOFF_FAILED)
        detail = LV_EVENT_STOPPED_FAILED;
    emit(st, &off, LV_EVENT_STOPPED, detail);
}

static void emit_state_change(lv__qemu_state *st, const snap *o, const snap *n)
{
    if (n->state == o->state)
        return;
    if (n->state == LV_DOMAIN_PAUSED)
        emit(st, n, LV_EVENT_SUSPENDED,
             n->reason == LV_PAUSED_IOERROR ? LV_EVENT_SUSPENDED_IOERROR
                                            : LV_EVENT_SUSPENDED_PAUSED);
    else if (n->state == LV_DOMAIN_RUNNING && o->state == LV_DOMAIN_PAUSED)
        emit(st, n, LV_EVENT_RESUMED, LV_EVENT_RESUMED_UNPAUSED);
    else if (n->state == LV_DOMAIN_CRASHED)
        emit(st, n, LV_EVENT_CRASHED, LV_EVENT_CRASHED_PANICKED);
}

/* Old snapshot o (may be NULL) against new n (may be NULL) of one uuid. */
static void diff_one(lv__qemu_state *st, const snap *o, const snap *n)
{
    if (o && n && strcmp(o->name, n->name) != 0) {
        emit(st, o, LV_EVENT_UNDEFINED, LV_EVENT_UNDEFINED_RENAMED);
        emit(st, n, LV_EVENT_DEFINED, LV_EVENT_DEFINED_RENAMED);
    }
    bool o_active = o && o->id >= 0, n_active = n && n->id >= 0;
    if (n && n->persistent && (!o || !o->persistent))
        emit(st, n, LV_EVENT_DEFINED, LV_EVENT_DEFINED_ADDED);
    else if (o && n && o->persistent && n->persistent && strcmp(o->name, n->name) == 0 &&
             (o->cfg_mtime_ns != n->cfg_mtime_ns || o->cfg_size != n->cfg_size))
        emit(st, n, LV_EVENT_DEFINED, LV_EVENT_DEFINED_UPDATED);
    if (o_active && (!n_active || n->id != o->id)) {
        int reason = n && !n_active ? n->reason : -1;
        if (reason < 0) {
            char *path = lv__qemu_path(st->paths.run, o->name, ".ended");
            reason = lv__qemu_ended_read(path);
            free(path);
        }
        emit_stopped(st, o, reason < 0 ? LV_SHUTOFF_UNKNOWN : reason);
    }
    if (n_active && (!o_active || n->id != o->id)) {
        emit(st, n, LV_EVENT_STARTED, LV_EVENT_STARTED_BOOTED);
        if (n->state == LV_DOMAIN_PAUSED)
            emit(st, n, LV_EVENT_SUSPENDED, LV_EVENT_SUSPENDED_PAUSED);
    } else if (o_active && n_active) {
        emit_state_change(st, o, n);
    }
    if (o && o->persistent && (!n || !n->persistent))
        emit(st, o, LV_EVENT_UNDEFINED, LV_EVENT_UNDEFINED_REMOVED);
}

static void on_settled(uv_timer_t *t)
{
    struct lv__qemu_watch *w = t->data;
    lv__qemu_state *st = w->st;
    if (!st)
        return;
    snap *old = w->snaps, *cur = NULL;
    size_t nold = w->nsnaps, ncur = 0;
    take(st, &cur, &ncur);
    w->snaps = cur;
    w->nsnaps = ncur;
    /* A handler may close the connection: check after every emit. */
    for (size_t i = 0; i < nold && w->st; i++)
        diff_one(st, &old[i], find(cur, ncur, old[i].uuid));
    for (size_t i = 0; i < ncur && w->st; i++)
        if (!find(old, nold, cur[i].uuid))
            diff_one(st, NULL, &cur[i]);
    snaps_free(old, nold);
}

static void on_fs_event(uv_fs_event_t *h, const char *filename, int events, int status)
{
    (void)filename;
    (void)events;
    (void)status;
    struct lv__qemu_watch *w = h->data;
    /* SETTLE_MS after the first change of a burst, not the last: a steady
     * stream of writes must not postpone the events for ever. */
    if (w->st && !uv_is_active((uv_handle_t *)&w->settle))
        uv_timer_start(&w->settle, on_settled, SETTLE_MS, 0);
}

static void on_closed(uv_handle_t *h)
{
    struct lv__qemu_watch *w = h->data;
    if (--w->handles == 0) {
        snaps_free(w->snaps, w->nsnaps);
        free(w);
    }
}

void lv__qemu_watch_events(lv_conn *conn, bool on)
{
    lv__qemu_state *st = conn->priv;
    if (!st)
        return;
    if (!on) {
        struct lv__qemu_watch *w = st->watch;
        if (!w)
            return;
        st->watch = NULL;
        w->st = NULL;
        uv_close((uv_handle_t *)&w->run_ev, on_closed);
        uv_close((uv_handle_t *)&w->cfg_ev, on_closed);
        uv_close((uv_handle_t *)&w->settle, on_closed);
        return;
    }
    if (st->watch)
        return;
    struct lv__qemu_watch *w = LV_NEW(struct lv__qemu_watch);
    w->st = st;
    uv_fs_event_init(conn->loop, &w->run_ev);
    uv_fs_event_init(conn->loop, &w->cfg_ev);
    uv_timer_init(conn->loop, &w->settle);
    w->run_ev.data = w->cfg_ev.data = w->settle.data = w;
    w->handles = 3;
    take(st, &w->snaps, &w->nsnaps);
    /* A failure leaves that folder unwatched: the connection's own operations
     * still poke the watcher (lv__qemu_watch_poke). */
    uv_fs_event_start(&w->run_ev, on_fs_event, st->paths.run, 0);
    uv_fs_event_start(&w->cfg_ev, on_fs_event, st->paths.config, 0);
    st->watch = w;
}

/* Right after an operation of this connection: compare now, so a start
 * followed at once by a destroy is two changes, not none. */
void lv__qemu_watch_poke(lv__qemu_state *st)
{
    if (st && st->watch) {
        uv_timer_stop(&st->watch->settle);
        on_settled(&st->watch->settle);
    }
}

void lv__qemu_emit_reboot(lv__qemu_state *st, const unsigned char *uuid)
{
    lv__qemu_dom *d = st && st->conn->event_cb ? lv__qemu_find_uuid(st, uuid) : NULL;
    if (!d)
        return;
    lv_domain_info *info = lv__qemu_make_info(d);
    lv_conn_emit_domain_event(st->conn, info, LV_EVENT_REBOOT, 0);
    lv_domain_info_free(info);
}
