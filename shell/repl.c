/* The REPL: reads lines and runs each as cli.repl_line(line) in a task.
 *
 * Three ways to read, chosen by what stdin is:
 *  - a terminal: readline's callback interface, fed from a uv_poll_t on fd 0,
 *    so timers and events keep flowing while a person types. Input pauses
 *    while a line's task runs (the terminal is back in cooked mode then, so a
 *    command may run an editor); the prompt comes back when the task ends.
 *  - a pipe or socket (`echo list | luvirt`, a program driving the shell): a
 *    uv_poll_t and plain read()s, so tasks started by earlier lines keep
 *    running while the writer is quiet.
 *  - anything else, e.g. a regular file (uv_poll_init fails with EPERM there):
 *    plain blocking reads between tasks; reading a file never waits long.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include <lauxlib.h>

#include "shell.h"

#define LV_HISTORY_MAX 1000
#define LV_DEFAULT_PROMPT "luvirt # "
#define LV_READ_CHUNK 4096

typedef enum lv_input_kind {
    LV_INPUT_TTY,
    LV_INPUT_STREAM,
    LV_INPUT_FILE,
} lv_input_kind;

typedef struct lv_repl {
    lv_shell *sh;
    lv_input_kind kind;
    int stdin_flags;  /* fd 0's file status flags before uv_poll_init changed them */
    bool poll_up;     /* poll is initialised */
    uv_poll_t poll;   /* fd 0 (tty and stream) */
    bool eof;         /* end of input */
    bool interrupted; /* Ctrl-C while waiting for input (stream, file): leave */
    char *line;       /* a complete line, malloc'd */
    bool failed;      /* a line raised an error the cli did not handle */
    int worst;        /* the worst status repl_line reported (its optional second result) */

    /* tty */
    uv_signal_t winch;
    uv_signal_t cont;
    bool signals_up;
    bool reading;      /* readline's handler is installed */
    bool prompt_reset; /* Ctrl-C at the prompt: show a fresh one */
    char *history;     /* the history file, or NULL */
    char **cands;      /* completion candidates, for the generator */
    size_t next_cand;

    /* stream and file */
    char *buf;
    size_t len, cap;
} lv_repl;

/* readline's callbacks take no user data. */
static lv_repl *repl_current;

static char word_breaks[] = " \t\n\"'><=;|&(";

/* ---- calling the cli synchronously ---- */

/* cli[name]() as a string (malloc'd), or NULL when absent, failing or not a string. */
static char *cli_string(lv_shell *sh, const char *name)
{
    lua_State *L = sh->L;
    if (!lv_shell_push_cli(sh, name))
        return NULL;
    char *s = NULL;
    if (lua_pcall(L, 0, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
        s = strdup(lua_tostring(L, -1));
    else if (getenv("LUVIRT_DEBUG") && lua_type(L, -1) == LUA_TSTRING)
        fprintf(stderr, "luvirt: debug: cli.%s: %s\n", name, lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

static void cli_call_optional(lv_shell *sh, const char *name)
{
    if (!lv_shell_push_cli(sh, name))
        return;
    if (lua_pcall(sh->L, 0, 0, 0) != LUA_OK)
        lua_pop(sh->L, 1);
}

/* ---- tasks ---- */

static void start_refresh(lv_shell *sh)
{
    if (sh->refresh_started && !sh->refresh.done)
        return; /* the last one still runs */
    if (!lv_shell_push_cli(sh, "refresh_completion"))
        return;
    lv_job_start(sh, &sh->refresh, 0, false, false);
    sh->refresh_started = true;
}

/* Runs one line (NULL: the end of input, which the cli may refuse while a Lua
 * chunk is pending); returns false when the REPL should end. */
static bool run_line(lv_repl *r, const char *line)
{
    lv_shell *sh = r->sh;
    lua_State *L = sh->L;
    if (!lv_shell_push_cli(sh, "repl_line")) {
        fprintf(stderr, "error: luvirt.cli has no function repl_line\n");
        r->failed = true;
        return false;
    }
    if (line)
        lua_pushstring(L, line);
    else
        lua_pushnil(L);
    lv_job job;
    lv_job_start(sh, &job, 1, true, true);
    bool keep = true;
    if (!lv_job_wait(sh, &job)) {
        fprintf(stderr, "error: internal: the line waits on nothing\n");
        r->failed = true;
    } else if (!job.ok) {
        lv_job_report(sh, &job);
        r->failed = true;
    } else {
        lv_job_push_value(sh, &job);
        keep = !(lua_isboolean(L, -1) && !lua_toboolean(L, -1));
        lua_pop(L, 1);
        if (job.status > r->worst && job.status <= 255)
            r->worst = job.status;
    }
    lv_job_clear(sh, &job);
    return keep;
}

/* ---- history ---- */

static int make_parents(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
            free(copy);
            return -1;
        }
        *p = '/';
    }
    free(copy);
    return 0;
}

static void history_open(lv_repl *r)
{
    char *path = cli_string(r->sh, "history_file");
    stifle_history(LV_HISTORY_MAX);
    if (!path)
        return;
    int fd = -1;
    if (make_parents(path) == 0)
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "warning: history file %s: %s\n", path, strerror(errno));
        free(path);
        return;
    }
    close(fd);
    read_history(path);
    history_truncate_file(path, LV_HISTORY_MAX);
    r->history = path;
}

static void history_add(lv_repl *r, const char *line)
{
    if (line[strspn(line, " \t")] == '\0')
        return;
    HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
    if (last && strcmp(last->line, line) == 0)
        return;
    add_history(line);
    if (r->history && append_history(1, r->history) != 0 && getenv("LUVIRT_DEBUG"))
        fprintf(stderr, "luvirt: debug: cannot append to %s\n", r->history);
}

/* ---- completion ---- */

static char *candidate_generator(const char *text, int state)
{
    (void)text;
    lv_repl *r = repl_current;
    if (state == 0)
        r->next_cand = 0;
    if (!r->cands || !r->cands[r->next_cand])
        return NULL;
    return strdup(r->cands[r->next_cand++]);
}

static void free_cands(lv_repl *r)
{
    if (!r->cands)
        return;
    for (size_t i = 0; r->cands[i]; i++)
        free(r->cands[i]);
    free(r->cands);
    r->cands = NULL;
}

/* rl_attempted_completion_function: cli.complete(line, start, stop) gives the
 * candidates (a list; nil means "complete file names"). Synchronous. */
static char **repl_complete(const char *text, int start, int end)
{
    lv_repl *r = repl_current;
    lv_shell *sh = r->sh;
    lua_State *L = sh->L;
    rl_attempted_completion_over = 1;
    int top = lua_gettop(L);
    if (!lv_shell_push_cli(sh, "complete"))
        return NULL;
    lua_pushlstring(L, rl_line_buffer, (size_t)rl_end);
    lua_pushinteger(L, start);
    lua_pushinteger(L, end);
    if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
        if (getenv("LUVIRT_DEBUG"))
            fprintf(stderr, "\nluvirt: debug: cli.complete: %s\n", lua_tostring(L, -1));
        lua_settop(L, top);
        return NULL;
    }
    if (lua_isnil(L, -1)) {
        lua_settop(L, top);
        rl_attempted_completion_over = 0; /* readline's file name completion */
        return NULL;
    }
    if (!lua_istable(L, -1)) {
        lua_settop(L, top);
        return NULL;
    }
    size_t n = lua_rawlen(L, -1);
    size_t tlen = strlen(text);
    r->cands = calloc(n + 1, sizeof(*r->cands));
    size_t count = 0;
    for (size_t i = 1; r->cands && i <= n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        const char *c = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (c && strncmp(c, text, tlen) == 0) {
            char *dup = strdup(c);
            if (dup)
                r->cands[count++] = dup;
        }
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    char **matches = NULL;
    if (count > 0) {
        /* No space after "--connect=" or "dir/": the word goes on. */
        const char *only = r->cands[0];
        size_t olen = strlen(only);
        if (count == 1 && olen > 0 && (only[olen - 1] == '=' || only[olen - 1] == '/'))
            rl_completion_suppress_append = 1;
        matches = rl_completion_matches(text, candidate_generator);
    }
    free_cands(r);
    return matches;
}

/* ---- reading from a terminal ---- */

static void on_rl_line(char *line)
{
    lv_repl *r = repl_current;
    /* Removing the handler here stops readline from printing the next prompt. */
    rl_callback_handler_remove();
    r->reading = false;
    if (!line) {
        r->eof = true; /* readline has ended the prompt's line */
        return;
    }
    r->line = line;
}

static void on_tty_readable(uv_poll_t *poll, int status, int events)
{
    (void)events;
    lv_repl *r = poll->data;
    if (status < 0) {
        r->eof = true;
        return;
    }
    if (r->reading)
        rl_callback_read_char();
}

static void on_winch(uv_signal_t *sig, int signum)
{
    (void)signum;
    lv_repl *r = sig->data;
    if (r->reading)
        rl_resize_terminal();
    else
        rl_reset_screen_size();
}

/* Back from Ctrl-Z (SIGTSTP stops us with the default action, as readline's
 * own handlers are off): the job-control shell has put the terminal back into
 * its own mode meanwhile, so set ours again and redraw the line. */
static void on_cont(uv_signal_t *sig, int signum)
{
    (void)signum;
    lv_repl *r = sig->data;
    if (!r->reading)
        return;
    rl_deprep_terminal();
    rl_prep_terminal(1);
    rl_forced_update_display();
}

/* Ctrl-C at the prompt: drop the line, print "^C" and show a fresh prompt. */
static void tty_interrupt(void *ud)
{
    lv_repl *r = ud;
    if (!r->reading)
        return;
    rl_callback_sigcleanup();
    rl_free_line_state();
    rl_point = rl_end;
    rl_redisplay();
    fputs("^C\n", rl_outstream);
    fflush(rl_outstream);
    rl_callback_handler_remove();
    r->reading = false;
    using_history(); /* Up starts from the newest entry again */
    cli_call_optional(r->sh, "cancel_input");
    r->prompt_reset = true;
}

static char *tty_read_line(lv_repl *r)
{
    do {
        char *prompt = cli_string(r->sh, "prompt");
        fflush(stdout);
        fflush(stderr);
        r->prompt_reset = false;
        rl_callback_handler_install(prompt ? prompt : LV_DEFAULT_PROMPT, on_rl_line);
        free(prompt); /* readline keeps its own copy */
        r->reading = true;
        uv_poll_start(&r->poll, UV_READABLE, on_tty_readable);
        while (!r->line && !r->eof && !r->prompt_reset)
            uv_run(&r->sh->loop, UV_RUN_ONCE);
        uv_poll_stop(&r->poll);
        if (r->reading) {
            rl_callback_handler_remove();
            r->reading = false;
        }
    } while (r->prompt_reset && !r->line && !r->eof);
    char *line = r->line;
    r->line = NULL;
    return line;
}

static int tty_open(lv_repl *r)
{
    rl_readline_name = "luvirt";
    rl_instream = stdin;
    rl_outstream = isatty(STDOUT_FILENO) ? stdout : stderr;
    rl_catch_signals = 0; /* the shell owns SIGINT; SIGWINCH comes through the loop */
    rl_catch_sigwinch = 0;
    rl_attempted_completion_function = repl_complete;
    rl_completer_word_break_characters = word_breaks;
    history_open(r);

    uv_signal_init(&r->sh->loop, &r->winch);
    r->winch.data = r;
    uv_signal_start(&r->winch, on_winch, SIGWINCH);
    uv_unref((uv_handle_t *)&r->winch);
    uv_signal_init(&r->sh->loop, &r->cont);
    r->cont.data = r;
    uv_signal_start(&r->cont, on_cont, SIGCONT);
    uv_unref((uv_handle_t *)&r->cont);
    r->signals_up = true;

    r->sh->on_idle_interrupt = tty_interrupt;
    r->sh->idle_interrupt_ud = r;
    start_refresh(r->sh);
    return 0;
}

static void tty_close(lv_repl *r)
{
    if (r->reading) {
        rl_callback_handler_remove();
        r->reading = false;
    }
    if (r->signals_up) {
        uv_close((uv_handle_t *)&r->winch, NULL);
        uv_close((uv_handle_t *)&r->cont, NULL);
    }
    free(r->history);
    r->history = NULL;
}

/* ---- reading from a pipe, a socket or a file ---- */

/* Takes the first complete line out of the buffer (or, at the end of input,
 * what is left), without its line end. */
static char *take_line(lv_repl *r)
{
    char *nl = r->len ? memchr(r->buf, '\n', r->len) : NULL;
    if (!nl && !(r->eof && r->len > 0))
        return NULL;
    size_t n = nl ? (size_t)(nl - r->buf) : r->len;
    size_t used = nl ? n + 1 : n;
    if (n > 0 && r->buf[n - 1] == '\r')
        n--;
    char *line = malloc(n + 1);
    if (!line)
        return NULL;
    memcpy(line, r->buf, n);
    line[n] = '\0';
    memmove(r->buf, r->buf + used, r->len - used);
    r->len -= used;
    return line;
}

static bool grow(lv_repl *r)
{
    if (r->cap - r->len >= LV_READ_CHUNK)
        return true;
    size_t cap = r->cap ? r->cap * 2 : 2 * LV_READ_CHUNK;
    char *buf = realloc(r->buf, cap);
    if (!buf)
        return false;
    r->buf = buf;
    r->cap = cap;
    return true;
}

/* Reads once from fd 0 into the buffer; false at the end of input. */
static bool read_some(lv_repl *r)
{
    if (!grow(r)) {
        fprintf(stderr, "error: reading standard input: out of memory\n");
        return false;
    }
    for (;;) {
        ssize_t n = read(STDIN_FILENO, r->buf + r->len, r->cap - r->len);
        if (n > 0) {
            r->len += (size_t)n;
            return true;
        }
        if (n == 0)
            return false;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return true;
        fprintf(stderr, "error: reading standard input: %s\n", strerror(errno));
        return false;
    }
}

static void on_stream_readable(uv_poll_t *poll, int status, int events)
{
    (void)events;
    lv_repl *r = poll->data;
    if (status < 0 || !read_some(r))
        r->eof = true;
}

static void stream_interrupt(void *ud)
{
    lv_repl *r = ud;
    r->interrupted = true;
}

static char *stream_read_line(lv_repl *r)
{
    char *line = take_line(r);
    if (line || r->eof)
        return line;
    uv_poll_start(&r->poll, UV_READABLE, on_stream_readable);
    while (!(line = take_line(r)) && !r->eof && !r->interrupted)
        uv_run(&r->sh->loop, UV_RUN_ONCE);
    uv_poll_stop(&r->poll);
    if (!line && r->eof)
        line = take_line(r);
    return line;
}

static char *file_read_line(lv_repl *r)
{
    char *line;
    while (!(line = take_line(r)) && !r->eof) {
        if (!read_some(r))
            r->eof = true;
    }
    return line;
}

/* ---- the REPL ---- */

static void poll_closed(uv_handle_t *handle)
{
    lv_repl *r = handle->data;
    if (r->stdin_flags >= 0)
        fcntl(STDIN_FILENO, F_SETFL, r->stdin_flags); /* uv_poll_init made it non-blocking */
}

int lv_repl_run(lv_shell *sh)
{
    static lv_repl repl; /* static: readline's callbacks and the poll's close callback */
    lv_repl *r = &repl;
    memset(r, 0, sizeof(*r));
    r->sh = sh;
    repl_current = r;
    r->stdin_flags = fcntl(STDIN_FILENO, F_GETFL);

    bool tty = isatty(STDIN_FILENO);
    int rc = uv_poll_init(&sh->loop, &r->poll, STDIN_FILENO);
    if (rc == 0) {
        r->poll_up = true;
        r->poll.data = r;
        r->kind = tty ? LV_INPUT_TTY : LV_INPUT_STREAM;
    } else if (tty) {
        fprintf(stderr, "error: cannot watch the terminal: %s\n", uv_strerror(rc));
        return LV_EXIT_FAILED;
    } else {
        r->kind = LV_INPUT_FILE;
    }

    if (r->kind == LV_INPUT_TTY) {
        if (r->stdin_flags >= 0)
            fcntl(STDIN_FILENO, F_SETFL, r->stdin_flags); /* readline reads one byte at a time */
        tty_open(r);
    } else {
        sh->on_idle_interrupt = stream_interrupt;
        sh->idle_interrupt_ud = r;
    }

    int eofs = 0; /* ends of input in a row: the cli may take one back */
    for (;;) {
        char *line;
        switch (r->kind) {
        case LV_INPUT_TTY:
            line = tty_read_line(r);
            break;
        case LV_INPUT_STREAM:
            line = stream_read_line(r);
            break;
        default:
            line = file_read_line(r);
            break;
        }
        if (!line && (r->interrupted || ++eofs > 2))
            break;
        if (line) {
            eofs = 0;
            if (r->kind == LV_INPUT_TTY)
                history_add(r, line);
        }
        bool keep = run_line(r, line);
        free(line);
        if (!keep)
            break;
        if (r->kind == LV_INPUT_TTY) {
            r->eof = false; /* the cli took a Ctrl-D back: the terminal may send more */
            start_refresh(sh);
        }
    }

    if (r->kind == LV_INPUT_TTY)
        tty_close(r);
    sh->on_idle_interrupt = NULL;
    sh->idle_interrupt_ud = NULL;
    if (r->poll_up)
        uv_close((uv_handle_t *)&r->poll, poll_closed);
    free(r->buf);
    r->buf = NULL;
    fflush(stdout);
    if (r->interrupted)
        return LV_EXIT_INTERRUPTED;
    /* A person saw the errors; a program feeding lines wants to know. */
    if (r->kind != LV_INPUT_TTY) {
        if (r->worst > 0)
            return r->worst;
        if (r->failed)
            return LV_EXIT_FAILED;
    }
    return LV_EXIT_OK;
}
