/* Child processes of the network driver (ip, nft, dnsmasq): uv_spawn with an
 * argv array, optional text on stdin, stderr collected for the error message,
 * one completion. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "network/network_proc.h"

enum {
    STDERR_MAX = 4096,
    /* A daemon (dnsmasq) may keep stderr open a moment after its first process
     * exited; past this we stop waiting for the end of its output. */
    EOF_GRACE_MS = 2000,
};

typedef struct proc_call {
    uv_process_t proc;
    uv_pipe_t in, err;
    uv_timer_t grace;
    uv_write_t write;
    char *input;
    lv_strbuf text;
    int open_handles;
    bool exited, eof, grace_started;
    int64_t status;
    int signal;
    lv__net_proc_cb cb;
    void *opaque;
} proc_call;

static void handle_closed(uv_handle_t *h)
{
    proc_call *p = h->data;
    if (--p->open_handles > 0)
        return;
    if (!p->cb) { /* the spawn failed: the caller was told at once */
        lv_strbuf_clear(&p->text);
        free(p);
        return;
    }
    char *out = lv_strbuf_steal(&p->text);
    /* Errors are one line: the tool's first non-empty line says what went
     * wrong (nft follows it with the offending line and a caret line). */
    char *line = out + strspn(out, "\n\r \t");
    line[strcspn(line, "\n\r")] = '\0';
    p->cb(p->opaque, (int)p->status, p->signal, line);
    free(out);
    free(p->input);
    free(p);
}

static void close_handle(uv_handle_t *h)
{
    if (h->data && !uv_is_closing(h))
        uv_close(h, handle_closed);
}

static void grace_over(uv_timer_t *t)
{
    proc_call *p = t->data;
    p->eof = true;
    uv_read_stop((uv_stream_t *)&p->err);
    close_handle((uv_handle_t *)&p->err);
    close_handle((uv_handle_t *)&p->grace);
}

static void finish_if_done(proc_call *p)
{
    if (!p->exited)
        return;
    if (p->eof) {
        uv_timer_stop(&p->grace);
        close_handle((uv_handle_t *)&p->grace);
        close_handle((uv_handle_t *)&p->err);
    } else if (!p->grace_started) {
        p->grace_started = true;
        uv_timer_start(&p->grace, grace_over, EOF_GRACE_MS, 0);
    }
}

static void proc_exited(uv_process_t *proc, int64_t status, int term_signal)
{
    proc_call *p = proc->data;
    p->exited = true;
    p->status = status;
    p->signal = term_signal;
    close_handle((uv_handle_t *)&p->proc);
    finish_if_done(p);
}

static void alloc_buf(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    (void)h;
    buf->base = lv_malloc0(size);
    buf->len = size;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    proc_call *p = s->data;
    if (n > 0 && p->text.len < STDERR_MAX)
        lv_strbuf_addn(&p->text, buf->base, (size_t)n);
    free(buf->base);
    if (n < 0) {
        p->eof = true;
        uv_read_stop(s);
        finish_if_done(p); /* or, once the process is gone */
    }
}

static void on_written(uv_write_t *w, int status)
{
    (void)status; /* a child that does not read its input fails on its own */
    proc_call *p = w->data;
    close_handle((uv_handle_t *)&p->in);
}

int lv__net_proc_run(uv_loop_t *loop, const char *const *argv, const char *input,
                     lv__net_proc_cb cb, void *opaque)
{
    proc_call *p = LV_NEW(proc_call);
    lv_strbuf_init(&p->text);
    p->cb = cb;
    p->opaque = opaque;
    uv_pipe_init(loop, &p->err, 0);
    p->err.data = p;
    uv_timer_init(loop, &p->grace);
    p->grace.data = p;
    p->open_handles = 2;
    uv_stdio_container_t stdio[3] = {
        {.flags = UV_IGNORE},
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&p->err},
    };
    if (input) {
        uv_pipe_init(loop, &p->in, 0);
        p->in.data = p;
        p->open_handles++;
        stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
        stdio[0].data.stream = (uv_stream_t *)&p->in;
    }
    p->proc.data = p;
    uv_process_options_t opts = {
        .exit_cb = proc_exited,
        .file = argv[0],
        .args = (char **)argv,
        .stdio = stdio,
        .stdio_count = 3,
    };
    int rc = uv_spawn(loop, &p->proc, &opts);
    if (rc < 0) {
        /* Nothing ran: the caller is told by the return value; the
         * handles are freed once closed. */
        p->cb = NULL;
        close_handle((uv_handle_t *)&p->err);
        close_handle((uv_handle_t *)&p->grace);
        if (input)
            close_handle((uv_handle_t *)&p->in);
        return rc;
    }
    p->open_handles++;
    uv_read_start((uv_stream_t *)&p->err, alloc_buf, on_read);
    if (input) {
        p->input = lv_strdup(input);
        uv_buf_t buf = uv_buf_init(p->input, (unsigned)strlen(p->input));
        p->write.data = p;
        if (uv_write(&p->write, (uv_stream_t *)&p->in, &buf, 1, on_written) < 0)
            close_handle((uv_handle_t *)&p->in);
    }
    return 0;
}

char *lv__net_find_program(const char *name, const char *env_var)
{
    const char *forced = env_var ? getenv(env_var) : NULL;
    if (forced && *forced)
        return access(forced, X_OK) == 0 ? lv_strdup(forced) : NULL;
    const char *path = getenv("PATH");
    char *dirs = lv_asprintf("%s:/usr/sbin:/sbin:/usr/bin:/bin", path ? path : "");
    char *save = NULL, *found = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        if (*d != '/')
            continue;
        char *p = lv_asprintf("%s/%s", d, name);
        if (access(p, X_OK) == 0)
            found = p;
        else
            free(p);
    }
    free(dirs);
    return found;
}
