/* Runs command transcripts (tests/commands/NAME.t), as libvirt's virshtest does.
 *
 * A transcript holds cases. Each case is
 *
 *     $ ARGS...                 the luvirt arguments ('...' "..." and \ quote, no
 *                               expansion; \n inside "..." is a newline)
 *     env NAME=VALUE            optional, any number, right after the $ line
 *     < TEXT                    optional: a line of standard input (else /dev/null)
 *     stdout lines...           exactly what the command prints on stdout
 *     --- stderr                optional: what follows is stderr
 *     stderr lines...
 *     --- exit N                required: the exit status; ends the case
 *
 * Lines between `--- exit N` and the next `$` are comments. In ARGS, env values
 * and the outputs, @SRCDIR@ is the source tree, @DATA@ tests/commands/data and
 * @TMP@ a scratch folder made for the run; actual outputs get the same names
 * substituted back before comparing.
 *
 * The binary runs through posix_spawn with an argv array (no shell) in a
 * clean environment: LUVIRT_DATADIR=@SRCDIR@/scripts,
 * LUVIRT_DEFAULT_URI=test:///default, HOME and XDG_CONFIG_HOME under @TMP@,
 * no LUVIRT_PATH, stdin from /dev/null.
 *
 * usage: cmdrunner [--regenerate] --srcdir DIR --exec PROG [--exec ARG]... FILE.t...
 * --regenerate rewrites the files with the actual outputs: use it on purpose,
 * then read the diff before committing. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data) {
            perror("realloc");
            exit(99);
        }
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_adds(buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static const char *buf_str(buf *b)
{
    if (!b->data)
        buf_add(b, "", 0);
    return b->data;
}

typedef struct subst {
    const char *name; /* "@DATA@" */
    const char *value;
} subst;

static subst substs[3];

/* Replaces every @NAME@ in s (forward) or every value by its @NAME@ (backward). */
static char *substitute(const char *s, bool backward)
{
    buf out = {0};
    while (*s) {
        bool hit = false;
        for (size_t i = 0; i < sizeof substs / sizeof substs[0]; i++) {
            const char *from = backward ? substs[i].value : substs[i].name;
            const char *to = backward ? substs[i].name : substs[i].value;
            size_t n = strlen(from);
            if (n && strncmp(s, from, n) == 0) {
                buf_adds(&out, to);
                s += n;
                hit = true;
                break;
            }
        }
        if (!hit)
            buf_add(&out, s++, 1);
    }
    buf_str(&out);
    return out.data; /* the caller frees it */
}

typedef struct tcase {
    int line;
    char *args_line; /* after "$ " */
    char **env;      /* NAME=VALUE, NULL-terminated */
    size_t nenv;
    buf in;          /* standard input ("< " lines) */
    bool has_in;
    buf out, err;
    int exit_code;
    buf trailer; /* comment lines after the case */
} tcase;

typedef struct transcript {
    buf header; /* lines before the first case */
    tcase *cases;
    size_t ncases;
} transcript;

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    buf_str(&b);
    return b.data; /* the caller frees it */
}

static void free_transcript(transcript *t)
{
    for (size_t i = 0; i < t->ncases; i++) {
        tcase *c = &t->cases[i];
        free(c->args_line);
        for (size_t k = 0; k < c->nenv; k++)
            free(c->env[k]);
        free(c->env);
        free(c->in.data);
        free(c->out.data);
        free(c->err.data);
        free(c->trailer.data);
    }
    free(t->cases);
    free(t->header.data);
}

static int parse_transcript(const char *path, const char *text, transcript *t)
{
    memset(t, 0, sizeof *t);
    enum { OUTSIDE, OUT, ERR } where = OUTSIDE;
    bool env_ok = false;
    tcase *c = NULL;
    int lineno = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, n);
        p += n + (nl ? 1 : 0);
        lineno++;
        if (where == OUTSIDE) {
            if (strncmp(line, "$ ", 2) == 0 || strcmp(line, "$") == 0) {
                t->cases = realloc(t->cases, (t->ncases + 1) * sizeof *t->cases);
                c = &t->cases[t->ncases++];
                memset(c, 0, sizeof *c);
                c->line = lineno;
                c->args_line = strdup(line[1] ? line + 2 : "");
                c->env = calloc(1, sizeof(char *));
                where = OUT;
                env_ok = true;
            } else {
                buf *b = c ? &c->trailer : &t->header;
                buf_adds(b, line);
                buf_adds(b, "\n");
            }
        } else if (env_ok && strncmp(line, "env ", 4) == 0) {
            c->env = realloc(c->env, (c->nenv + 2) * sizeof(char *));
            c->env[c->nenv++] = strdup(line + 4);
            c->env[c->nenv] = NULL;
        } else if (env_ok && strncmp(line, "< ", 2) == 0) {
            buf_adds(&c->in, line + 2);
            buf_adds(&c->in, "\n");
            c->has_in = true;
        } else if (strcmp(line, "--- stderr") == 0 && where == OUT) {
            where = ERR;
            env_ok = false;
        } else if (strncmp(line, "--- exit ", 9) == 0) {
            c->exit_code = atoi(line + 9);
            where = OUTSIDE;
        } else {
            env_ok = false;
            buf *b = where == OUT ? &c->out : &c->err;
            buf_adds(b, line);
            buf_adds(b, "\n");
        }
        free(line);
    }
    if (where != OUTSIDE) {
        fprintf(stderr, "%s:%d: case without '--- exit N'\n", path, c->line);
        return -1;
    }
    return 0;
}

/* Splits an args line: blanks separate, '...' literal, "..." with \ escapes, \x. */
static char **split_args(const char *s, size_t *count)
{
    char **argv = NULL;
    size_t n = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        buf w = {0};
        buf_add(&w, "", 0);
        while (*s && *s != ' ' && *s != '\t') {
            if (*s == '\'') {
                const char *e = strchr(s + 1, '\'');
                if (!e)
                    e = s + strlen(s);
                buf_add(&w, s + 1, (size_t)(e - s - 1));
                s = *e ? e + 1 : e;
            } else if (*s == '"') {
                s++;
                while (*s && *s != '"') {
                    if (*s == '\\' && s[1] == 'n') {
                        buf_add(&w, "\n", 1);
                        s += 2;
                        continue;
                    }
                    if (*s == '\\' && s[1])
                        s++;
                    buf_add(&w, s++, 1);
                }
                if (*s)
                    s++;
            } else if (*s == '\\' && s[1]) {
                buf_add(&w, s + 1, 1);
                s += 2;
            } else {
                buf_add(&w, s++, 1);
            }
        }
        argv = realloc(argv, (n + 2) * sizeof(char *));
        argv[n++] = substitute(buf_str(&w), false);
        argv[n] = NULL;
        free(w.data);
    }
    *count = n;
    return argv;
}

static char *tmpdir;
static const char *srcdir;

static char **make_env(const tcase *c)
{
    size_t n = 0;
    char **env = NULL;
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "LUVIRT_", 7) == 0 || strncmp(*e, "XDG_", 4) == 0 ||
            strncmp(*e, "HOME=", 5) == 0 || strncmp(*e, "EDITOR=", 7) == 0 ||
            strncmp(*e, "VISUAL=", 7) == 0)
            continue;
        env = realloc(env, (n + 2) * sizeof(char *));
        env[n++] = strdup(*e);
    }
    char tmp[4096];
    const char *fixed[] = {"LUVIRT_DATADIR=%s/scripts", "LUVIRT_DEFAULT_URI=test:///default",
                           "HOME=%s/home", "XDG_CONFIG_HOME=%s/config"};
    const char *vals[] = {srcdir, NULL, tmpdir, tmpdir};
    for (size_t i = 0; i < 4; i++) {
        snprintf(tmp, sizeof tmp, fixed[i], vals[i]);
        env = realloc(env, (n + 2) * sizeof(char *));
        env[n++] = strdup(tmp);
    }
    for (size_t i = 0; i < c->nenv; i++) {
        char *e = substitute(c->env[i], false);
        size_t klen = strcspn(e, "=") + 1;
        size_t k = 0;
        while (k < n && strncmp(env[k], e, klen) != 0)
            k++;
        if (k < n) { /* the case overrides a fixed variable */
            free(env[k]);
            env[k] = e;
        } else {
            env = realloc(env, (n + 2) * sizeof(char *));
            env[n++] = e;
        }
    }
    env[n] = NULL;
    return env;
}

/* Runs argv; fills out/err; returns the exit status (128+signal when killed). */
static int run(char **argv, char **env, const char *stdin_path, buf *out, buf *err)
{
    int po[2], pe[2];
    if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
        perror("pipe");
        exit(99);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, stdin_path ? stdin_path : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    close(po[1]);
    close(pe[1]);
    if (rc != 0) {
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(rc));
        exit(99);
    }
    struct pollfd fds[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
    buf *bufs[2] = {out, err};
    int open_fds = 2;
    time_t deadline = time(NULL) + 60;
    while (open_fds > 0) {
        int r = poll(fds, 2, 1000);
        if (r < 0 && errno != EINTR) {
            perror("poll");
            exit(99);
        }
        if (time(NULL) > deadline) {
            fprintf(stderr, "timeout: killing %s\n", argv[0]);
            kill(pid, SIGKILL);
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[4096];
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n > 0) {
                buf_add(bufs[i], chunk, (size_t)n);
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Splits text into lines (without the newlines). */
static char **lines_of(const char *text, size_t *count)
{
    char **v = NULL;
    size_t n = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        v = realloc(v, (n + 1) * sizeof(char *));
        v[n++] = strndup(p, len);
        p += len + (nl ? 1 : 0);
    }
    *count = n;
    return v;
}

/* Prints a line diff (LCS): '-' expected only, '+' actual only, ' ' both. */
static void print_diff(const char *what, const char *expected, const char *actual)
{
    size_t na, nb;
    char **a = lines_of(expected, &na);
    char **b = lines_of(actual, &nb);
    size_t *L = calloc((na + 1) * (nb + 1), sizeof *L);
#define AT(i, j) L[(i) * (nb + 1) + (j)]
    for (size_t i = na; i-- > 0;)
        for (size_t j = nb; j-- > 0;)
            AT(i, j) = strcmp(a[i], b[j]) == 0 ? AT(i + 1, j + 1) + 1
                       : AT(i + 1, j) > AT(i, j + 1) ? AT(i + 1, j)
                                                     : AT(i, j + 1);
    fprintf(stderr, "  %s (- expected, + actual):\n", what);
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && strcmp(a[i], b[j]) == 0) {
            fprintf(stderr, "     %s\n", a[i]);
            i++, j++;
        } else if (j < nb && (i == na || AT(i, j + 1) >= AT(i + 1, j))) {
            fprintf(stderr, "    +%s\n", b[j++]);
        } else {
            fprintf(stderr, "    -%s\n", a[i++]);
        }
    }
    size_t ea = strlen(expected), eb = strlen(actual);
    if ((ea && expected[ea - 1] != '\n') != (eb && actual[eb - 1] != '\n'))
        fprintf(stderr, "    (they differ in the final newline)\n");
#undef AT
    free(L);
    for (size_t k = 0; k < na; k++)
        free(a[k]);
    for (size_t k = 0; k < nb; k++)
        free(b[k]);
    free(a);
    free(b);
}

static void write_transcript(const char *path, transcript *t)
{
    buf o = {0};
    buf_add(&o, t->header.data ? t->header.data : "", t->header.len);
    for (size_t i = 0; i < t->ncases; i++) {
        tcase *c = &t->cases[i];
        char tmp[64];
        buf_adds(&o, "$ ");
        buf_adds(&o, c->args_line);
        buf_adds(&o, "\n");
        for (size_t k = 0; k < c->nenv; k++) {
            buf_adds(&o, "env ");
            buf_adds(&o, c->env[k]);
            buf_adds(&o, "\n");
        }
        if (c->has_in) {
            const char *s = c->in.data;
            while (*s) {
                const char *nl = strchr(s, '\n');
                buf_adds(&o, "< ");
                buf_add(&o, s, (size_t)(nl - s) + 1);
                s = nl + 1;
            }
        }
        buf_adds(&o, buf_str(&c->out));
        if (c->out.len && c->out.data[c->out.len - 1] != '\n')
            buf_adds(&o, "\n");
        if (c->err.len) {
            buf_adds(&o, "--- stderr\n");
            buf_adds(&o, c->err.data);
            if (c->err.data[c->err.len - 1] != '\n')
                buf_adds(&o, "\n");
        }
        snprintf(tmp, sizeof tmp, "--- exit %d\n", c->exit_code);
        buf_adds(&o, tmp);
        buf_add(&o, c->trailer.data ? c->trailer.data : "", c->trailer.len);
    }
    FILE *f = fopen(path, "w");
    if (!f || fwrite(buf_str(&o), 1, o.len, f) != o.len || fclose(f) != 0) {
        perror(path);
        exit(99);
    }
    free(o.data);
}

int main(int argc, char **argv)
{
    bool regenerate = false;
    char **prefix = NULL;
    size_t nprefix = 0;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--regenerate") == 0) {
            regenerate = true;
        } else if (strcmp(argv[i], "--srcdir") == 0 && i + 1 < argc) {
            srcdir = argv[++i];
        } else if (strcmp(argv[i], "--exec") == 0 && i + 1 < argc) {
            prefix = realloc(prefix, (nprefix + 1) * sizeof(char *));
            prefix[nprefix++] = argv[++i];
        } else {
            break;
        }
    }
    if (!srcdir || nprefix == 0 || i == argc) {
        fprintf(stderr, "usage: %s [--regenerate] --srcdir DIR --exec PROG [--exec ARG]... "
                        "FILE.t...\n",
                argv[0]);
        return 99;
    }
    char tmpl[] = "/tmp/luvirt-cmdtest-XXXXXX";
    tmpdir = mkdtemp(tmpl);
    if (!tmpdir) {
        perror("mkdtemp");
        return 99;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/home", tmpdir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/config", tmpdir);
    mkdir(path, 0700);
    static char datadir[4096];
    snprintf(datadir, sizeof datadir, "%s/tests/commands/data", srcdir);
    /* longest first, so backward substitution prefers @DATA@ over @SRCDIR@ */
    substs[0] = (subst){"@DATA@", datadir};
    substs[1] = (subst){"@TMP@", tmpdir};
    substs[2] = (subst){"@SRCDIR@", srcdir};

    int failures = 0, total = 0;
    for (; i < argc; i++) {
        const char *file = argv[i];
        char *text = read_file(file);
        if (!text) {
            fprintf(stderr, "%s: %s\n", file, strerror(errno));
            return 99;
        }
        transcript t;
        if (parse_transcript(file, text, &t) < 0)
            return 99;
        for (size_t k = 0; k < t.ncases; k++) {
            tcase *c = &t.cases[k];
            size_t nargs;
            char **args = split_args(c->args_line, &nargs);
            char **full = calloc(nprefix + nargs + 1, sizeof(char *));
            for (size_t m = 0; m < nprefix; m++)
                full[m] = prefix[m];
            for (size_t m = 0; m < nargs; m++)
                full[nprefix + m] = args[m];
            char **env = make_env(c);
            buf out = {0}, err = {0};
            char stdin_path[4096];
            if (c->has_in) {
                snprintf(stdin_path, sizeof stdin_path, "%s/stdin", tmpdir);
                char *input = substitute(buf_str(&c->in), false);
                FILE *f = fopen(stdin_path, "w");
                if (!f || fputs(input, f) < 0 || fclose(f) != 0) {
                    perror(stdin_path);
                    return 99;
                }
                free(input);
            }
            int code = run(full, env, c->has_in ? stdin_path : NULL, &out, &err);
            if (c->has_in)
                unlink(stdin_path);
            char *aout = substitute(buf_str(&out), true);
            char *aerr = substitute(buf_str(&err), true);
            total++;
            bool ok = strcmp(aout, buf_str(&c->out)) == 0 &&
                      strcmp(aerr, buf_str(&c->err)) == 0 && code == c->exit_code;
            if (!ok && !regenerate) {
                failures++;
                fprintf(stderr, "FAIL %s:%d: $ %s\n", file, c->line, c->args_line);
                if (strcmp(aout, buf_str(&c->out)) != 0)
                    print_diff("stdout", buf_str(&c->out), aout);
                if (strcmp(aerr, buf_str(&c->err)) != 0)
                    print_diff("stderr", buf_str(&c->err), aerr);
                if (code != c->exit_code)
                    fprintf(stderr, "  exit status: expected %d, got %d\n", c->exit_code, code);
            }
            if (regenerate) {
                c->out.len = 0;
                buf_adds(&c->out, aout);
                c->err.len = 0;
                buf_adds(&c->err, aerr);
                c->exit_code = code;
            }
            free(aout);
            free(aerr);
            free(out.data);
            free(err.data);
            for (char **e = env; *e; e++)
                free(*e);
            free(env);
            for (size_t m = 0; m < nargs; m++)
                free(args[m]);
            free(args);
            free(full);
        }
        if (regenerate)
            write_transcript(file, &t);
        free_transcript(&t);
        free(text);
    }
    /* the scratch folder: remove what the runner made (tests may add files; leave those) */
    snprintf(path, sizeof path, "%s/home", tmpdir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/config", tmpdir);
    rmdir(path);
    rmdir(tmpdir);
    free(prefix);
    if (regenerate) {
        printf("regenerated %d cases: review the diff before committing\n", total);
        return 0;
    }
    printf("%d/%d cases passed\n", total - failures, total);
    return failures ? 1 : 0;
}
