/* Host tools for the fs and logical backends: uv_spawn, output collected,
 * one completion. See storage_tool.h. */
#include "storage_tool.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"

extern char **environ;

#define TOOL_OUTPUT_MAX (1u << 20)

typedef struct tool_run {
    uv_process_t proc;
    uv_pipe_t out, err;
    lv_strbuf out_text, err_text;
    int open_handles; /* closed handles call back; the last one frees */
    int open_streams; /* until both pipes reached EOF */
    bool exited;
    int status;
    int spawn_error;
    lv__storage_tool_cb cb;
    void *opaque;
    char **env;
} tool_run;

/* ---- argv arrays ------------------------------------------------------- */

void lv__storage_argv_add(lv__storage_argv *a, const char *arg)
{
    if (a->count + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 8;
        a->items = lv_realloc(a->items, a->cap * sizeof(*a->items));
    }
    a->items[a->count++] = lv_strdup(arg);
    a->items[a->count] = NULL;
}

void lv__storage_argv_addf(lv__storage_argv *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    lv__storage_argv_add(a, s);
    free(s);
}

char **lv__storage_argv_steal(lv__storage_argv *a)
{
    if (!a->items)
        a->items = lv_malloc0(sizeof(*a->items));
    char **items = a->items;
    memset(a, 0, sizeof(*a));
    return items;
}

void lv__storage_argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **p = argv; *p; p++)
        free(*p);
    free(argv);
}

char *lv__storage_argv_join(char *const *argv)
{
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    for (size_t i = 0; argv && argv[i]; i++) {
        if (i)
            lv_strbuf_add(&sb, " ");
        lv_strbuf_add(&sb, argv[i]);
    }
    return lv_strbuf_steal(&sb);
}

/* ---- running ------------------------------------------------------------ */

static char **tool_environment(void)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = lv_malloc0((n + 3) * sizeof(*env));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "LC_ALL=", 7) == 0 ||
            strncmp(environ[i], "LVM_SUPPRESS_FD_WARNINGS=", 25) == 0)
            continue;
        env[k++] = environ[i]; /* borrowed: only the two below are ours */
    }
    env[k++] = "LC_ALL=C";
    env[k++] = "LVM_SUPPRESS_FD_WARNINGS=1";
    env[k] = NULL;
    return env;
}

static void tool_free(tool_run *t)
{
    lv_strbuf_clear(&t->out_text);
    lv_strbuf_clear(&t->err_text);
    free(t->env);
    free(t);
}

static void tool_closed(uv_handle_t *h)
{
    tool_run *t = h->data;
    if (--t->open_handles == 0)
        tool_free(t);
}

static void tool_finish(tool_run *t)
{
    if (!t->exited || t->open_streams > 0)
        return;
    lv__storage_tool_result res = {
        .status = t->status,
        .out = t->out_text.data ? t->out_text.data : "",
        .out_len = t->out_text.len,
        .errout = t->err_text.data ? t->err_text.data : "",
        .spawn_error = t->spawn_error,
    };
    t->cb(t->opaque, &res);
    uv_close((uv_handle_t *)&t->out, tool_closed);
    uv_close((uv_handle_t *)&t->err, tool_closed);
}

static void tool_exit(uv_process_t *proc, int64_t status, int signal)
{
    tool_run *t = proc->data;
    t->exited = true;
    t->status = signal ? 128 + signal : (int)status;
    uv_close((uv_handle_t *)proc, tool_closed);
    tool_finish(t);
}

static void tool_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    (void)h;
    buf->base = lv_malloc0(size);
    buf->len = size;
}

static void tool_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    tool_run *t = s->data;
    lv_strbuf *sb = (uv_pipe_t *)s == &t->out ? &t->out_text : &t->err_text;
    if (n > 0 && sb->len < TOOL_OUTPUT_MAX)
        lv_strbuf_addn(sb, buf->base, (size_t)n);
    free(buf->base);
    if (n < 0) {
        uv_read_stop(s);
        t->open_streams--;
        tool_finish(t);
    }
}

/* The spawn failed: report from the loop, so cb never runs before the caller
 * returns (callers may still be setting up after lv__storage_tool_run). */
static void tool_spawn_failed_closed(uv_handle_t *h)
{
    tool_run *t = h->data;
    if (--t->open_handles > 0)
        return;
    lv__storage_tool_result res = {
        .status = -1, .out = "", .errout = "", .spawn_error = t->spawn_error};
    t->cb(t->opaque, &res);
    tool_free(t);
}

void lv__storage_tool_run(uv_loop_t *loop, char *const *argv, lv__storage_tool_cb cb, void *opaque)
{
    tool_run *t = LV_NEW(tool_run);
    lv_strbuf_init(&t->out_text);
    lv_strbuf_init(&t->err_text);
    t->cb = cb;
    t->opaque = opaque;
    t->env = tool_environment();
    uv_pipe_init(loop, &t->out, 0);
    uv_pipe_init(loop, &t->err, 0);
    t->out.data = t->err.data = t->proc.data = t;
    uv_stdio_container_t stdio[3] = {
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&t->out},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&t->err},
    };
    uv_process_options_t opts = {
        .exit_cb = tool_exit,
        .file = argv[0],
        .args = (char **)argv,
        .env = t->env,
        .stdio = stdio,
        .stdio_count = 3,
    };
    int rc = uv_spawn(loop, &t->proc, &opts);
    if (rc < 0) {
        t->spawn_error = rc;
        t->open_handles = 3;
        uv_close((uv_handle_t *)&t->proc, tool_spawn_failed_closed);
        uv_close((uv_handle_t *)&t->out, tool_spawn_failed_closed);
        uv_close((uv_handle_t *)&t->err, tool_spawn_failed_closed);
        return;
    }
    t->open_handles = 3;
    t->open_streams = 2;
    uv_read_start((uv_stream_t *)&t->out, tool_alloc, tool_read);
    uv_read_start((uv_stream_t *)&t->err, tool_alloc, tool_read);
}

/* A closing hint that says nothing about the failure ("Run `lvcreate --help'
 * for more information.", "Try 'mount --help' ...", mount's "dmesg(1) may
 * have more information after failed mount system call.", lvm2's "Cannot
 * process volume group X" after the line that says why). */
static bool is_help_hint(const char *line, size_t n)
{
    static const char *const echoes[] = {
        "dmesg(1) may have more information",
        "Cannot process volume group", /* lvm2's echo after the line with the cause */
    };
    for (size_t i = 0; i < sizeof(echoes) / sizeof(*echoes); i++)
        if (n >= strlen(echoes[i]) && strncmp(line, echoes[i], strlen(echoes[i])) == 0)
            return true;
    return (n > 5 && (strncmp(line, "Run `", 5) == 0 || strncmp(line, "Try '", 5) == 0 ||
                      strncmp(line, "Try `", 5) == 0)) &&
           memmem(line, n, "--help", 6) != NULL;
}

/* The last non-empty line of text that is not a --help hint, trimmed,
 * copied into buf. */
static const char *last_line(const char *text, char *buf, size_t size)
{
    const char *end = text + strlen(text);
    buf[0] = '\0';
    while (end > text) {
        while (end > text && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
            end--;
        const char *start = end;
        while (start > text && start[-1] != '\n')
            start--;
        const char *line = start;
        while (line < end && (*line == ' ' || *line == '\t'))
            line++;
        size_t n = (size_t)(end - line);
        if (n > 0 && !is_help_hint(line, n)) {
            if (n >= size)
                n = size - 1;
            memcpy(buf, line, n);
            buf[n] = '\0';
            break;
        }
        end = start;
    }
    return buf;
}

int lv__storage_tool_error(lv_error *err, lv_error_code code, const lv__storage_tool_result *res,
                           char *const *argv, const char *what)
{
    const char *tool = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    if (res->status < 0)
        return lv_error_set(err, code, "%s: cannot run %s: %s", what, tool,
                            uv_strerror(res->spawn_error));
    char line[512];
    last_line(res->errout, line, sizeof(line));
    if (!*line)
        last_line(res->out, line, sizeof(line));
    if (*line)
        return lv_error_set(err, code, "%s: %s failed: %s", what, tool, line);
    return lv_error_set(err, code, "%s: %s failed with exit status %d", what, tool, res->status);
}

/* ---- chains of tools ---------------------------------------------------- */

typedef struct chain_step {
    char **argv;
    lv__storage_step_check check;
    char **undo;
} chain_step;

struct lv__storage_chain {
    uv_loop_t *loop;
    char *what;
    void *ctx;
    lv_done_cb cb;
    void *opaque;
    chain_step *steps;
    size_t count, next;
    size_t undo_next; /* undoing: the step whose undo runs next, counting down */
    bool undoing;
    lv_error err;
};

lv__storage_chain *lv__storage_chain_new(uv_loop_t *loop, const char *what, void *ctx,
                                         lv_done_cb cb, void *opaque)
{
    lv__storage_chain *ch = LV_NEW(lv__storage_chain);
    ch->loop = loop;
    ch->what = lv_strdup(what);
    ch->ctx = ctx;
    ch->cb = cb;
    ch->opaque = opaque;
    return ch;
}

void lv__storage_chain_add(lv__storage_chain *ch, char **argv, lv__storage_step_check check,
                           char **undo)
{
    ch->steps = lv_realloc(ch->steps, (ch->count + 1) * sizeof(*ch->steps));
    ch->steps[ch->count++] = (chain_step){.argv = argv, .check = check, .undo = undo};
}

static void chain_free(lv__storage_chain *ch)
{
    for (size_t i = 0; i < ch->count; i++) {
        lv__storage_argv_free(ch->steps[i].argv);
        lv__storage_argv_free(ch->steps[i].undo);
    }
    free(ch->steps);
    free(ch->what);
    free(ch);
}

static void chain_step_done(void *opaque, const lv__storage_tool_result *res);

/* Runs the next undo line (steps before ch->undo_next), or completes. */
static void chain_undo_next(lv__storage_chain *ch)
{
    while (ch->undo_next > 0) {
        chain_step *s = &ch->steps[--ch->undo_next];
        if (s->undo) {
            lv__storage_tool_run(ch->loop, s->undo, chain_step_done, ch);
            return;
        }
    }
    ch->cb(ch->opaque, &ch->err);
    chain_free(ch);
}

static void chain_next(lv__storage_chain *ch)
{
    if (ch->next == ch->count) {
        ch->cb(ch->opaque, NULL);
        chain_free(ch);
        return;
    }
    lv__storage_tool_run(ch->loop, ch->steps[ch->next].argv, chain_step_done, ch);
}

static void chain_step_done(void *opaque, const lv__storage_tool_result *res)
{
    lv__storage_chain *ch = opaque;
    if (ch->undoing) { /* best effort: the first error is what the caller hears */
        chain_undo_next(ch);
        return;
    }
    chain_step *s = &ch->steps[ch->next];
    int rc;
    if (s->check)
        rc = s->check(ch->ctx, s->argv, res, &ch->err);
    else if (res->status != 0)
        rc = lv__storage_tool_error(&ch->err, LV_ERR_OPERATION_FAILED, res, s->argv, ch->what);
    else
        rc = 0;
    if (rc < 0) {
        ch->undoing = true;
        ch->undo_next = ch->next; /* the failed step itself did nothing to undo */
        chain_undo_next(ch);
        return;
    }
    ch->next++;
    chain_next(ch);
}

void lv__storage_chain_run(lv__storage_chain *ch)
{
    if (ch->count == 0)
        abort(); /* a caller's bug: it would have to complete synchronously */
    chain_next(ch);
}
