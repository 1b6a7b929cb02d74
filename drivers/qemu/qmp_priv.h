/* Inside the QMP client (qmp.h), shared by its two files: qmp.c (the
 * connection's life, writing, commands, the public calls) and qmp_read.c
 * (reading: QEMU's bytes into messages; greeting, replies, events). */
#ifndef LV_QEMU_QMP_PRIV_H
#define LV_QEMU_QMP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "qmp.h"

enum qmp_state {
    QMP_NEW = 0,     /* not connected yet */
    QMP_CONNECTING,  /* uv_pipe_connect in flight */
    QMP_GREETING,    /* reading, waiting for the greeting */
    QMP_NEGOTIATING, /* qmp_capabilities sent */
    QMP_READY,
    QMP_DOWN, /* handles closing or closed */
};

enum cmd_kind {
    CMD_QMP = 0,
    CMD_HMP,
    CMD_RAW,
    CMD_CAPS, /* our own qmp_capabilities */
};

typedef struct qmp_cmd {
    struct qmp_cmd *prev;
    struct qmp_cmd *next;
    int64_t id;
    char *name; /* printable, for messages */
    enum cmd_kind kind;
    uint64_t deadline; /* uv_now() milliseconds; 0: none */
    unsigned timeout_ms;
    json_object *user_id; /* CMD_RAW: the id the user wrote, or NULL */
    lv_qmp_reply_cb reply_cb;
    lv_qmp_text_cb text_cb;
    void *opaque;
} qmp_cmd;

typedef struct qmp_write {
    uv_write_t req;
    char data[];
} qmp_write;

struct lv_qmp {
    uv_pipe_t pipe; /* first member: libuv handles point back at the struct */
    uv_timer_t timer;
    uv_connect_t connect_req;
    uv_loop_t *loop;
    lv_qmp_callbacks cbs;
    enum qmp_state state;
    bool was_ready;
    bool released;    /* lv_qmp_close was called */
    int notify_depth; /* notify_down calls running (a callback may close: nested) */
    bool handles_closed;
    int open_handles;
    char *path;

    /* Why the connection went down. */
    bool down_by_owner;
    lv_error_code down_code;
    int down_errno;
    char down_detail[512];

    lv_qmp_connect_cb connect_cb; /* until the handshake finished */
    void *connect_opaque;
    uint64_t connect_deadline;
    unsigned connect_timeout;

    qmp_cmd *head; /* in send order */
    qmp_cmd *tail;
    size_t npending;
    int64_t next_id;
    int64_t last_user_id; /* of the last command a caller sent */

    json_tokener *tok;
    size_t msg_bytes; /* fed to tok since the last complete message */
    size_t max_msg;

    bool have_version;
    lv_qmp_version version;

    /* Read buffer, allocated apart and not zeroed: only the bytes qemu sends
     * are ever touched, so a connection costs what it reads, not 64 KiB of
     * memory (calloc would clear it all). */
    char *rbuf;
};

#define LV__QMP_RBUF_SIZE (64 * 1024)

/* qmp.c */
/* Ends the connection (stops the handles); the waiting callbacks learn why
 * once they are closed. Only the first call counts. */
void lv__qmp_down(lv_qmp *q, lv_error_code code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sends msg (taken) with a fresh id and queues the command. */
int lv__qmp_submit(lv_qmp *q, enum cmd_kind kind, const char *name, json_object *msg,
                   json_object *user_id, unsigned timeout_ms, lv_qmp_reply_cb reply_cb,
                   lv_qmp_text_cb text_cb, void *opaque, lv_error *err);
void lv__qmp_arm_timer(lv_qmp *q);
void lv__qmp_cmd_unlink(lv_qmp *q, qmp_cmd *c);
void lv__qmp_cmd_free(qmp_cmd *c);

/* qmp_read.c: reads from the connected pipe, expecting the greeting. */
void lv__qmp_start_reading(lv_qmp *q);

#endif
