/* dom:console([{force=bool, escape="^]"}]) and dom:console_log().
 *
 * The console session is one call of the task: the driver hands over a
 * connected socket, then stdin -> socket and socket -> stdout are relayed with
 * uv handles until the escape character, the end of the console (the guest
 * stopped, or another client took it over with force: SIGTERM), or the task is
 * cancelled. A terminal on stdin is put in raw mode and always restored.
 * Without a terminal (a pipe), it relays until EOF on stdin, then keeps
 * printing what the guest sends until it has been quiet for LINGER_MS, so a
 * script can type a command and see its answer. stdin and stdout are used
 * through dup()s: closing the handles never closes fds 0 and 1, and their
 * file status flags are put back. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "internal.h"

#define LINGER_MS 500

typedef struct console_session {
    lv_call *call; /* NULL once abandoned */
    lv_console *console;
    uv_pipe_t sock;
    uv_tty_t tty_in;
    uv_pipe_t pipe_in;
    uv_stream_t *in;
    uv_signal_t sigterm;
    uv_timer_t linger;
    int handles;
    unsigned char escape;
    bool in_tty, raw, started, ending, stdin_eof;
    int in_flags; /* fd 0's status flags before */
    bool failed;
    lv_error err;
} console_session;

typedef struct write_req {
    uv_write_t req;
    char data[];
} write_req;

static void session_free(console_session *s)
{
    lv_console_free(s->console);
    if (s->in_flags >= 0)
        fcntl(0, F_SETFL, s->in_flags);
    lv_call *call = s->call;
    if (call) {
        if (s->failed) {
            call->failed = true;
            lv_error_copy(&call->err, &s->err);
        }
        call->r.ptr = NULL;
    }
    free(s);
    if (call)
        lv__call_complete(call);
}

static void on_closed(uv_handle_t *h)
{
    console_session *s = h->data;
    if (--s->handles == 0)
        session_free(s);
}

static void close_one(console_session *s, uv_handle_t *h)
{
    if (!uv_is_closing(h)) {
        h->data = s;
        s->handles++;
        uv_close(h, on_closed);
    }
}

/* Ends the session: terminal back, handles closed, then the call completes. */
static void session_end(console_session *s, const lv_error *err)
{
    if (s->ending)
        return;
    s->ending = true;
    if (err && !s->failed) {
        s->failed = true;
        lv_error_copy(&s->err, err);
    }
    if (s->raw) {
        uv_tty_set_mode(&s->tty_in, UV_TTY_MODE_NORMAL);
        uv_tty_reset_mode();
        s->raw = false;
        if (write(1, "\r\n", 2) < 0) {
            /* nothing to do */
        }
    }
    s->handles++; /* hold until all closes are queued */
    close_one(s, (uv_handle_t *)&s->sock);
    if (s->in)
        close_one(s, (uv_handle_t *)s->in);
    close_one(s, (uv_handle_t *)&s->sigterm);
    close_one(s, (uv_handle_t *)&s->linger);
    if (--s->handles == 0)
        session_free(s);
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    (void)h;
    buf->base = lv_malloc0(size);
    buf->len = size;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            usleep(1000); /* stdout is someone's non-blocking pipe: a short pause */
            continue;
        }
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void on_sock_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    console_session *s = st->data;
    if (n > 0) {
        write_all(1, buf->base, (size_t)n);
        if (s->stdin_eof)
            uv_timer_again(&s->linger);
    }
    free(buf->base);
    if (n < 0)
        session_end(s, NULL); /* the console closed: the guest stopped */
}

static void on_sock_written(uv_write_t *req, int status)
{
    (void)status;
    free(req);
}

static void send_bytes(console_session *s, const char *p, size_t n)
{
    if (n == 0 || s->ending)
        return;
    write_req *w = lv_malloc0(sizeof(*w) + n);
    memcpy(w->data, p, n);
    uv_buf_t b = uv_buf_init(w->data, (unsigned)n);
    if (uv_write(&w->req, (uv_stream_t *)&s->sock, &b, 1, on_sock_written) < 0)
        free(w);
}

static void on_linger(uv_timer_t *t)
{
    session_end(t->data, NULL);
}

static void on_stdin_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    console_session *s = st->data;
    if (n > 0) {
        char *esc = memchr(buf->base, s->escape, (size_t)n);
        send_bytes(s, buf->base, esc ? (size_t)(esc - buf->base) : (size_t)n);
        if (esc)
            session_end(s, NULL);
    } else if (n < 0) {
        /* EOF on a pipe: print the guest's answer until it is quiet. */
        uv_read_stop(st);
        s->stdin_eof = true;
        uv_timer_start(&s->linger, on_linger, LINGER_MS, LINGER_MS);
    }
    free(buf->base);
}

static void on_sigterm(uv_signal_t *sig, int signum)
{
    (void)signum;
    console_session *s = sig->data;
    lv_error err;
    lv_error_set(&err, LV_ERR_OPERATION_FAILED,
                 "the console was taken over by another client (SIGTERM)");
    session_end(s, &err);
}

static int start_relay(console_session *s, uv_loop_t *loop, lv_error *err)
{
    s->in_flags = fcntl(0, F_GETFL);
    uv_pipe_init(loop, &s->sock, 0);
    s->sock.data = s;
    uv_signal_init(loop, &s->sigterm);
    s->sigterm.data = s;
    uv_timer_init(loop, &s->linger);
    s->linger.data = s;
    s->started = true;
    int r = uv_pipe_open(&s->sock, s->console->fd);
    if (r < 0)
        return lv_error_set(err, LV_ERR_SYSTEM, "console: %s", uv_strerror(r));
    s->console->fd = -1; /* the handle's now */
    int in = dup(0);
    if (in < 0)
        return lv_error_set_errno(err, errno, "console: cannot use stdin");
    uv_handle_type type = uv_guess_handle(0);
    if (type == UV_TTY) {
        r = uv_tty_init(loop, &s->tty_in, in, 1);
        if (r == 0) {
            s->in = (uv_stream_t *)&s->tty_in;
            s->in_tty = true;
            r = uv_tty_set_mode(&s->tty_in, UV_TTY_MODE_RAW);
            s->raw = r == 0;
        }
    } else if (type == UV_NAMED_PIPE) {
        uv_pipe_init(loop, &s->pipe_in, 0);
        s->in = (uv_stream_t *)&s->pipe_in;
        r = uv_pipe_open(&s->pipe_in, in);
    } else {
        close(in);
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "console: stdin must be a terminal or a pipe");
    }
    if (r < 0) {
        if (!s->in)
            close(in);
        return lv_error_set(err, LV_ERR_SYSTEM, "console: cannot use stdin: %s",
                            uv_strerror(r));
    }
    s->in->data = s;
    uv_read_start((uv_stream_t *)&s->sock, on_alloc, on_sock_read);
    uv_read_start(s->in, on_alloc, on_stdin_read);
    uv_signal_start(&s->sigterm, on_sigterm, SIGTERM);
    return 0;
}

static void on_console_open(void *opaque, lv_console *console, const lv_error *err)
{
    console_session *s = opaque;
    s->console = console;
    if (!s->call) { /* abandoned while opening */
        lv_console_free(console);
        free(s);
        return;
    }
    if (err) {
        lv_call *call = s->call;
        call->failed = true;
        lv_error_copy(&call->err, err);
        call->r.ptr = NULL;
        free(s);
        lv__call_complete(call);
        return;
    }
    fflush(stdout);
    lv_error e;
    if (start_relay(s, s->call->rt->loop, &e) < 0)
        session_end(s, &e);
}

static void console_abandon(lv_call *call)
{
    console_session *s = call->r.ptr;
    if (!s)
        return;
    if (!s->started) {
        s->call = NULL; /* freed when the driver answers */
        lv__call_complete(call);
        return;
    }
    session_end(s, NULL); /* completes the orphaned call once closed */
}

/* "^]" -> 0x1d, "^x" -> control x, "x" -> x. */
static int parse_escape(const char *e)
{
    if (e[0] == '^' && e[1] && !e[2]) {
        int c = e[1] == '?' ? 0x7f : (e[1] & 0x1f);
        return c;
    }
    if (e[0] && !e[1])
        return (unsigned char)e[0];
    return -1;
}

int lv__l_dom_console(lua_State *L)
{
    static const char *const allowed[] = {"force", "escape", NULL};
    const unsigned char *uuid = lv__domain_uuid(L, 1);
    lv__check_opts(L, 2, allowed);
    int escape = 0x1d;
    if (!lua_isnoneornil(L, 2)) {
        lua_getfield(L, 2, "escape");
        if (!lua_isnil(L, -1)) {
            escape = parse_escape(luaL_checkstring(L, -1));
            luaL_argcheck(L, escape >= 0, 2, "escape must be one character or ^X");
        }
        lua_pop(L, 1);
    }
    unsigned flags = lv__opt_bool(L, 2, "force") ? LV_CONSOLE_FORCE : 0;
    lua_getiuservalue(L, 1, 1);
    lv_conn *c = lv__check_conn(L, -1);
    lua_pop(L, 1);
    lv_task *task = lv__task_of(L);
    if (task && task->status == LV_TASK_CANCELLED)
        return luaL_error(L, "cancelled");
    console_session *s = LV_NEW(console_session);
    s->escape = (unsigned char)escape;
    s->in_flags = -1;
    lv_call *call = lv__call_new(L, lv__push_true);
    call->r.ptr = s;
    call->abandon = console_abandon;
    s->call = call;
    lv_domain_open_console(c, uuid, NULL, flags, on_console_open, s);
    return lv__call_wait(L, call);
}

int lv__l_dom_console_log(lua_State *L)
{
    const unsigned char *uuid = lv__domain_uuid(L, 1);
    lua_getiuservalue(L, 1, 1);
    lv_conn *c = lv__check_conn(L, -1);
    lua_pop(L, 1);
    lv_call *call = lv__call_new(L, lv__push_string);
    lv_domain_console_log(c, uuid, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}
