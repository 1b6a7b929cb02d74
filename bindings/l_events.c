/* Lifecycle events in Lua: conn:on / dom:on subscriptions (luvirt.Subscription),
 * conn:on("network-lifecycle") / net:on subscriptions (luvirt.NetworkSubscription)
 * and dom:wait_state.
 *
 * One hub per Connection serves domain and network events. It sets each of the
 * driver's event handlers while it has a live subscription (or waiter) of that
 * kind, and only then (so a one-shot command's loop is not held by a watcher).
 * The handlers only queue: deliveries run from a 0 ms timer on the next loop
 * turn, each as a new task (fn(dom, event, detail) or fn(net, event)), never
 * inside the driver's operation that caused them. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "network_internal.h"

#define LV_SUBSCRIPTION_MT "luvirt.Subscription"

typedef struct lv_sub lv_sub;
typedef struct lv_waiter lv_waiter;

typedef struct lv_evq {
    struct lv_evq *next;
    bool network;        /* which of the two infos is set */
    lv_domain_info dom;  /* name and uuid used */
    lv_net_info net;     /* name and uuid used */
    int event, detail;
} lv_evq;

struct lv_evhub {
    uv_timer_t timer; /* deliveries; the hub is freed in its close callback */
    lv_runtime *rt;
    lv_conn *conn; /* NULL once closed */
    lv_sub *subs;
    lv_waiter *waiters;
    lv_evq *head, *tail;
    bool domain_handler_set, network_handler_set;
    int delivering;
    unsigned gen;
};

struct lv_sub {
    lv_sub *next;
    lv_evhub *hub; /* NULL once the hub closed */
    bool network;  /* network events, else domain events */
    bool active;   /* not cancelled */
    bool boxed;    /* a Subscription userdata points here */
    bool in_list;
    bool filter;   /* dom:on, net:on: only this uuid */
    unsigned char uuid[LV_UUID_LEN];
    int fn_ref, conn_ref;
};

struct lv_waiter {
    lv_waiter *next;
    lv_evhub *hub;
    lv_call *call; /* NULL once finished */
    unsigned char uuid[LV_UUID_LEN];
    lv_domain_state want;
    bool checking, dirty, finished;
    unsigned gen;
    uint64_t timeout_ms;
};

typedef struct sub_box {
    lv_sub *sub;
} sub_box;

/* The words of lv_net_event, as the keys Lua gets. */
static const char *net_event_key(int event)
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

static void sub_maybe_free(lv_sub *sub)
{
    if (!sub->in_list && !sub->boxed)
        free(sub);
}

static void sub_release(lv_sub *sub, lv_runtime *rt)
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

static void on_domain_event(void *opaque, lv_conn *conn, const lv_domain_info *info, int event,
                            int detail);
static void on_network_event(void *opaque, lv_conn *conn, const lv_net_info *net, int event,
                             int detail);

static void hub_closed(uv_handle_t *h)
{
    free(h->data);
}

/* Prunes cancelled subscriptions; sets or removes the driver's handlers. */
static void hub_update(lv_evhub *hub)
{
    if (!hub->conn)
        return;
    bool want_domain = hub->waiters != NULL;
    bool want_network = false;
    for (lv_sub **pp = &hub->subs; *pp;) {
        lv_sub *sub = *pp;
        if (!sub->active && !hub->delivering) {
            *pp = sub->next;
            sub->in_list = false;
            sub->hub = NULL;
            sub_maybe_free(sub);
            continue;
        }
        if (sub->active && sub->network)
            want_network = true;
        else if (sub->active)
            want_domain = true;
        pp = &sub->next;
    }
    if (want_domain != hub->domain_handler_set) {
        hub->domain_handler_set = want_domain;
        lv_conn_set_domain_event_handler(hub->conn, want_domain ? on_domain_event : NULL,
                                         want_domain ? hub : NULL);
    }
    if (want_network != hub->network_handler_set) {
        hub->network_handler_set = want_network;
        lv_conn_set_network_event_handler(hub->conn, want_network ? on_network_event : NULL,
                                          want_network ? hub : NULL);
    }
}

static void queue_free(lv_evq *q)
{
    while (q) {
        lv_evq *next = q->next;
        lv_domain_info_clear(&q->dom);
        free(q->net.name);
        free(q);
        q = next;
    }
}

/* Unlinks every subscription (a boxed one stays for its userdata). */
static void hub_drop_subs(lv_evhub *hub)
{
    while (hub->subs) {
        lv_sub *sub = hub->subs;
        hub->subs = sub->next;
        sub_release(sub, hub->rt);
        sub->in_list = false;
        sub->hub = NULL;
        sub_maybe_free(sub);
    }
}

static void waiter_check(lv_waiter *w);

/* dom:wait_state waiters on the domain of e look again at its state. */
static void wake_waiters(lv_evhub *hub, const lv_evq *e)
{
    /* A check may finish a waiter and change the list: start over each time,
     * skipping those already seen for this event. */
    unsigned gen = ++hub->gen;
    for (lv_waiter *w = hub->waiters; w && hub->conn;) {
        if (w->gen == gen || w->finished || memcmp(w->uuid, e->dom.uuid, LV_UUID_LEN)) {
            w = w->next;
            continue;
        }
        w->gen = gen;
        if (w->checking)
            w->dirty = true;
        else
            waiter_check(w);
        w = hub->waiters;
    }
}

/* Starts sub's function on e as a task: fn(dom, event, detail) or fn(net, event). */
static void start_handler(lv_runtime *rt, const lv_sub *sub, const lv_evq *e)
{
    lua_State *L = rt->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, sub->fn_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sub->conn_ref);
    if (e->network) {
        lv__network_push(L, -1, &e->net); /* stack: fn conn net */
        lua_remove(L, -2);
        lua_pushstring(L, net_event_key(e->event));
        lv_task_start(L, 2, NULL, NULL); /* runs until its first wait */
        return;
    }
    lv__domain_push(L, -1, &e->dom); /* stack: fn conn dom */
    lua_remove(L, -2);
    lua_pushstring(L, lv_event_string(e->event));
    lua_pushstring(L, lv_event_detail_string(e->event, e->detail));
    lv_task_start(L, 3, NULL, NULL);
}

static void deliver(uv_timer_t *timer)
{
    lv_evhub *hub = timer->data;
    lv_runtime *rt = hub->rt;
    lv_evq *q = hub->head;
    hub->head = hub->tail = NULL;
    hub->delivering++;
    for (lv_evq *e = q; e && hub->conn && !rt->shut_down; e = e->next) {
        if (!e->network)
            wake_waiters(hub, e);
        const unsigned char *uuid = e->network ? e->net.uuid : e->dom.uuid;
        for (lv_sub *sub = hub->subs; sub && hub->conn; sub = sub->next) {
            if (!sub->active || sub->network != e->network ||
                (sub->filter && memcmp(sub->uuid, uuid, LV_UUID_LEN)))
                continue;
            start_handler(rt, sub, e);
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

static void enqueue(lv_evhub *hub, lv_evq *e)
{
    if (hub->tail)
        hub->tail->next = e;
    else
        hub->head = e;
    hub->tail = e;
    uv_timer_start(&hub->timer, deliver, 0, 0);
}

static void on_domain_event(void *opaque, lv_conn *conn, const lv_domain_info *info, int event,
                            int detail)
{
    (void)conn;
    lv_evhub *hub = opaque;
    if (!hub->conn || hub->rt->shut_down)
        return;
    lv_evq *e = LV_NEW(lv_evq);
    e->dom.name = lv_strdup(info->name);
    memcpy(e->dom.uuid, info->uuid, LV_UUID_LEN);
    e->dom.id = info->id;
    e->dom.state = info->state;
    e->event = event;
    e->detail = detail;
    enqueue(hub, e);
}

static void on_network_event(void *opaque, lv_conn *conn, const lv_net_info *net, int event,
                             int detail)
{
    (void)conn;
    (void)detail; /* libvirt's network events have none */
    lv_evhub *hub = opaque;
    if (!hub->conn || hub->rt->shut_down)
        return;
    lv_evq *e = LV_NEW(lv_evq);
    e->network = true;
    e->net.name = lv_strdup(net->name);
    memcpy(e->net.uuid, net->uuid, LV_UUID_LEN);
    e->event = event;
    enqueue(hub, e);
}

lv_evhub *lv__events_hub(lua_State *L, lv_lconn *lc)
{
    if (!lc->hub) {
        lv_evhub *hub = LV_NEW(lv_evhub);
        hub->rt = lv__runtime_get(L);
        hub->conn = lc->conn;
        uv_timer_init(hub->rt->loop, &hub->timer);
        hub->timer.data = hub;
        lc->hub = hub;
    }
    return lc->hub;
}

static void waiter_finish(lv_waiter *w, const lv_error *err);

void lv__events_close(lv_evhub *hub)
{
    if (!hub || !hub->conn)
        return;
    lv_error err;
    lv_error_set(&err, LV_ERR_CANCELLED, "the connection was closed");
    while (hub->waiters)
        waiter_finish(hub->waiters, &err);
    if (hub->domain_handler_set)
        lv_conn_set_domain_event_handler(hub->conn, NULL, NULL);
    if (hub->network_handler_set)
        lv_conn_set_network_event_handler(hub->conn, NULL, NULL);
    hub->domain_handler_set = hub->network_handler_set = false;
    hub->conn = NULL;
    for (lv_sub *sub = hub->subs; sub; sub = sub->next)
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

/* stack: ... at idx the Connection, fn at fn_idx. Pushes the Subscription
 * (a NetworkSubscription for network events). */
static int subscribe(lua_State *L, int conn_idx, int fn_idx, const unsigned char *uuid,
                     bool network)
{
    lv_lconn *lc = luaL_checkudata(L, conn_idx, LV_CONNECTION_MT);
    lv__check_conn(L, conn_idx);
    lv_evhub *hub = lv__events_hub(L, lc);
    lv_sub *sub = LV_NEW(lv_sub);
    sub->hub = hub;
    sub->network = network;
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
    sub_box *box = lua_newuserdatauv(L, sizeof(*box), 0);
    box->sub = sub;
    luaL_setmetatable(L, network ? LV_NET_SUBSCRIPTION_MT : LV_SUBSCRIPTION_MT);
    hub_update(hub);
    return 1;
}

static void check_event_name(lua_State *L, int idx)
{
    static const char *const names[] = {"lifecycle", NULL};
    luaL_checkoption(L, idx, NULL, names);
}

/* conn:on("lifecycle", fn); conn:on("network-lifecycle", fn) */
int lv__l_conn_on(lua_State *L)
{
    lv__check_conn(L, 1);
    const char *name = lua_tostring(L, 2);
    bool network = name && strcmp(name, "network-lifecycle") == 0;
    if (!network)
        check_event_name(L, 2);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    return subscribe(L, 1, 3, NULL, network);
}

/* dom:on("lifecycle", fn) */
int lv__l_dom_on(lua_State *L)
{
    const unsigned char *uuid = lv__domain_uuid(L, 1);
    check_event_name(L, 2);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    lua_getiuservalue(L, 1, 1); /* the connection */
    int n = subscribe(L, lua_gettop(L), 3, uuid, false);
    lua_remove(L, -2);
    return n;
}

/* net:on("lifecycle", fn) */
int lv__l_net_on(lua_State *L)
{
    const unsigned char *uuid = lv__network_uuid(L, 1);
    check_event_name(L, 2);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    lua_getiuservalue(L, 1, 1); /* the connection */
    int n = subscribe(L, lua_gettop(L), 3, uuid, true);
    lua_remove(L, -2);
    return n;
}

/* The methods serve both metatables: upvalue 1 is the one's name. */
static sub_box *check_sub_box(lua_State *L)
{
    return luaL_checkudata(L, 1, lua_tostring(L, lua_upvalueindex(1)));
}

static int l_sub_cancel(lua_State *L)
{
    lv_sub *sub = check_sub_box(L)->sub;
    if (sub && sub->active) {
        sub_release(sub, lv__runtime_get(L));
        if (sub->hub)
            hub_update(sub->hub);
    }
    return 0;
}

static int l_sub_active(lua_State *L)
{
    sub_box *box = check_sub_box(L);
    lua_pushboolean(L, box->sub && box->sub->active);
    return 1;
}

static int l_sub_gc(lua_State *L)
{
    sub_box *box = check_sub_box(L);
    lv_sub *sub = box->sub;
    box->sub = NULL;
    if (sub) {
        /* Unreachable but still subscribed: it lives on until the connection
         * closes, as a libvirt callback does. */
        sub->boxed = false;
        sub_maybe_free(sub);
    }
    return 0;
}

static int l_sub_tostring(lua_State *L)
{
    sub_box *box = check_sub_box(L);
    lua_pushfstring(L, "%s (%s)", lua_tostring(L, lua_upvalueindex(1)),
                    box->sub && box->sub->active ? "active" : "cancelled");
    return 1;
}

/* ---- dom:wait_state ----------------------------------------------------- */

static void waiter_timer_closed(uv_handle_t *h)
{
    lv__call_complete(h->data);
}

static void waiter_free(lv_waiter *w)
{
    if (!w->checking)
        free(w);
}

static void waiter_unlink(lv_waiter *w)
{
    lv_evhub *hub = w->hub;
    for (lv_waiter **pp = &hub->waiters; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    }
    hub_update(hub);
}

static void waiter_finish(lv_waiter *w, const lv_error *err)
{
    if (w->finished)
        return;
    w->finished = true;
    waiter_unlink(w);
    lv_call *call = w->call;
    w->call = NULL;
    if (err) {
        call->failed = true;
        lv_error_copy(&call->err, err);
    }
    uv_close((uv_handle_t *)&call->timer, waiter_timer_closed);
    waiter_free(w);
}

static void on_check_info(void *opaque, lv_domain_info *info, const lv_error *err)
{
    lv_waiter *w = opaque;
    w->checking = false;
    if (w->finished) {
        lv_domain_info_free(info);
        free(w);
        return;
    }
    if (err) {
        waiter_finish(w, err);
    } else if (info->state == w->want) {
        waiter_finish(w, NULL);
    } else if (w->dirty) {
        w->dirty = false;
        lv_domain_info_free(info);
        waiter_check(w);
        return;
    }
    lv_domain_info_free(info);
}

static void waiter_check(lv_waiter *w)
{
    w->checking = true;
    w->dirty = false;
    lv_domain_get_info(w->hub->conn, w->uuid, on_check_info, w);
}

static void on_wait_timeout(uv_timer_t *t)
{
    lv_call *call = t->data;
    lv_waiter *w = call->r.ptr;
    lv_error err;
    lv_error_set(&err, LV_ERR_TIMEOUT, "timed out after %llu ms waiting for the domain to be %s",
                 (unsigned long long)w->timeout_ms, lv_domain_state_key(w->want));
    waiter_finish(w, &err);
}

static void wait_abandon(lv_call *call)
{
    lv_waiter *w = call->r.ptr;
    if (w && !w->finished) {
        w->call = NULL;
        w->finished = true;
        waiter_unlink(w);
        uv_close((uv_handle_t *)&call->timer, waiter_timer_closed);
        waiter_free(w);
    }
}

/* dom:wait_state(state, [timeout_ms]) -> true | nil, "timed out ...", "TIMEOUT" */
int lv__l_dom_wait_state(lua_State *L)
{
    const unsigned char *uuid = lv__domain_uuid(L, 1);
    const char *want = luaL_checkstring(L, 2);
    lua_Integer timeout = luaL_optinteger(L, 3, 0);
    luaL_argcheck(L, timeout >= 0, 3, "milliseconds must not be negative");
    int state = -1;
    for (int s = 0; s < LV_DOMAIN_STATE__COUNT; s++)
        if (strcmp(lv_domain_state_key((lv_domain_state)s), want) == 0)
            state = s;
    if (state < 0)
        return luaL_argerror(L, 2, lua_pushfstring(L, "unknown state '%s'", want));
    lua_getiuservalue(L, 1, 1);
    lv_lconn *lc = luaL_checkudata(L, -1, LV_CONNECTION_MT);
    lv__check_conn(L, -1);
    lua_pop(L, 1);
    lv_task *task = lv__task_of(L);
    if (task && task->status == LV_TASK_CANCELLED)
        return luaL_error(L, "cancelled");
    lv_evhub *hub = lv__events_hub(L, lc);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_waiter *w = LV_NEW(lv_waiter);
    w->hub = hub;
    w->call = call;
    memcpy(w->uuid, uuid, LV_UUID_LEN);
    w->want = (lv_domain_state)state;
    w->timeout_ms = (uint64_t)timeout;
    call->r.ptr = w;
    call->abandon = wait_abandon;
    uv_timer_init(call->rt->loop, &call->timer);
    call->timer.data = call;
    if (timeout > 0)
        uv_timer_start(&call->timer, on_wait_timeout, (uint64_t)timeout, 0);
    w->next = hub->waiters;
    hub->waiters = w;
    hub_update(hub); /* subscribed before the first look: no change is missed */
    waiter_check(w);
    return lv__call_wait(L, call);
}

/* Registers the metatable `name` with the subscription methods. */
static void open_subscription_type(lua_State *L, const char *name)
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
    luaL_newmetatable(L, name);
    lua_pushstring(L, name);
    luaL_setfuncs(L, meta, 1);
    luaL_newlibtable(L, methods);
    lua_pushstring(L, name);
    luaL_setfuncs(L, methods, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

void lv__events_open_lib(lua_State *L)
{
    open_subscription_type(L, LV_SUBSCRIPTION_MT);
    open_subscription_type(L, LV_NET_SUBSCRIPTION_MT);
}
