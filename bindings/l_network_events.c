/* Network lifecycle events in Lua: net:on("lifecycle", fn) and
 * conn:on("network-lifecycle", fn), as luvirt.NetworkSubscription.
 *
 * The same shape as the domain events of l_events.c, kept apart because the
 * driver reports them through its own handler (lv_conn_set_network_event_handler)
 * with network results: one hub per Connection sets that handler only while it
 * has a live subscription (so a one-shot command's loop is not held), the
 * handler only queues, and deliveries run from a 0 ms timer on the next loop
 * turn, each as a new task fn(net, event), never inside the driver operation
 * that caused them. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "network_internal.h"

typedef struct lv_net_sub lv_net_sub;

typedef struct lv_net_evq {
    struct lv_net_evq *next;
    lv_net_info info; /* name and uuid used */
    int event;
} lv_net_evq;

struct lv_net_evhub {
    uv_timer_t timer; /* deliveries; the hub is freed in its close callback */
    lv_runtime *rt;
    lv_conn *conn; /* NULL once closed */
    lv_net_sub *subs;
    lv_net_evq *head, *tail;
    bool handler_set;
    int delivering;
};

struct lv_net_sub {
    lv_net_sub *next;
    lv_net_evhub *hub; /* NULL once the hub closed */
    bool active;       /* not cancelled */
    bool boxed;        /* a NetworkSubscription userdata points here */
    bool in_list;
    bool filter; /* net:on: only this uuid */
    unsigned char uuid[LV_UUID_LEN];
    int fn_ref, conn_ref;
};

typedef struct net_sub_box {
    lv_net_sub *sub;
} net_sub_box;

/* The words of lv_net_event, as the keys Lua gets. */
static const char *event_key(int event)
{
    switch (event) {
    case LV_NET_EVENT_DEFINED:
        return "defined";
    case LV_NET_EVENT_UNDEFINED:
        return "undefined";
    case LV_NET_EVENT_STARTED:
        return "started";
    case LV_NET_EVENT_STOPPED:
        return "stopped";
    }
    return "unknown";
}

/* ---- hub ---------------------------------------------------------------- */

static void sub_maybe_free(lv_net_sub *sub)
{
    if (!sub->in_list && !sub->boxed)
        free(sub);
}

static void sub_release(lv_net_sub *sub, lv_runtime *rt)
{
    if (!sub->active)
        return;
    sub->active = false;
    if (!rt->shut_down) {
        luaL_unref(rt->L, LUA_REGISTRYINDEX, sub->fn_ref);
        luaL_unref(rt->L, LUA_REGISTRYINDEX, sub->conn_ref);
    }
    sub->fn_ref = sub->conn_ref = LUA_NOREF;
}

static void on_driver_event(void *opaque, lv_conn *conn, const lv_net_info *net, int event,
                            int detail);

static void hub_drop_subs(lv_net_evhub *hub);

static void hub_closed(uv_handle_t *h)
{
    free(h->data);
}

/* Prunes cancelled subscriptions; sets or removes the driver's handler. */
static void hub_update(lv_net_evhub *hub)
{
    if (!hub->conn)
        return;
    bool want = false;
    for (lv_net_sub **pp = &hub->subs; *pp;) {
        lv_net_sub *sub = *pp;
        if (!sub->active && !hub->delivering) {
            *pp = sub->next;
            sub->in_list = false;
            sub->hub = NULL;
            sub_maybe_free(sub);
            continue;
        }
        want = want || sub->active;
        pp = &sub->next;
    }
    if (want != hub->handler_set) {
        hub->handler_set = want;
        lv_conn_set_network_event_handler(hub->conn, want ? on_driver_event : NULL,
                                          want ? hub : NULL);
    }
}

static void queue_free(lv_net_evq *q)
{
    while (q) {
        lv_net_evq *next = q->next;
        free(q->info.name);
        free(q);
        q = next;
    }
}

static void deliver(uv_timer_t *timer)
{
    lv_net_evhub *hub = timer->data;
    lv_runtime *rt = hub->rt;
    lv_net_evq *q = hub->head;
    hub->head = hub->tail = NULL;
    hub->delivering++;
    for (lv_net_evq *e = q; e && hub->conn && !rt->shut_down; e = e->next) {
        for (lv_net_sub *sub = hub->subs; sub && hub->conn; sub = sub->next) {
            if (!sub->active || (sub->filter && memcmp(sub->uuid, e->info.uuid, LV_UUID_LEN)))
                continue;
            lua_State *L = rt->L;
            lua_rawgeti(L, LUA_REGISTRYINDEX, sub->fn_ref);
            lua_rawgeti(L, LUA_REGISTRYINDEX, sub->conn_ref);
            lv__network_push(L, -1, &e->info); /* stack: fn conn net */
            lua_remove(L, -2);
            lua_pushstring(L, event_key(e->event));
            lv_task_start(L, 2, NULL, NULL); /* runs until its first wait */
        }
    }
    hub->delivering--;
    queue_free(q);
    if (!hub->conn) {
        if (!hub->delivering && !uv_is_closing((uv_handle_t *)&hub->timer)) {
            hub_drop_subs(hub);
            uv_close((uv_handle_t *)&hub->timer, hub_closed);
        }
        return;
    }
    hub_update(hub);
}

static void on_driver_event(void *opaque, lv_conn *conn, const lv_net_info *net, int event,
                            int detail)
{
    (void)conn;
    (void)detail; /* libvirt's network events have none */
    lv_net_evhub *hub = opaque;
    if (!hub->conn || hub->rt->shut_down)
        return;
    lv_net_evq *e = LV_NEW(lv_net_evq);
    e->info.name = lv_strdup(net->name);
    memcpy(e->info.uuid, net->uuid, LV_UUID_LEN);
    e->event = event;
    if (hub->tail)
        hub->tail->next = e;
    else
        hub->head = e;
    hub->tail = e;
    uv_timer_start(&hub->timer, deliver, 0, 0);
}

static lv_net_evhub *events_hub(lua_State *L, lv_lconn *lc)
{
    if (!lc->net_hub) {
        lv_net_evhub *hub = LV_NEW(lv_net_evhub);
        hub->rt = lv__runtime_get(L);
        hub->conn = lc->conn;
        uv_timer_init(hub->rt->loop, &hub->timer);
        hub->timer.data = hub;
        lc->net_hub = hub;
    }
    return lc->net_hub;
}

/* Unlinks every subscription (a boxed one stays for its userdata). */
static void hub_drop_subs(lv_net_evhub *hub)
{
    while (hub->subs) {
        lv_net_sub *sub = hub->subs;
        hub->subs = sub->next;
        sub_release(sub, hub->rt);
        sub->in_list = false;
        sub->hub = NULL;
        sub_maybe_free(sub);
    }
}

void lv__network_events_close(lv_net_evhub *hub)
{
    if (!hub || !hub->conn)
        return;
    if (hub->handler_set)
        lv_conn_set_network_event_handler(hub->conn, NULL, NULL);
    hub->handler_set = false;
    hub->conn = NULL;
    for (lv_net_sub *sub = hub->subs; sub; sub = sub->next)
        sub_release(sub, hub->rt);
    queue_free(hub->head);
    hub->head = hub->tail = NULL;
    /* A handler may close the connection while deliver() walks the list:
     * then deliver() unlinks and closes when it is done. */
    if (!hub->delivering) {
        hub_drop_subs(hub);
        uv_close((uv_handle_t *)&hub->timer, hub_closed);
    }
}

/* ---- subscriptions ------------------------------------------------------ */

/* stack: ... the Connection at conn_idx, fn at fn_idx. Pushes the subscription. */
static int subscribe(lua_State *L, int conn_idx, int fn_idx, const unsigned char *uuid)
{
    lv_lconn *lc = luaL_checkudata(L, conn_idx, LV_CONNECTION_MT);
    lv__check_conn(L, conn_idx);
    lv_net_evhub *hub = events_hub(L, lc);
    lv_net_sub *sub = LV_NEW(lv_net_sub);
    sub->hub = hub;
    sub->active = true;
    sub->boxed = true;
    sub->in_list = true;
    if (uuid) {
        sub->filter = true;
        memcpy(sub->uuid, uuid, LV_UUID_LEN);
    }
    lua_pushvalue(L, fn_idx);
    sub->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, conn_idx);
    sub->conn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    sub->next = hub->subs;
    hub->subs = sub;
    net_sub_box *box = lua_newuserdatauv(L, sizeof(*box), 0);
    box->sub = sub;
    luaL_setmetatable(L, LV_NET_SUBSCRIPTION_MT);
    hub_update(hub);
    return 1;
}

/* conn:on("network-lifecycle", fn) */
int lv__l_conn_on_network(lua_State *L)
{
    lv__check_conn(L, 1);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    return subscribe(L, 1, 3, NULL);
}

/* net:on("lifecycle", fn) */
int lv__l_net_on(lua_State *L)
{
    static const char *const names[] = {"lifecycle", NULL};
    const unsigned char *uuid = lv__network_uuid(L, 1);
    luaL_checkoption(L, 2, NULL, names);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    lua_getiuservalue(L, 1, 1); /* the connection */
    int n = subscribe(L, lua_gettop(L), 3, uuid);
    lua_remove(L, -2);
    return n;
}

static int l_sub_cancel(lua_State *L)
{
    net_sub_box *box = luaL_checkudata(L, 1, LV_NET_SUBSCRIPTION_MT);
    lv_net_sub *sub = box->sub;
    if (sub && sub->active) {
        sub_release(sub, lv__runtime_get(L));
        if (sub->hub)
            hub_update(sub->hub);
    }
    return 0;
}

static int l_sub_active(lua_State *L)
{
    net_sub_box *box = luaL_checkudata(L, 1, LV_NET_SUBSCRIPTION_MT);
    lua_pushboolean(L, box->sub && box->sub->active);
    return 1;
}

static int l_sub_gc(lua_State *L)
{
    net_sub_box *box = luaL_checkudata(L, 1, LV_NET_SUBSCRIPTION_MT);
    lv_net_sub *sub = box->sub;
    box->sub = NULL;
    if (sub) {
        /* Unreachable but still subscribed: it lives on until the connection
         * closes, as a domain Subscription does. */
        sub->boxed = false;
        sub_maybe_free(sub);
    }
    return 0;
}

static int l_sub_tostring(lua_State *L)
{
    net_sub_box *box = luaL_checkudata(L, 1, LV_NET_SUBSCRIPTION_MT);
    lua_pushfstring(L, "luvirt.NetworkSubscription (%s)",
                    box->sub && box->sub->active ? "active" : "cancelled");
    return 1;
}

void lv__network_events_open_lib(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"cancel", l_sub_cancel},
        {"active", l_sub_active},
        {NULL, NULL},
    };
    static const luaL_Reg meta[] = {
        {"__gc", l_sub_gc},
        {"__close", l_sub_cancel},
        {"__tostring", l_sub_tostring},
        {NULL, NULL},
    };
    luaL_newmetatable(L, LV_NET_SUBSCRIPTION_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}
