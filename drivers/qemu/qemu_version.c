/* The emulator on PATH and its version (`--version`, run once per process). */
#include "qemu_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "qemu_command.h"

/* ---- version, capabilities ---------------------------------------------- */

/* The emulator found on PATH (capabilities, version), malloc'd, or NULL. */
char *lv__qemu_find_emulator(void)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    char *copy = lv_strdup(path), *save = NULL;
    char *found = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *cand = lv_asprintf("%s/%s", *dir ? dir : ".", LV_QEMU_DEFAULT_EMULATOR);
        if (access(cand, X_OK) == 0)
            found = cand;
        else
            free(cand);
    }
    free(copy);
    return found;
}

/* `qemu-system-x86_64 --version`, run once per process and remembered. */
typedef struct version_call {
    uv_process_t proc;
    uv_pipe_t out;
    lv_strbuf text;
    int open_handles;
    bool exited, eof;
    int64_t status;
    lv_version_cb cb;
    void *opaque;
} version_call;

static lv_version_info version_cache;
static bool version_known;

static void version_closed(uv_handle_t *h)
{
    version_call *v = h->data;
    if (--v->open_handles == 0) {
        lv_strbuf_clear(&v->text);
        free(v);
    }
}

static void version_finish(version_call *v)
{
    if (!v->exited || !v->eof)
        return;
    const char *t = v->text.data ? v->text.data : "";
    const char *p = strstr(t, "version ");
    unsigned major = 0, minor = 0, micro = 0;
    lv_error err;
    if (v->status != 0 || !p || sscanf(p + 8, "%u.%u.%u", &major, &minor, &micro) < 2) {
        lv_error_set(&err, LV_ERR_OPERATION_FAILED,
                     "cannot tell the version of %s: it printed '%.100s' (exit status %lld)",
                     LV_QEMU_DEFAULT_EMULATOR, t, (long long)v->status);
        v->cb(v->opaque, NULL, &err);
    } else {
        memset(&version_cache, 0, sizeof(version_cache));
        memcpy(version_cache.hypervisor, "QEMU", 5);
        version_cache.hv_version = major * 1000000UL + minor * 1000UL + micro;
        version_known = true;
        v->cb(v->opaque, &version_cache, NULL);
    }
    uv_close((uv_handle_t *)&v->out, version_closed);
}

static void version_exit(uv_process_t *proc, int64_t status, int signal)
{
    version_call *v = proc->data;
    v->exited = true;
    v->status = signal ? 128 + signal : status;
    uv_close((uv_handle_t *)proc, version_closed);
    version_finish(v);
}

static void version_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    version_call *v = s->data;
    if (n > 0 && v->text.len < 4096)
        lv_strbuf_addn(&v->text, buf->base, (size_t)n);
    free(buf->base);
    if (n < 0) {
        v->eof = true;
        uv_read_stop(s);
        version_finish(v);
    }
}

void lv__qemu_version(lv_conn *c, lv_version_cb cb, void *opaque)
{
    lv_error err;
    if (version_known) {
        cb(opaque, &version_cache, NULL);
        return;
    }
    char *exe = lv__qemu_find_emulator();
    if (!exe) {
        lv_error_set(&err, LV_ERR_OPERATION_FAILED, "no %s on PATH (is qemu installed?)",
                     LV_QEMU_DEFAULT_EMULATOR);
        cb(opaque, NULL, &err);
        return;
    }
    version_call *v = LV_NEW(version_call);
    lv_strbuf_init(&v->text);
    v->cb = cb;
    v->opaque = opaque;
    uv_pipe_init(c->loop, &v->out, 0);
    v->out.data = v;
    v->proc.data = v;
    v->open_handles = 2;
    char *args[] = {exe, "--version", NULL};
    uv_stdio_container_t stdio[3] = {
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&v->out},
        {.flags = UV_IGNORE},
    };
    uv_process_options_t opts = {
        .exit_cb = version_exit, .file = exe, .args = args, .stdio = stdio, .stdio_count = 3};
    int rc = uv_spawn(c->loop, &v->proc, &opts);
    free(exe);
    if (rc < 0) {
        lv_error_set(&err, LV_ERR_OPERATION_FAILED, "cannot run %s --version: %s",
                     LV_QEMU_DEFAULT_EMULATOR, uv_strerror(rc));
        uv_close((uv_handle_t *)&v->proc, version_closed);
        uv_close((uv_handle_t *)&v->out, version_closed);
        cb(opaque, NULL, &err);
        return;
    }
    uv_read_start((uv_stream_t *)&v->out, lv__qemu_on_alloc, version_read);
}
