/* The in-memory state of the test driver: the domain table and the state
 * transitions every operation is built from. */
#include "test_priv.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

lv__test_state *lv__test_state_new(void)
{
    lv__test_state *st = LV_NEW(lv__test_state);
    st->refs = 1;
    st->next_id = 1;
    return st;
}

static void obj_clear(lv__test_obj *o)
{
    free(o->name);
    free(o->xml);
}

void lv__test_dom_free(lv__test_dom *d)
{
    if (!d)
        return;
    lv_domain_def_free(d->persistent_def);
    lv_domain_def_free(d->live_def);
    free(d);
}

void lv__test_state_free(lv__test_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->ndoms; i++)
        lv__test_dom_free(st->doms[i]);
    free(st->doms);
    for (size_t i = 0; i < st->nnets; i++)
        obj_clear(&st->nets[i]);
    free(st->nets);
    for (size_t i = 0; i < st->npools; i++)
        obj_clear(&st->pools[i]);
    free(st->pools);
    free(st->conns);
    free(st);
}

/* ---- the domain table --------------------------------------------------- */

lv__test_dom *lv__test_find_name(const lv__test_state *st, const char *name)
{
    for (size_t i = 0; i < st->ndoms; i++)
        if (strcmp(lv__test_dom_def(st->doms[i])->name, name) == 0)
            return st->doms[i];
    return NULL;
}

lv__test_dom *lv__test_find_uuid(const lv__test_state *st, const unsigned char *uuid)
{
    for (size_t i = 0; i < st->ndoms; i++)
        if (memcmp(lv__test_dom_def(st->doms[i])->uuid, uuid, LV_UUID_LEN) == 0)
            return st->doms[i];
    return NULL;
}

lv__test_dom *lv__test_find_id(const lv__test_state *st, int id)
{
    if (id < 0)
        return NULL;
    for (size_t i = 0; i < st->ndoms; i++)
        if (st->doms[i]->id == id)
            return st->doms[i];
    return NULL;
}

void lv__test_add_dom(lv__test_state *st, lv__test_dom *d)
{
    if (st->ndoms == st->cap_doms) {
        st->cap_doms = st->cap_doms ? st->cap_doms * 2 : 16;
        st->doms = lv_realloc(st->doms, st->cap_doms * sizeof(*st->doms));
    }
    st->doms[st->ndoms++] = d;
}

void lv__test_remove_dom(lv__test_state *st, lv__test_dom *d)
{
    for (size_t i = 0; i < st->ndoms; i++) {
        if (st->doms[i] != d)
            continue;
        memmove(&st->doms[i], &st->doms[i + 1], (st->ndoms - i - 1) * sizeof(*st->doms));
        st->ndoms--;
        lv__test_dom_free(d);
        return;
    }
}

/* ---- transitions -------------------------------------------------------- */

uint64_t lv__test_dom_cpu_ns(const lv__test_dom *d)
{
    if (d->state == LV_DOMAIN_RUNNING)
        return d->cpu_ns + (uv_hrtime() - d->run_since);
    return d->cpu_ns;
}

void lv__test_dom_set_state(lv__test_dom *d, lv_domain_state state, int reason)
{
    bool was_running = d->state == LV_DOMAIN_RUNNING;
    bool is_running = state == LV_DOMAIN_RUNNING;
    if (was_running && !is_running)
        d->cpu_ns += uv_hrtime() - d->run_since;
    else if (!was_running && is_running)
        d->run_since = uv_hrtime();
    d->state = state;
    d->reason = reason;
}

void lv__test_dom_begin(lv__test_state *st, lv__test_dom *d, lv_domain_state state, int reason)
{
    if (!d->live_def)
        d->live_def = lv_domain_def_copy(d->persistent_def);
    d->id = st->next_id++;
    d->cpu_ns = 0;
    d->state = LV_DOMAIN_SHUTOFF;
    lv__test_dom_set_state(d, state, reason);
}

bool lv__test_dom_end(lv__test_state *st, lv__test_dom *d, int reason)
{
    if (!d->persistent_def) {
        lv__test_remove_dom(st, d);
        return true;
    }
    lv__test_dom_set_state(d, LV_DOMAIN_SHUTOFF, reason);
    lv_domain_def_free(d->live_def);
    d->live_def = NULL;
    d->id = -1;
    d->cpu_ns = 0;
    return false;
}
