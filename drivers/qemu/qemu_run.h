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

/* qemu_net.c: the file descriptors a start hands to qemu for the guest's NICs.
 *
 * lv__qemu_prepare_nets runs in the shell, under the per-domain lock, on the
 * live definition (a copy it may change, e.g. to record <target dev='vnetN'/>;
 * the live XML is written after it). It sets *fds to a malloc'd array of
 * *nfds == def->nnets entries, one per <interface> in order: an open fd
 * (O_CLOEXEC; a TAP opened without TUNSETPERSIST) or -1 where none is needed.
 * On failure it returns -1 with err set and has closed whatever it opened.
 * lv__qemu_release_nets closes the fds >= 0 and frees the array.
 *
 * The path to qemu (qemu_start.c, qemu_monitor_proc.c): the k-th fd >= 0 (in
 * interface order) becomes fd LV__QEMU_FIRST_PASSED_FD + k in qemu, and that
 * number is what the argv says (-netdev tap,fd=N). The shell gives them to the
 * monitor process at those same numbers (its fds 0-2 are /dev/null, 3 the
 * answer pipe) and closes its own copies as soon as the monitor is spawned;
 * the monitor (told with --pass-fds COUNT) keeps exactly those open across its
 * double fork, hands them to qemu at the same numbers (qemu's 3 and 4 are the
 * two QMP sockets) and closes its copies once qemu runs. From then on qemu
 * holds the only copy: when qemu ends, however it ends, the TAP goes with it,
 * and a start that fails anywhere leaves none behind. */
#define LV__QEMU_FIRST_PASSED_FD 5
int lv__qemu_prepare_nets(lv__qemu_state *st, lv_domain_def *def, int **fds, size_t *nfds,
                          lv_error *err);
void lv__qemu_release_nets(int *fds, size_t nfds);
/* Tests set this to stand in for lv__qemu_prepare_nets (e.g. to pass a pipe
 * without root); NULL, the default, calls the real one. */
extern int (*lv__qemu_prepare_nets_hook)(lv__qemu_state *st, lv_domain_def *def, int **fds,
                                         size_t *nfds, lv_error *err);

/* qemu_setup.c: the QMP commands the monitor sends before `cont` (JSON text
 * for RUN/NAME.setup, malloc'd; NULL when there are none), and what it learnt
 * on the way (the status file's vnc_port) put back into the live definition. */
char *lv__qemu_setup_commands(const lv_domain_def *def);
void lv__qemu_fold_status(lv_domain_def *live, const lv__qemu_status *s);

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
