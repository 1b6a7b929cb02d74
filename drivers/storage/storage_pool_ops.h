/* The operations of the local storage driver's table (storage_driver.c),
 * implemented in storage_pool.c, storage_vol.c and storage_transfer.c. */
#ifndef LV_STORAGE_POOL_OPS_H
#define LV_STORAGE_POOL_OPS_H

#include "storage_priv.h"

void lv__storage_pool_list(lv_conn *c, unsigned flags, lv_pool_list_cb cb, void *opaque);
void lv__storage_pool_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_pool_cb cb,
                             void *opaque);
void lv__storage_pool_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                                 void *opaque);
void lv__storage_pool_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                                 void *opaque);
void lv__storage_pool_build(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                            void *opaque);
void lv__storage_pool_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                            void *opaque);
void lv__storage_pool_destroy(lv_conn *c, const unsigned char *uuid, unsigned flags,
                              lv_done_cb cb, void *opaque);
void lv__storage_pool_delete(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                             void *opaque);
void lv__storage_pool_undefine(lv_conn *c, const unsigned char *uuid, unsigned flags,
                               lv_done_cb cb, void *opaque);
void lv__storage_pool_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart,
                                    lv_done_cb cb, void *opaque);
void lv__storage_pool_refresh(lv_conn *c, const unsigned char *uuid, unsigned flags,
                              lv_done_cb cb, void *opaque);
void lv__storage_pool_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags,
                              lv_string_cb cb, void *opaque);

void lv__storage_vol_list(lv_conn *c, const unsigned char *pool_uuid, unsigned flags,
                          lv_vol_list_cb cb, void *opaque);
void lv__storage_vol_lookup(lv_conn *c, const unsigned char *pool_uuid, lv_vol_lookup_by by,
                            const char *key, lv_vol_cb cb, void *opaque);
void lv__storage_vol_create_xml(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                                unsigned flags, lv_vol_cb cb, void *opaque);
void lv__storage_vol_create_from(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                                 const unsigned char *src_pool_uuid, const char *src_name,
                                 unsigned flags, lv_progress_cb progress, lv_vol_cb cb,
                                 void *opaque);
void lv__storage_vol_delete(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                            unsigned flags, lv_done_cb cb, void *opaque);
void lv__storage_vol_resize(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                            uint64_t capacity, unsigned flags, lv_done_cb cb, void *opaque);
void lv__storage_vol_get_xml(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                             unsigned flags, lv_string_cb cb, void *opaque);
void lv__storage_vol_wipe(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                          unsigned flags, lv_progress_cb progress, lv_done_cb cb, void *opaque);
void lv__storage_vol_upload(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                            const char *path, uint64_t offset, uint64_t length, unsigned flags,
                            lv_progress_cb progress, lv_done_cb cb, void *opaque);
void lv__storage_vol_download(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                              const char *path, uint64_t offset, uint64_t length, unsigned flags,
                              lv_progress_cb progress, lv_done_cb cb, void *opaque);

#endif
