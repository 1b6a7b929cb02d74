/* Capabilities of the qemu driver: the host (arch, cpus, memory) and what a
 * guest can be: hvm x86_64 with the emulator on PATH, its machine types, and
 * the accelerators: domain type 'qemu' (TCG) always, 'kvm' where /dev/kvm can
 * be opened. The machine types come from `EMULATOR -machine help`, run once
 * per emulator path and process (uv_spawn, argv array) and remembered; the
 * text is what query-machines gives too, without starting a guest. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "qemu_command.h"
#include "qemu_run.h"

typedef struct machine {
    char *name;
    char *canonical; /* the machine an alias stands for, or NULL */
    bool is_default;
} machine;

/* The cache: one emulator (the one on PATH) per process. */
static char *cached_exe;
static machine *machines;
static size_t nmachines;

typedef struct caps_call {
    uv_process_t proc;
    uv_pipe_t out;
    lv_strbuf text;
    int open_handles;
    bool exited, eof;
    int64_t status;
    char *exe;
    lv_conn *conn;
    lv_string_cb cb;
    void *opaque;
} caps_call;

static void parse_machines(const char *text)
{
    for (size_t i = 0; i < nmachines; i++) {
        free(machines[i].name);
        free(machines[i].canonical);
    }
    free(machines);
    machines = NULL;
    nmachines = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *line = lv_malloc0(len + 1);
        memcpy(line, p, len);
        p += len + (eol ? 1 : 0);
        char name[128];
        if (strncmp(line, "Supported machines", 18) == 0 || sscanf(line, "%127s", name) != 1 ||
            strcmp(name, "none") == 0) {
            free(line);
            continue;
        }
        machines = lv_realloc(machines, (nmachines + 1) * sizeof(*machines));
        machine *m = &machines[nmachines++];
        memset(m, 0, sizeof(*m));
        m->name = lv_strdup(name);
        const char *alias = strstr(line, "(alias of ");
        if (alias) {
            char canon[128];
            if (sscanf(alias + 10, "%127[^)]", canon) == 1)
                m->canonical = lv_strdup(canon);
        }
        m->is_default = strstr(line, "(default)") != NULL;
        free(line);
    }
}

static bool kvm_usable(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

static char *format_caps(const char *exe)
{
    uv_utsname_t u;
    const char *arch = uv_os_uname(&u) == 0 ? u.machine : "x86_64";
    uv_cpu_info_t *cpus = NULL;
    int ncpu = 0;
    if (uv_cpu_info(&cpus, &ncpu) == 0)
        uv_free_cpu_info(cpus, ncpu);
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "<capabilities>\n\n  <host>\n    <cpu>\n      <arch>");
    lv_strbuf_add_xml_escaped(&sb, arch);
    lv_strbuf_add(&sb, "</arch>\n    </cpu>\n    <topology>\n      <cells num='1'>\n");
    lv_strbuf_addf(&sb,
                   "        <cell id='0'>\n          <memory unit='KiB'>%llu</memory>\n"
                   "          <cpus num='%d'/>\n        </cell>\n",
                   (unsigned long long)(uv_get_total_memory() / 1024), ncpu > 0 ? ncpu : 1);
    lv_strbuf_add(&sb, "      </cells>\n    </topology>\n  </host>\n\n");
    lv_strbuf_add(&sb, "  <guest>\n    <os_type>hvm</os_type>\n    <arch name='x86_64'>\n"
                       "      <wordsize>64</wordsize>\n      <emulator>");
    lv_strbuf_add_xml_escaped(&sb, exe);
    lv_strbuf_add(&sb, "</emulator>\n");
    if (nmachines == 0) /* qemu would not say: what the driver uses */
        lv_strbuf_add(&sb, "      <machine>pc</machine>\n      <machine>q35</machine>\n");
    for (size_t i = 0; i < nmachines; i++) {
        lv_strbuf_add(&sb, "      <machine");
        if (machines[i].canonical) {
            lv_strbuf_add(&sb, " canonical='");
            lv_strbuf_add_xml_escaped(&sb, machines[i].canonical);
            lv_strbuf_add(&sb, "'");
        }
        lv_strbuf_add(&sb, ">");
        lv_strbuf_add_xml_escaped(&sb, machines[i].name);
        lv_strbuf_add(&sb, "</machine>\n");
    }
    lv_strbuf_add(&sb, "      <domain type='qemu'/>\n");
    if (kvm_usable()) {
        lv_strbuf_add(&sb, "      <domain type='kvm'>\n        <emulator>");
        lv_strbuf_add_xml_escaped(&sb, exe);
        lv_strbuf_add(&sb, "</emulator>\n      </domain>\n");
    }
    lv_strbuf_add(&sb, "    </arch>\n    <features>\n      <acpi default='on' toggle='yes'/>\n"
                       "      <apic default='on' toggle='no'/>\n    </features>\n  </guest>\n\n"
                       "</capabilities>\n");
    return lv_strbuf_steal(&sb);
}

static void caps_closed(uv_handle_t *h)
{
    caps_call *cc = h->data;
    if (--cc->open_handles == 0) {
        lv_strbuf_clear(&cc->text);
        free(cc->exe);
        free(cc);
    }
}

static void caps_finish(caps_call *cc)
{
    if (!cc->exited || !cc->eof)
        return;
    /* A failure leaves the list empty: the static fallback, not an error. */
    if (cc->status == 0 && cc->text.data)
        parse_machines(cc->text.data);
    free(cached_exe);
    cached_exe = lv_strdup(cc->exe);
    cc->cb(cc->opaque, format_caps(cc->exe), NULL);
    uv_close((uv_handle_t *)&cc->out, caps_closed);
}

static void caps_exit(uv_process_t *proc, int64_t status, int signal)
{
    caps_call *cc = proc->data;
    cc->exited = true;
    cc->status = signal ? 128 + signal : status;
    uv_close((uv_handle_t *)proc, caps_closed);
    caps_finish(cc);
}

static void caps_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    (void)h;
    buf->base = lv_malloc0(size);
    buf->len = size;
}

static void caps_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    caps_call *cc = s->data;
    if (n > 0 && cc->text.len < 65536)
        lv_strbuf_addn(&cc->text, buf->base, (size_t)n);
    free(buf->base);
    if (n < 0) {
        cc->eof = true;
        uv_read_stop(s);
        caps_finish(cc);
    }
}

void lv__qemu_capabilities(lv_conn *c, lv_string_cb cb, void *opaque)
{
    lv_error err;
    char *exe = lv__qemu_find_emulator();
    if (!exe) {
        lv_error_set(&err, LV_ERR_OPERATION_FAILED, "no %s on PATH (is qemu installed?)",
                     LV_QEMU_DEFAULT_EMULATOR);
        cb(opaque, NULL, &err);
        return;
    }
    if (cached_exe && strcmp(cached_exe, exe) == 0) {
        char *xml = format_caps(exe);
        free(exe);
        cb(opaque, xml, NULL);
        return;
    }
    caps_call *cc = LV_NEW(caps_call);
    lv_strbuf_init(&cc->text);
    cc->exe = exe;
    cc->conn = c;
    cc->cb = cb;
    cc->opaque = opaque;
    uv_pipe_init(c->loop, &cc->out, 0);
    cc->out.data = cc;
    cc->proc.data = cc;
    cc->open_handles = 2;
    char *args[] = {exe, "-machine", "help", NULL};
    uv_stdio_container_t stdio[3] = {
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&cc->out},
        {.flags = UV_IGNORE},
    };
    uv_process_options_t opts = {
        .exit_cb = caps_exit, .file = exe, .args = args, .stdio = stdio, .stdio_count = 3};
    if (uv_spawn(c->loop, &cc->proc, &opts) < 0) {
        cc->cb(cc->opaque, format_caps(exe), NULL);
        uv_close((uv_handle_t *)&cc->proc, caps_closed);
        uv_close((uv_handle_t *)&cc->out, caps_closed);
        return;
    }
    uv_read_start((uv_stream_t *)&cc->out, caps_alloc, caps_read);
}
