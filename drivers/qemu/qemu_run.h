/* Running guests: start and create spawn the monitor process (qemu_start.c);
 * the other operations talk QMP to the running qemu over the shells' socket
 * (qemu_session.c, qemu_lifecycle.c); qemu_run.c holds an operation's life. */
#ifndef LV_QEMU_RUN_H
#define LV_QEMU_RUN_H

#include <json-c/json.h>

#include "qemu_priv.h"

void lv__qemu_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                         void *opaque);
void lv__qemu_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque);
void lv__qemu_shutdown(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                       void *opaque);
void lv__qemu_destroy(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque);
void lv__qemu_reboot(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
void lv__qemu_reset(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque);
void lv__qemu_suspend(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque);
void lv__qemu_resume(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
void lv__qemu_monitor_command(lv_conn *c, const unsigned char *uuid, const char *cmd,
                              unsigned flags, lv_string_cb cb, void *opaque);
void lv__qemu_version(lv_conn *c, lv_version_cb cb, void *opaque);
void lv__qemu_capabilities(lv_conn *c, lv_string_cb cb, void *opaque); /* qemu_caps.c */
/* The emulator found on PATH (malloc'd), or NULL. */
char *lv__qemu_find_emulator(void);
/* Cancels what is pending on the connection (callbacks get LV_ERR_CANCELLED). */
void lv__qemu_run_close(lv__qemu_state *st);

/* Runs n QMP commands (args: JSON text or NULL each; args itself may be NULL)
 * in one session on the shells' socket, under the per-domain lock. cb gets the
 * "return" of each, in order (NULL where qemu answered with an error), borrowed
 * for the call; or err when the domain is not running or qemu did not answer. */
typedef void (*lv__qemu_batch_cb)(void *opaque, json_object *const *replies, size_t n,
                                  const lv_error *err);
void lv__qemu_qmp_batch(lv_conn *c, const unsigned char *uuid, const char *what,
                        const char *const *cmds, const char *const *args, size_t n,
                        lv__qemu_batch_cb cb, void *opaque);

/* qemu_stats.c */
void lv__qemu_get_stats(lv_conn *c, const unsigned char *uuid, unsigned groups, lv_params_cb cb,
                        void *opaque);
void lv__qemu_memory_stats(lv_conn *c, const unsigned char *uuid, unsigned flags,
                           lv_params_cb cb, void *opaque);
void lv__qemu_block_info(lv_conn *c, const unsigned char *uuid, const char *disk, unsigned flags,
                         lv_params_cb cb, void *opaque);

/* qemu_console.c */
void lv__qemu_open_console(lv_conn *c, const unsigned char *uuid, const char *dev,
                           unsigned flags, lv_console_cb cb, void *opaque);
void lv__qemu_console_log(lv_conn *c, const unsigned char *uuid, lv_string_cb cb, void *opaque);

/* qemu_native.c */
void lv__qemu_domxml_to_native(lv_conn *c, const char *format, const char *xml, lv_string_cb cb,
                               void *opaque);

/* Shared with qemu_driver.c. */
lv__qemu_dom *lv__qemu_find_dom(lv__qemu_state *st, const unsigned char *uuid, lv_error *err);
const char *lv__qemu_dom_name(const lv__qemu_dom *d);
lv_domain_info *lv__qemu_make_info(const lv__qemu_dom *d);
int lv__qemu_refuse_state(const lv__qemu_dom *d, lv_domain_state want, lv_error *err);
lv_domain_def *lv__qemu_parse_new_def(lv__qemu_state *st, const char *xml, lv__qemu_dom **same,
                                      lv_error *err);
lv__qemu_dom *lv__qemu_begin_op(lv_conn *c, const unsigned char *uuid, unsigned flags,
                                unsigned allowed, const char *op, lv_done_cb cb, void *opaque);
/* Writes RUN/NAME.xml, the live definition. */
int lv__qemu_save_live(lv__qemu_state *st, const lv_domain_def *def, int id, lv_error *err);

#endif
