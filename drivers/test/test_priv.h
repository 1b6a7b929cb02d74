/* Internals of the test driver, shared by its files: the in-memory state of
 * one test:///... connection (or of every test:///default connection of the
 * process) and the loading of that state. */
#ifndef LV_TEST_PRIV_H
#define LV_TEST_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../driver.h"
#include "conf/domain_conf.h"

/* One domain. A persistent domain has persistent_def; an active one has
 * live_def. Inactive persistent: persistent_def only. Running persistent:
 * both (persistent_def is then what the next boot uses). Transient: live_def
 * only, and it vanishes when it stops. Name and uuid are the same in both. */
typedef struct lv__test_dom {
    lv_domain_def *persistent_def;
    lv_domain_def *live_def;
    int id; /* -1 when inactive */
    lv_domain_state state;
    int reason;
    bool autostart;
    uint64_t cpu_ns;    /* cpu time accumulated before run_since */
    uint64_t run_since; /* uv_hrtime() when it last entered RUNNING */
} lv__test_dom;

/* Networks and pools: parsed name and the raw XML until their APIs exist. */
typedef struct lv__test_obj {
    char *name;
    char *xml;
    bool active;
} lv__test_obj;

typedef struct lv__test_state {
    unsigned refs;
    lv_node_info node;
    int next_id;
    lv__test_dom **doms;
    size_t ndoms, cap_doms;
    lv__test_obj *nets;
    size_t nnets;
    lv__test_obj *pools;
    size_t npools;
    lv_conn **conns; /* the open connections sharing this state (their events) */
    size_t nconns;
} lv__test_state;

/* The definition that describes the domain now: live when active. */
static inline lv_domain_def *lv__test_dom_def(const lv__test_dom *d)
{
    return d->live_def ? d->live_def : d->persistent_def;
}

static inline bool lv__test_dom_active(const lv__test_dom *d)
{
    return d->id >= 0;
}

lv__test_state *lv__test_state_new(void);
void lv__test_state_free(lv__test_state *st);

lv__test_dom *lv__test_find_name(const lv__test_state *st, const char *name);
lv__test_dom *lv__test_find_uuid(const lv__test_state *st, const unsigned char *uuid);
lv__test_dom *lv__test_find_id(const lv__test_state *st, int id);
/* Takes ownership of d. */
void lv__test_add_dom(lv__test_state *st, lv__test_dom *d);
/* Removes and frees d. */
void lv__test_remove_dom(lv__test_state *st, lv__test_dom *d);
void lv__test_dom_free(lv__test_dom *d);

/* Puts an inactive domain into RUNNING/reason or PAUSED/reason with the next
 * id; live_def becomes a copy of persistent_def unless already set. */
void lv__test_dom_begin(lv__test_state *st, lv__test_dom *d, lv_domain_state state, int reason);
/* Stops an active domain with SHUTOFF/reason; a transient one is removed (and
 * freed). Returns true when it was removed. */
bool lv__test_dom_end(lv__test_state *st, lv__test_dom *d, int reason);
/* Changes state and reason, keeping the cpu time right (it grows only while
 * RUNNING). */
void lv__test_dom_set_state(lv__test_dom *d, lv_domain_state state, int reason);
uint64_t lv__test_dom_cpu_ns(const lv__test_dom *d);

/* Fills st as libvirt's test:///default is filled. */
int lv__test_load_default(lv__test_state *st, lv_error *err);
/* Fills st from a libvirt-style test driver node XML file. */
int lv__test_load_file(lv__test_state *st, const char *path, lv_error *err);

/* test_stats.c */
void lv__test_stats(const lv__test_dom *d, unsigned groups, lv_params *p);
void lv__test_memory_stats(const lv__test_dom *d, lv_params *p);
int lv__test_block_info(const lv__test_dom *d, const char *disk, lv_params *p, lv_error *err);

/* test_host.c */
void lv__test_hostname(lv_conn *c, lv_string_cb cb, void *opaque);
void lv__test_version(lv_conn *c, lv_version_cb cb, void *opaque);
void lv__test_node_info(lv_conn *c, lv_node_cb cb, void *opaque);
void lv__test_capabilities(lv_conn *c, lv_string_cb cb, void *opaque);
void lv__test_open_console(lv_conn *c, const unsigned char *uuid, const char *dev,
                           unsigned flags, lv_console_cb cb, void *opaque);
void lv__test_domxml_to_native(lv_conn *c, const char *format, const char *xml,
                               lv_string_cb cb, void *opaque);

#endif
