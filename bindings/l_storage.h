/* Shared between the storage binding files (l_storage.c, l_pool.c,
 * l_volume.c, l_progress.c); not part of the runtime's public face. */
#ifndef LV_BINDINGS_L_STORAGE_H
#define LV_BINDINGS_L_STORAGE_H

#include "internal.h"
#include "storage.h"

#define LV_POOL_MT "luvirt.Pool"
#define LV_VOLUME_MT "luvirt.Volume"

/* ---- l_storage.c: result adapters (the result rides in call->r.ptr) ---- */
void lv__call_pool_cb(void *opaque, lv_pool_info *info, const lv_error *err);
void lv__call_pool_list_cb(void *opaque, lv_pool_list *list, const lv_error *err);
void lv__call_vol_cb(void *opaque, lv_vol_info *info, const lv_error *err);
void lv__call_vol_list_cb(void *opaque, lv_vol_list *list, const lv_error *err);
/* The pool info table pool:info() returns; the volume info table vol:info() returns. */
void lv__pool_info_push(lua_State *L, const lv_pool_info *info);
void lv__vol_info_push(lua_State *L, const lv_vol_info *info);
/* XML text for a definition argument: a string as it is, or a table turned
 * into XML by luvirt.storagexml's builder `fn` ("pool_xml", "volume_xml");
 * the text replaces the table at idx. */
const char *lv__storage_xml_arg(lua_State *L, int idx, const char *fn);
/* A size argument: an integer of bytes or a string for luvirt.parse_size. */
uint64_t lv__check_size(lua_State *L, int idx, const char *what);

/* ---- l_pool.c: luvirt.Pool ---- */
void lv__pool_open_lib(lua_State *L);
/* Pushes a Pool on the connection at conn_idx. */
void lv__pool_push(lua_State *L, int conn_idx, const unsigned char *uuid, const char *name);
/* The uuid of the Pool at idx (checked), and its connection (checked open). */
const unsigned char *lv__pool_uuid(lua_State *L, int idx);
lv_conn *lv__pool_conn(lua_State *L, int idx);
/* Results that become Pools: push functions using ctx_ref = the connection. */
int lv__push_pool(lua_State *L, lv_call *call);

/* ---- l_volume.c: luvirt.Volume ---- */
void lv__volume_open_lib(lua_State *L);
/* Pushes a Volume for info (pool uuid, pool name, name) on the connection at conn_idx. */
void lv__volume_push(lua_State *L, int conn_idx, const lv_vol_info *info);
/* Push functions: ctx_ref = the connection. */
int lv__push_volume(lua_State *L, lv_call *call);
int lv__push_volume_list(lua_State *L, lv_call *call);
int lv__push_vol_info_list(lua_State *L, lv_call *call);
/* The pool uuid and name of the Volume at idx (checked). */
void lv__volume_ids(lua_State *L, int idx, const unsigned char **pool_uuid, const char **name);

/* ---- l_progress.c: progress of long volume operations ----
 * One relay per call: the driver gets the relay as opaque for both its
 * progress and its completion callback. Reports are coalesced: the Lua
 * function runs as a task (as event handlers do) with the latest (done,
 * total), one at a time; the last report still pending when the operation
 * ends is delivered before the call completes, unless a delivery is still
 * running (then it is dropped: the call does not wait on the function). */
typedef struct lv_relay lv_relay;
/* fn_idx: the progress function's stack index, or 0 for none. */
lv_relay *lv__relay_new(lua_State *L, lv_call *call, int fn_idx);
void lv__relay_progress_cb(void *opaque, uint64_t done, uint64_t total);
void lv__relay_done_cb(void *opaque, const lv_error *err);
void lv__relay_vol_cb(void *opaque, lv_vol_info *info, const lv_error *err);
/* The `progress` field of the options table at idx: its index after pushing
 * it (a function), or 0 (absent; nothing pushed). */
int lv__opt_progress(lua_State *L, int idx);
/* luvirt.isatty(fd): for commands deciding whether to draw a progress bar. */
int lv__l_isatty(lua_State *L);

#endif
