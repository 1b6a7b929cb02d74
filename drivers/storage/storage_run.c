/* qemu-img runs with progress (storage_run.h). */
#include "storage_run.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "storage_qemu_img.h"

#define RUN_OUTPUT_MAX (1u << 20)

extern char **environ;

typedef struct run_job {
    uv_process_t proc;
    uv_pipe_t out, err;
    lv_strbuf out_text, err_text;
    char pending[64]; /* the tail of stdout not yet ended by '\r' or '\n' */
    size_t pending_len;
    int open_handles;
    int open_streams;
    bool exited, reported;
    int status, spawn_error;
    lv_progress_cb progress;
    void *progress_opaque;
    uint64_t total, last_done;
    lv__storage_run_cb cb;
    void *opaque;
    char **env;
} run_job;

static char **run_environment(void)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = lv_malloc0((n + 2) * sizeof(*env));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LC_ALL=", 7) != 0)
            env[k++] = environ[i]; /* borrowed */
    env[k++] = "LC_ALL=C";
    env[k] = NULL;
    return env;
}

static void run_free(run_job *j)
{
    lv_strbuf_clear(&j->out_text);
    lv_strbuf_clear(&j->err_text);
    free(j->env);
    free(j);
}

static void run_closed(uv_handle_t *h)
{
    run_job *j = h->data;
    if (--j->open_handles > 0)
        return;
    if (!j->reported) { /* spawn failure: reported once everything is closed */
        lv__storage_run_result res = {
            .status = -1, .out = "", .errout = "", .spawn_error = j->spawn_error};
        j->cb(j->opaque, &res);
    }
    run_free(j);
}

static void run_finish(run_job *j)
{
    if (!j->exited || j->open_streams > 0)
        return;
    j->reported = true;
    lv__storage_run_result res = {
        .status = j->status,
        .out = j->out_text.data ? j->out_text.data : "",
        .out_len = j->out_text.len,
        .errout = j->err_text.data ? j->err_text.data : "",
        .spawn_error = 0,
    };
    if (res.status == 0 && j->progress && j->total && j->last_done < j->total)
        j->progress(j->progress_opaque, j->total, j->total);
    j->cb(j->opaque, &res);
    uv_close((uv_handle_t *)&j->out, run_closed);
    uv_close((uv_handle_t *)&j->err, run_closed);
}

static void run_exit(uv_process_t *proc, int64_t status, int signal)
{
    run_job *j = proc->data;
    j->exited = true;
    j->status = signal ? 128 + signal : (int)status;
    uv_close((uv_handle_t *)proc, run_closed);
    run_finish(j);
}

static void run_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    (void)h;
    buf->base = lv_malloc0(size);
    buf->len = size;
}

/* Progress lines end with '\r': report each complete one. */
static void scan_progress(run_job *j, const char *data, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = data[i];
        if (c != '\r' && c != '\n') {
            if (j->pending_len + 1 < sizeof(j->pending))
                j->pending[j->pending_len++] = c;
            continue;
        }
        j->pending[j->pending_len] = '\0';
        int hundredths = lv__qemu_img_parse_progress(j->pending);
        j->pending_len = 0;
        if (hundredths < 0 || !j->progress)
            continue;
        uint64_t done = j->total ? (uint64_t)((double)j->total * hundredths / 10000.0)
                                 : (uint64_t)hundredths;
        uint64_t total = j->total ? j->total : 10000;
        if (done < j->last_done)
            continue;
        j->last_done = done;
        j->progress(j->progress_opaque, done, total);
    }
}

static void run_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    run_job *j = s->data;
    bool is_out = (uv_pipe_t *)s == &j->out;
    lv_strbuf *sb = is_out ? &j->out_text : &j->err_text;
    if (n > 0) {
        if (is_out)
            scan_progress(j, buf->base, (size_t)n);
        if (sb->len < RUN_OUTPUT_MAX)
            lv_strbuf_addn(sb, buf->base, (size_t)n);
    }
    free(buf->base);
    if (n < 0) {
        uv_read_stop(s);
        j->open_streams--;
        run_finish(j);
    }
}

void lv__storage_run(uv_loop_t *loop, char *const *argv, lv_progress_cb progress,
                     void *progress_opaque, uint64_t total, lv__storage_run_cb cb, void *opaque)
{
    run_job *j = LV_NEW(run_job);
    lv_strbuf_init(&j->out_text);
    lv_strbuf_init(&j->err_text);
    j->progress = progress;
    j->progress_opaque = progress_opaque;
    j->total = total;
    j->cb = cb;
    j->opaque = opaque;
    j->env = run_environment();
    uv_pipe_init(loop, &j->out, 0);
    uv_pipe_init(loop, &j->err, 0);
    j->out.data = j->err.data = j->proc.data = j;
    uv_stdio_container_t stdio[3] = {
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&j->out},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&j->err},
    };
    uv_process_options_t opts = {
        .exit_cb = run_exit,
        .file = argv[0],
        .args = (char **)argv,
        .env = j->env,
        .stdio = stdio,
        .stdio_count = 3,
    };
    j->open_handles = 3;
    int rc = uv_spawn(loop, &j->proc, &opts);
    if (rc < 0) {
        j->spawn_error = rc;
        uv_close((uv_handle_t *)&j->proc, run_closed);
        uv_close((uv_handle_t *)&j->out, run_closed);
        uv_close((uv_handle_t *)&j->err, run_closed);
        return;
    }
    j->open_streams = 2;
    uv_read_start((uv_stream_t *)&j->out, run_alloc, run_read);
    uv_read_start((uv_stream_t *)&j->err, run_alloc, run_read);
}

/* The line of qemu-img's stderr that says what went wrong: the first that
 * is not a warning, without the "qemu-img: " prefix. */
static void reason_line(const char *text, char *buf, size_t size)
{
    buf[0] = '\0';
    for (const char *p = text; p && *p;) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *line = p;
        if (n > 10 && !strncmp(line, "qemu-img: ", 10)) {
            line += 10;
            n -= 10;
        }
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
            n--;
        if (n && strncmp(line, "warning:", 8) != 0) {
            if (n >= size)
                n = size - 1;
            memcpy(buf, line, n);
            buf[n] = '\0';
            return;
        }
        p = end ? end + 1 : NULL;
    }
}

int lv__storage_run_error(lv_error *err, lv_error_code code, const lv__storage_run_result *res,
                          char *const *argv, const char *what)
{
    char line[512];
    reason_line(res->errout, line, sizeof(line));
    if (res->status < 0 || !*line) {
        /* qemu-img -p leaves progress on stdout: never quote it. */
        lv__storage_tool_result quiet = *res;
        quiet.out = "";
        return lv__storage_tool_error(err, code, &quiet, argv, what);
    }
    const char *tool = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    return lv_error_set(err, code, "%s: %s failed: %s", what, tool, line);
}
