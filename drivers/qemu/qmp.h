/* An asynchronous QMP client (QEMU Machine Protocol) on the process's uv loop.
 *
 * One lv_qmp talks to one QEMU monitor socket. lv_qmp_connect reads the greeting
 * (QEMU's version is kept), negotiates qmp_capabilities, then reports ready.
 * Commands are pipelined: each gets a unique "id" and its reply is matched by
 * that id, so events and other replies may arrive in between in any order.
 *
 * Rules:
 * - A call that returns 0 will call its callback exactly once, later, never
 *   from inside the call itself (lv_qmp_close excepted, below). A call that
 *   returns -1 fills err and never calls its callback.
 * - The owner calls lv_qmp_close exactly once, whatever happened. Callbacks
 *   still pending then (commands, the connect) run inside lv_qmp_close with
 *   LV_ERR_CANCELLED ("... closed while waiting for 'cont': the client was
 *   closed"), or with the reason of a drop that had not been reported yet;
 *   after it returns nothing of this client calls back, so the owner
 *   may free its own state at once. The memory itself is freed in libuv's close
 *   phase.
 * - When the connection drops (qemu exits, a read or write fails, qemu sends
 *   something that is not QMP), pending callbacks run with the reason from the
 *   loop, then the `closed` callback; the object stays valid (every new command
 *   fails) until the owner calls lv_qmp_close.
 * - Any callback may call lv_qmp_close, or send more commands.
 * - Bytes that are not JSON, a message that is not an object, or a message larger
 *   than the limit (16 MiB by default) close the connection with an error naming
 *   the socket; nothing QEMU sends can crash the client.
 *
 * The process must ignore SIGPIPE (the shell and the per-guest monitor do): a
 * write to a qemu that just exited is then an error, not the end of the process.
 *
 * json_object values handed to callbacks are borrowed: valid during the call,
 * json_object_get() them to keep them. */
#ifndef LV_QEMU_QMP_H
#define LV_QEMU_QMP_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <uv.h>

#include "core/error.h"

typedef struct lv_qmp lv_qmp;

#define LV_QMP_MAX_MESSAGE_DEFAULT (16u * 1024 * 1024)

typedef struct lv_qmp_version {
    int major;
    int minor;
    int micro;
    char package[128]; /* "Debian 1:7.2+dfsg-7+deb12u18", "" when none */
} lv_qmp_version;

/* The greeting arrived and qmp_capabilities succeeded (err NULL), or the
 * connection could not be made. */
typedef void (*lv_qmp_connect_cb)(lv_qmp *qmp, void *opaque, const lv_error *err);

/* A command's result. On success err is NULL and ret is the "return" value.
 * When QEMU answered with an error, err says
 *   QMP command 'cont' failed: <desc> (<class>)
 * and ret is QMP's "error" object ({"class": ..., "desc": ...}) so callers can
 * branch on the class. When no answer came (closed, timed out, cancelled) ret
 * is NULL. For lv_qmp_raw, ret is the whole reply object (an error reply is not
 * an lv_error there: it is what the user asked to see). */
typedef void (*lv_qmp_reply_cb)(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err);

/* lv_qmp_hmp's result: the monitor's text output (NULL on error). */
typedef void (*lv_qmp_text_cb)(lv_qmp *qmp, void *opaque, const char *text, const lv_error *err);

/* An asynchronous event: its name ("STOP", "SHUTDOWN"), its "data" (NULL when
 * absent) and QEMU's timestamp (seconds, microseconds; -1, -1 when absent). */
typedef void (*lv_qmp_event_cb)(lv_qmp *qmp, void *opaque, const char *name, json_object *data,
                                int64_t seconds, int64_t microseconds);

/* The connection ended after a successful connect and before lv_qmp_close: QEMU
 * closed its end (err->code LV_ERR_OPERATION_FAILED, "... closed by qemu"), or
 * a read/write failed, or it sent something that is not QMP. Runs once, after
 * every pending command's callback, unless one of those closed the client. */
typedef void (*lv_qmp_closed_cb)(lv_qmp *qmp, void *opaque, const lv_error *err);

typedef struct lv_qmp_callbacks {
    lv_qmp_event_cb event;   /* may be NULL */
    lv_qmp_closed_cb closed; /* may be NULL */
    void *opaque;
} lv_qmp_callbacks;

/* A client on loop; cbs is copied (NULL: no events, no closed callback). */
lv_qmp *lv_qmp_new(uv_loop_t *loop, const lv_qmp_callbacks *cbs);

/* Connects to the UNIX socket at path. timeout_ms (0: none) bounds the whole
 * handshake: connect, greeting and capabilities negotiation. Fails at once when
 * path does not fit a socket address or the client was already connected. */
int lv_qmp_connect(lv_qmp *qmp, const char *path, unsigned timeout_ms, lv_qmp_connect_cb cb,
                   void *opaque, lv_error *err);

/* The same over an already connected socket fd (takes ownership of fd, also on
 * failure), e.g. one end of a socketpair handed to qemu as -chardev fd=N. name
 * only appears in messages. */
int lv_qmp_connect_fd(lv_qmp *qmp, int fd, const char *name, unsigned timeout_ms,
                      lv_qmp_connect_cb cb, void *opaque, lv_error *err);

/* Sends {"execute": cmd, "arguments": args, "id": ...}. Takes ownership of args
 * (NULL: no arguments; must be an object), also on failure. timeout_ms (0: none):
 * cb gets LV_ERR_TIMEOUT when no reply came in time; the connection stays usable
 * and a late reply is dropped. Fails at once when not connected. */
int lv_qmp_command(lv_qmp *qmp, const char *cmd, json_object *args, unsigned timeout_ms,
                   lv_qmp_reply_cb cb, void *opaque, lv_error *err);

/* The same with args as JSON text ("{\"device\": \"ide0\"}"; NULL or "" for none). */
int lv_qmp_command_text(lv_qmp *qmp, const char *cmd, const char *args_json, unsigned timeout_ms,
                        lv_qmp_reply_cb cb, void *opaque, lv_error *err);

/* HMP passthrough: human-monitor-command with command-line = cmdline ("info
 * status"); cb gets the monitor's text. */
int lv_qmp_hmp(lv_qmp *qmp, const char *cmdline, unsigned timeout_ms, lv_qmp_text_cb cb,
               void *opaque, lv_error *err);

/* Raw passthrough (qemu-monitor-command): json is a user's command text, a JSON
 * object with "execute". It goes out as written except for "id", which is ours
 * for the trip; the reply handed to cb carries the user's "id" again (or none).
 * Asynchronous "exec-oob" is refused. */
int lv_qmp_raw(lv_qmp *qmp, const char *json, unsigned timeout_ms, lv_qmp_reply_cb cb, void *opaque,
               lv_error *err);

/* The id of the command that the last successful lv_qmp_command, _text, _hmp or
 * _raw sent (0 before any): keep it to cancel that command. */
int64_t lv_qmp_last_id(const lv_qmp *qmp);

/* Stops waiting for command id (e.g. its task was cancelled): its callback runs
 * now, inside this call, with LV_ERR_CANCELLED, and its reply is dropped when it
 * comes. QEMU still carries the command out: QMP cannot cancel one. -1 when id
 * is not waiting (answered, timed out, cancelled, never sent). */
int lv_qmp_cancel(lv_qmp *qmp, int64_t id, lv_error *err);

/* Closes the connection, runs every pending callback with LV_ERR_CANCELLED
 * before it returns, and frees qmp once libuv is done with it; see the rules
 * above. NULL is fine. */
void lv_qmp_close(lv_qmp *qmp);

/* The limit on one message from QEMU (default LV_QMP_MAX_MESSAGE_DEFAULT). */
void lv_qmp_set_max_message(lv_qmp *qmp, size_t bytes);

/* QEMU's version from the greeting; NULL before the greeting. */
const lv_qmp_version *lv_qmp_get_version(const lv_qmp *qmp);
/* The socket path (or the name given to lv_qmp_connect_fd); "" before a connect. */
const char *lv_qmp_get_path(const lv_qmp *qmp);
/* Connected and negotiated, and neither dropped nor closed. */
int lv_qmp_is_ready(const lv_qmp *qmp);
/* Commands sent and not yet answered. */
size_t lv_qmp_pending(const lv_qmp *qmp);

#endif
