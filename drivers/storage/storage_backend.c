/* The registry of storage backends (storage_backend.h) and the volume lists
 * they fill in. Adding a backend is one line in `backends`. */
#include "storage_backend.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static const lv__storage_backend *const backends[] = {
    &lv__storage_backend_dir,
    &lv__storage_backend_fs,
    &lv__storage_backend_logical,
    NULL,
};

const lv__storage_backend *lv__storage_backend_find(const char *type)
{
    for (size_t i = 0; type && backends[i]; i++)
        if (!strcmp(backends[i]->type, type))
            return backends[i];
    return NULL;
}

void lv__vol_defs_clear(lv__vol_defs *vols)
{
    if (!vols)
        return;
    for (size_t i = 0; i < vols->count; i++)
        lv_vol_def_clear(&vols->items[i]);
    free(vols->items);
    memset(vols, 0, sizeof(*vols));
}

lv_vol_def *lv__vol_defs_add(lv__vol_defs *vols)
{
    vols->items = lv_realloc(vols->items, (vols->count + 1) * sizeof(*vols->items));
    lv_vol_def *v = &vols->items[vols->count++];
    memset(v, 0, sizeof(*v));
    return v;
}
