/* Shared between the binding files; not part of the runtime's public face. */
#ifndef LV_BINDINGS_INTERNAL_H
#define LV_BINDINGS_INTERNAL_H

#include <signal.h>
#include <stdbool.h>

#include <lauxlib.h>
#include <lua.h>
#include <uv.h>

#include "driver.h"
#include "runtime.h"

typedef struct lv_runtime lv_runtime;
typedef struct lv_call lv_call;

struct lv_runtime {
    uv_loop_t *loop;
    bool owns_loop;      /* the lua5.4 module made it and closes it */
    lua_State *L;        /* the main thread */
    char *datadir;
    lv_task *tasks;      /* every live task, linked through task->next */
    lv_task *current;    /* the task whose coroutine is running now, or NULL */
    int next_task_id;
    bool blocking;       /* a call outside any task is running the loop */
    uv_async_t interrupt_async;
    volatile sig_atomic_t interrupt_id; /* task id to interrupt, set from a signal handler */
    bool shut_down;
};

typedef enum lv_task_status {
    LV_TASK_RUNNING,   /* its coroutine is executing */
    LV_TASK_WAITING,   /* yielded on a call */
    LV_TASK_DONE,
    LV_TASK_FAILED,
    LV_TASK_CANCELLED,
} lv_task_status;

struct lv_task {
    lv_runtime *rt;
    lv_task *next;
    int id;
    lua_State *co;
    int co_ref;       /* pins the coroutine until the task ends */
    lv_task_status status;
    lv_call *wait;    /* the call it waits on */
    bool cancelling;  /* resumed only to raise "cancelled" */
    bool has_handle;  /* a luvirt.Task userdata points here */
    bool quiet;       /* its failure is someone else's to report */
    int results_ref;  /* table.pack of its results, or {message, code} when it failed */
    lv_call **waiters; /* calls of tasks waiting for this one */
    size_t nwaiters;
    lv_task_done_fn done;
    void *done_ud;
};

/* ---- runtime.c ---- */
lv_runtime *lv__runtime_get(lua_State *L);
/* Where a call made from L should wait: its task, or NULL (outside any task). */
lv_task *lv__task_of(lua_State *L);

/* ---- calls.c: one asynchronous driver call seen from Lua ----
 * Usage: call = lv__call_new(L, push); start the driver op with one of the
 * lv__call_*_cb adapters and call as opaque; return lv__call_wait(L, call).
 * The call frees itself: after its results are pushed, or, when its task was
 * cancelled first, once the driver completes. */
typedef int (*lv_call_push_fn)(lua_State *L, lv_call *call);

struct lv_call {
    lv_runtime *rt;
    lv_task *task; /* the waiting task, NULL when none (yet) */
    bool done;
    bool orphaned; /* its task went away: free on completion */
    bool failed;
    lv_error err;
    lv_call_push_fn push;
    void (*release)(lv_call *call); /* frees the result; may be NULL */
    void (*abandon)(lv_call *call); /* stops the operation early when orphaned; may be NULL */
    union {
        lv_domain_info *info;
        lv_domain_list *list;
        char *str;
        lv_conn *conn;
        lv_node_info node;
        lv_version_info version;
        lv_params *params;
        void *ptr;
    } r;
    int ctx_ref; /* a registry ref the push function needs (e.g. the connection), or LUA_NOREF */
    struct sleep_timer *sleep; /* a sleep's timer until it fires or is abandoned */
    uv_timer_t timer; /* dom:wait_state's timeout */
};

lv_call *lv__call_new(lua_State *L, lv_call_push_fn push);
/* Marks it complete and resumes a waiting task. */
void lv__call_complete(lv_call *call);
int lv__call_wait(lua_State *L, lv_call *call);
/* Called by the task code when the waiting task is cancelled. */
void lv__call_orphan(lv_call *call);
/* Keeps the value at idx (a Connection, Pool, Volume...) in call->ctx_ref, for
 * push functions that make objects belonging to it. */
void lv__call_keep(lua_State *L, lv_call *call, int idx);
/* Pushes nil, message, code for a failed call; returns 3. */
int lv__push_error(lua_State *L, const lv_error *err);

void lv__call_done_cb(void *opaque, const lv_error *err);
void lv__call_conn_cb(void *opaque, lv_conn *conn, const lv_error *err);
void lv__call_domain_cb(void *opaque, lv_domain_info *info, const lv_error *err);
void lv__call_domain_list_cb(void *opaque, lv_domain_list *list, const lv_error *err);
void lv__call_string_cb(void *opaque, char *str, const lv_error *err);
void lv__call_node_cb(void *opaque, const lv_node_info *info, const lv_error *err);
void lv__call_version_cb(void *opaque, const lv_version_info *info, const lv_error *err);
void lv__call_params_cb(void *opaque, lv_params *params, const lv_error *err);
/* Pushes the params as a flat table {key = value}. */
int lv__push_params(lua_State *L, lv_call *call);
/* Push functions for the common shapes: true | string */
int lv__push_true(lua_State *L, lv_call *call);
int lv__push_string(lua_State *L, lv_call *call);

/* ---- task.c ---- */
void lv__task_resume(lv_task *task, int nargs);
void lv__task_open_lib(lua_State *L);          /* luvirt.Task metatable */
int lv__l_spawn(lua_State *L);
int lv__l_all(lua_State *L);
int lv__l_sleep(lua_State *L);
void lv__tasks_interrupt_pending(lv_runtime *rt);
void lv__tasks_shutdown(lv_runtime *rt);

/* ---- l_json.c ---- */
void lv__json_open(lua_State *L);              /* pushes the luvirt.json table */
/* The one Lua -> JSON text conversion; used by encode and by the shell. */
int lv__json_encode(lua_State *L, int idx, bool pretty);
/* Pushes obj as a Lua value (NULL: luvirt.json.null). */
struct json_object;
void lv__json_push(lua_State *L, struct json_object *obj);

/* ---- l_options.c ---- */
void lv__check_opts(lua_State *L, int idx, const char *const *allowed);
bool lv__opt_bool(lua_State *L, int idx, const char *key);
/* The {active=, inactive=} filter of a listing at idx, as the driver's flags
 * (`active`, `inactive`: its values for them). */
unsigned lv__opt_list_flags(lua_State *L, int idx, unsigned active, unsigned inactive);
/* The {by=} option of a lookup at idx: "any" (the default), "name", "uuid",
 * and "id" when `ids` (domains). */
lv_lookup_by lv__opt_lookup_by(lua_State *L, int idx, bool ids);

/* ---- l_process.c ---- */
void lv__process_open(lua_State *L); /* adds luvirt.run_interactive */

/* ---- l_handle.c ---- */
/* A Domain, Network or Pool: its UUID and the name it had when last seen; the
 * Connection is in user value 1. */
typedef struct lv_handle {
    unsigned char uuid[LV_UUID_LEN];
    char *name;
} lv_handle;
/* Pushes a handle of metatable `mt` on the connection at conn_idx. */
lv_handle *lv__handle_push(lua_State *L, const char *mt, int conn_idx, const unsigned char *uuid,
                           const char *name);
/* The Connection of the handle at idx (type checked by the caller), checked open. */
lv_conn *lv__handle_conn(lua_State *L, int idx);
/* Keeps `name` (NULL: none known) as the name the handle was last seen with. */
void lv__handle_remember_name(lv_handle *h, const char *name);
/* An operation on the handle's object: undefine, start, destroy... */
typedef void (*lv_handle_op)(lv_conn *c, const unsigned char *uuid, unsigned flags,
                             lv_done_cb cb, void *opaque);
/* Runs op on h (the handle at index 1) and its connection; true or nil, message, code. */
int lv__handle_call(lua_State *L, const lv_handle *h, lv_handle_op op, unsigned flags);
/* Registers the metatable `mt`: `methods` and name, uuid as __index, and
 * __gc, __tostring ("luvirt.Domain (web)"), __eq (same UUID). */
void lv__handle_open_type(lua_State *L, const char *mt, const luaL_Reg *methods);

/* ---- l_connection.c / l_domain.c ---- */
#define LV_CONNECTION_MT "luvirt.Connection"
#define LV_DOMAIN_MT "luvirt.Domain"

typedef struct lv_evhub lv_evhub;

typedef struct lv_lconn {
    lv_conn *conn;  /* NULL once closed */
    lv_evhub *hub;  /* domain and network events (l_events.c), made on the first subscription */
} lv_lconn;

void lv__connection_open_lib(lua_State *L);
int lv__l_open(lua_State *L);
lv_conn *lv__check_conn(lua_State *L, int idx);
void lv__domain_open_lib(lua_State *L);
/* Pushes a Domain for info (uses name/uuid) on the connection at conn_idx. */
void lv__domain_push(lua_State *L, int conn_idx, const lv_domain_info *info);
/* Pushes the info table dom:info() returns. */
void lv__domain_info_push(lua_State *L, const lv_domain_info *info);
/* The uuid of the Domain at idx (checked). */
const unsigned char *lv__domain_uuid(lua_State *L, int idx);

/* ---- l_storage.c / l_network.c ----
 * Each adds its methods to the Connection metatable's __index table (opened
 * before them) and registers its own object types. */
void lv__storage_open_lib(lua_State *L);
void lv__network_open_lib(lua_State *L);

/* ---- l_events.c ---- */
void lv__events_open_lib(lua_State *L); /* luvirt.Subscription, luvirt.NetworkSubscription */
lv_evhub *lv__events_hub(lua_State *L, lv_lconn *lc);
/* Cancels the hub's subscriptions and waiters; before the connection closes. */
void lv__events_close(lv_evhub *hub);
int lv__l_conn_on(lua_State *L);
int lv__l_dom_on(lua_State *L);
int lv__l_dom_wait_state(lua_State *L);

/* ---- l_console.c ---- */
int lv__l_dom_console(lua_State *L);
int lv__l_dom_console_log(lua_State *L);

#endif
