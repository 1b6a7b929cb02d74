/* The storage driver interface: pools and volumes (libvirt's formatstorage).
 * Same conventions as driver.h: asynchronous tables of function pointers,
 * each completing through its callback exactly once (possibly before
 * returning); a NULL entry means "not supported"; the lv_* entry points check
 * that and refuse mutating calls on read-only connections, once for every
 * driver. Results handed to a callback belong to it (free with lv_*_free).
 *
 * Pools are addressed by UUID like domains; volumes by (pool uuid, volume
 * name). A pool or volume that does not exist fails with LV_ERR_NO_POOL or
 * LV_ERR_NO_VOLUME. The local driver (hypervisors whose files are on this
 * host) is drivers/storage/storage_driver.h. The owner of this file is the storage driver (drivers/storage/). */
#ifndef LV_STORAGE_H
#define LV_STORAGE_H

#include "driver.h"

/* ---- results ----------------------------------------------------------- */

typedef enum lv_pool_state { /* as virStoragePoolState */
    LV_POOL_INACTIVE = 0,
    LV_POOL_BUILDING,
    LV_POOL_RUNNING,
    LV_POOL_DEGRADED,
    LV_POOL_INACCESSIBLE,
} lv_pool_state;

typedef struct lv_pool_info {
    char *name;
    unsigned char uuid[LV_UUID_LEN];
    char *type;   /* "dir", "fs", "logical" */
    char *target; /* the target path (a directory; logical: /dev/VG) */
    lv_pool_state state;
    bool persistent;
    bool autostart;
    uint64_t capacity;   /* bytes; 0 while inactive */
    uint64_t allocation;
    uint64_t available;
} lv_pool_info;

typedef struct lv_pool_list {
    size_t count;
    lv_pool_info *items;
} lv_pool_list;

typedef enum lv_vol_type { /* as virStorageVolType */
    LV_VOL_FILE = 0,
    LV_VOL_BLOCK,
    LV_VOL_DIR,
} lv_vol_type;

typedef struct lv_vol_info {
    char *name;
    char *key;    /* libvirt's: the path for dir/fs, VG/LV for logical */
    char *path;
    char *pool;   /* the pool's name */
    unsigned char pool_uuid[LV_UUID_LEN];
    lv_vol_type type;
    char *format; /* "raw", "qcow2", ... (NULL: unknown) */
    uint64_t capacity;   /* bytes the guest sees */
    uint64_t allocation; /* bytes used on the host */
    uint64_t physical;   /* size of the file or device */
    char *backing_path;  /* NULL: none */
    char *backing_format;
} lv_vol_info;

typedef struct lv_vol_list {
    size_t count;
    lv_vol_info *items;
} lv_vol_list;

void lv_pool_info_clear(lv_pool_info *info);
void lv_pool_info_free(lv_pool_info *info);
void lv_pool_list_free(lv_pool_list *list);
void lv_vol_info_clear(lv_vol_info *info);
void lv_vol_info_free(lv_vol_info *info);
void lv_vol_list_free(lv_vol_list *list);

/* Progress of a long volume operation (upload, download, clone, wipe):
 * done of total bytes (total 0: unknown). Called on the loop, any number of
 * times before the completion callback; never after it. */
typedef void (*lv_progress_cb)(void *opaque, uint64_t done, uint64_t total);

/* Takes ownership of the result (NULL on error). */
typedef void (*lv_pool_cb)(void *opaque, lv_pool_info *info, const lv_error *err);
typedef void (*lv_pool_list_cb)(void *opaque, lv_pool_list *list, const lv_error *err);
typedef void (*lv_vol_cb)(void *opaque, lv_vol_info *info, const lv_error *err);
typedef void (*lv_vol_list_cb)(void *opaque, lv_vol_list *list, const lv_error *err);

/* ---- flags -------------------------------------------------------------- */

enum { /* pool_list: both or neither of ACTIVE/INACTIVE means all */
    LV_POOL_LIST_ACTIVE = 1 << 0,
    LV_POOL_LIST_INACTIVE = 1 << 1,
};

enum { /* pool_build */
    LV_POOL_BUILD_OVERWRITE = 1 << 0,
    LV_POOL_BUILD_NO_OVERWRITE = 1 << 1,
};

enum { /* pool_create_xml, pool_start */
    LV_POOL_START_BUILD = 1 << 0, /* build first */
};

enum { /* pool_get_xml */
    LV_POOL_XML_INACTIVE = 1 << 0,
};

enum { /* vol_create_xml, vol_create_from */
    LV_VOL_CREATE_PREALLOC_METADATA = 1 << 0,
};

enum { /* vol_resize */
    LV_VOL_RESIZE_ALLOCATE = 1 << 0,
    LV_VOL_RESIZE_DELTA = 1 << 1,
    LV_VOL_RESIZE_SHRINK = 1 << 2,
};

enum { /* vol_download, vol_upload */
    LV_VOL_TRANSFER_SPARSE = 1 << 0,
};

typedef enum lv_vol_lookup_by {
    LV_VOL_LOOKUP_NAME = 0, /* key is the name; pool_uuid given */
    LV_VOL_LOOKUP_PATH,     /* key is a path; any pool */
    LV_VOL_LOOKUP_KEY,      /* key is the volume key; any pool */
} lv_vol_lookup_by;

/* ---- the table ---------------------------------------------------------- */

struct lv_storage_driver {
    void (*pool_list)(lv_conn *c, unsigned flags, lv_pool_list_cb cb, void *opaque);
    /* by: LV_LOOKUP_ANY (uuid if it parses, else name), _NAME, _UUID. */
    void (*pool_lookup)(lv_conn *c, lv_lookup_by by, const char *key, lv_pool_cb cb,
                        void *opaque);
    void (*pool_define_xml)(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                            void *opaque);
    void (*pool_create_xml)(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                            void *opaque);
    void (*pool_build)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                       void *opaque);
    void (*pool_start)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                       void *opaque);
    void (*pool_destroy)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                         void *opaque);
    void (*pool_delete)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                        void *opaque);
    void (*pool_undefine)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                          void *opaque);
    void (*pool_set_autostart)(lv_conn *c, const unsigned char *uuid, bool autostart,
                               lv_done_cb cb, void *opaque);
    void (*pool_refresh)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                         void *opaque);
    void (*pool_get_xml)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                         void *opaque);

    void (*vol_list)(lv_conn *c, const unsigned char *pool_uuid, unsigned flags,
                     lv_vol_list_cb cb, void *opaque);
    /* pool_uuid: only for LV_VOL_LOOKUP_NAME (NULL otherwise). */
    void (*vol_lookup)(lv_conn *c, const unsigned char *pool_uuid, lv_vol_lookup_by by,
                       const char *key, lv_vol_cb cb, void *opaque);
    void (*vol_create_xml)(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                           unsigned flags, lv_vol_cb cb, void *opaque);
    /* A new volume (xml) in pool_uuid filled with the data of an existing one
     * (vol-create-from, vol-clone), converting format as the XML says. */
    void (*vol_create_from)(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                            const unsigned char *src_pool_uuid, const char *src_name,
                            unsigned flags, lv_progress_cb progress, lv_vol_cb cb,
                            void *opaque);
    void (*vol_delete)(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                       unsigned flags, lv_done_cb cb, void *opaque);
    void (*vol_wipe)(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                     unsigned flags, lv_progress_cb progress, lv_done_cb cb, void *opaque);
    void (*vol_resize)(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                       uint64_t capacity, unsigned flags, lv_done_cb cb, void *opaque);
    void (*vol_get_xml)(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                        unsigned flags, lv_string_cb cb, void *opaque);
    /* Copies the host file at path into the volume (offset, length 0: all),
     * or the volume out to path (vol-upload, vol-download). */
    void (*vol_upload)(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                       const char *path, uint64_t offset, uint64_t length, unsigned flags,
                       lv_progress_cb progress, lv_done_cb cb, void *opaque);
    void (*vol_download)(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                         const char *path, uint64_t offset, uint64_t length, unsigned flags,
                         lv_progress_cb progress, lv_done_cb cb, void *opaque);
};

/* ---- entry points (checked, as driver.c's) ------------------------------ */

void lv_pool_list_all(lv_conn *c, unsigned flags, lv_pool_list_cb cb, void *opaque);
void lv_pool_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_pool_cb cb, void *opaque);
void lv_pool_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                        void *opaque);
void lv_pool_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                        void *opaque);
void lv_pool_build(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                   void *opaque);
void lv_pool_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                   void *opaque);
void lv_pool_destroy(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
void lv_pool_delete(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque);
void lv_pool_undefine(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque);
void lv_pool_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart,
                           lv_done_cb cb, void *opaque);
void lv_pool_refresh(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
void lv_pool_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                     void *opaque);
void lv_vol_list_all(lv_conn *c, const unsigned char *pool_uuid, unsigned flags,
                     lv_vol_list_cb cb, void *opaque);
void lv_vol_lookup(lv_conn *c, const unsigned char *pool_uuid, lv_vol_lookup_by by,
                   const char *key, lv_vol_cb cb, void *opaque);
void lv_vol_create_xml(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                       unsigned flags, lv_vol_cb cb, void *opaque);
void lv_vol_create_from(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                        const unsigned char *src_pool_uuid, const char *src_name,
                        unsigned flags, lv_progress_cb progress, lv_vol_cb cb, void *opaque);
void lv_vol_delete(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                   unsigned flags, lv_done_cb cb, void *opaque);
void lv_vol_wipe(lv_conn *c, const unsigned char *pool_uuid, const char *name, unsigned flags,
                 lv_progress_cb progress, lv_done_cb cb, void *opaque);
void lv_vol_resize(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                   uint64_t capacity, unsigned flags, lv_done_cb cb, void *opaque);
void lv_vol_get_xml(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                    unsigned flags, lv_string_cb cb, void *opaque);
void lv_vol_upload(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                   const char *path, uint64_t offset, uint64_t length, unsigned flags,
                   lv_progress_cb progress, lv_done_cb cb, void *opaque);
void lv_vol_download(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                     const char *path, uint64_t offset, uint64_t length, unsigned flags,
                     lv_progress_cb progress, lv_done_cb cb, void *opaque);

/* For the hypervisor driver at domain start: the path and format of a
 * <source pool='P' volume='V'/> disk. Synchronous (reads small definition
 * files); fails with one line naming the pool or volume. */
int lv_storage_resolve_volume(lv_conn *c, const char *pool, const char *volume, char **path,
                              char **format, lv_error *err);

/* Releases conn->storage_priv; called by lv_conn_close. */
void lv_storage_conn_close(lv_conn *conn);

#endif
