/* The status file of a running domain (JSON, written atomically by its monitor
 * process), the end record, the clean-up of the runtime files, and the /proc checks that tell a
 * live process from a zombie or a reused pid. */
#include "qemu_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/alloc.h"
#include "core/files.h"
#include "core/strbuf.h"

void lv__qemu_status_clear(lv__qemu_status *s)
{
    free(s->name);
    free(s->qmp);
    free(s->console);
    free(s->console_log);
    free(s->log);
    if (s->argv)
        for (char **a = s->argv; *a; a++)
            free(*a);
    free(s->argv);
    memset(s, 0, sizeof(*s));
}

static void add_str(json_object *o, const char *key, const char *val)
{
    if (val)
        json_object_object_add(o, key, json_object_new_string(val));
}

char *lv__qemu_status_format(const lv__qemu_status *s)
{
    json_object *o = json_object_new_object();
    char uuid[LV_UUID_STRING_LEN];
    lv_uuid_format(s->uuid, uuid);
    add_str(o, "name", s->name);
    add_str(o, "uuid", uuid);
    json_object_object_add(o, "id", json_object_new_int(s->id));
    json_object_object_add(o, "monitor_pid", json_object_new_int(s->monitor_pid));
    json_object_object_add(o, "monitor_start", json_object_new_uint64(s->monitor_start));
    json_object_object_add(o, "qemu_pid", json_object_new_int(s->qemu_pid));
    json_object_object_add(o, "qemu_start", json_object_new_uint64(s->qemu_start));
    add_str(o, "qmp", s->qmp);
    add_str(o, "console", s->console);
    add_str(o, "console_log", s->console_log);
    add_str(o, "log", s->log);
    json_object *argv = json_object_new_array();
    if (s->argv)
        for (char **a = s->argv; *a; a++)
            json_object_array_add(argv, json_object_new_string(*a));
    json_object_object_add(o, "argv", argv);
    json_object_object_add(o, "start_time", json_object_new_int64(s->start_time));
    if (s->balloon_kib)
        json_object_object_add(o, "balloon_kib", json_object_new_uint64(s->balloon_kib));
    if (s->vnc_port > 0)
        json_object_object_add(o, "vnc_port", json_object_new_int(s->vnc_port));
    add_str(o, "state", lv_domain_state_key(s->state));
    json_object_object_add(o, "state_code", json_object_new_int(s->state));
    add_str(o, "reason", lv_domain_reason_string(s->state, s->reason));
    json_object_object_add(o, "reason_code", json_object_new_int(s->reason));
    json_object_object_add(o, "seq", json_object_new_int64(s->seq));
    const char *text =
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *out = lv_asprintf("%s\n", text);
    json_object_put(o);
    return out;
}

static const char *get_str(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int64_t get_int(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    return json_object_get_int64(v);
}

int lv__qemu_status_parse(const char *text, lv__qemu_status *s, lv_error *err)
{
    memset(s, 0, sizeof(*s));
    json_object *o = json_tokener_parse(text);
    if (!o || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return lv_error_set(err, LV_ERR_INTERNAL, "status file is not a JSON object");
    }
    const char *uuid = get_str(o, "uuid");
    if (!get_str(o, "name") || !uuid || lv_uuid_parse(uuid, s->uuid, NULL) < 0) {
        json_object_put(o);
        return lv_error_set(err, LV_ERR_INTERNAL, "status file lacks a name or a uuid");
    }
    s->name = lv_strdup(get_str(o, "name"));
    s->id = (int)get_int(o, "id");
    s->monitor_pid = (pid_t)get_int(o, "monitor_pid");
    json_object *v;
    if (json_object_object_get_ex(o, "monitor_start", &v))
        s->monitor_start = json_object_get_uint64(v);
    s->qemu_pid = (pid_t)get_int(o, "qemu_pid");
    if (json_object_object_get_ex(o, "qemu_start", &v))
        s->qemu_start = json_object_get_uint64(v);
    s->qmp = lv_strdup(get_str(o, "qmp"));
    s->console = lv_strdup(get_str(o, "console"));
    s->console_log = lv_strdup(get_str(o, "console_log"));
    s->log = lv_strdup(get_str(o, "log"));
    if (json_object_object_get_ex(o, "argv", &v) && json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        s->argv = lv_malloc0((n + 1) * sizeof(char *));
        for (size_t i = 0; i < n; i++)
            s->argv[i] = lv_strdup(json_object_get_string(json_object_array_get_idx(v, i)));
    }
    s->start_time = get_int(o, "start_time");
    if (json_object_object_get_ex(o, "balloon_kib", &v))
        s->balloon_kib = json_object_get_uint64(v);
    s->vnc_port = (int)get_int(o, "vnc_port");
    int64_t state = get_int(o, "state_code");
    s->state =
        state > 0 && state < LV_DOMAIN_STATE__COUNT ? (lv_domain_state)state : LV_DOMAIN_NOSTATE;
    s->reason = (int)get_int(o, "reason_code");
    s->seq = (unsigned)get_int(o, "seq");
    json_object_put(o);
    return 0;
}

int lv__qemu_status_write(const char *path, const lv__qemu_status *s, lv_error *err)
{
    char *text = lv__qemu_status_format(s);
    int rc = lv_file_write_atomic(path, text, strlen(text), 0600, err);
    free(text);
    return rc;
}

int lv__qemu_status_read(const char *path, lv__qemu_status *s, lv_error *err)
{
    char *text = NULL;
    size_t len;
    lv_error e;
    memset(s, 0, sizeof(*s));
    if (lv_file_read_all(path, &text, &len, &e) < 0) {
        if (e.code == LV_ERR_SYSTEM && e.sys_errno == ENOENT)
            return 0;
        lv_error_copy(err, &e);
        return -1;
    }
    int rc = lv__qemu_status_parse(text, s, err);
    free(text);
    if (rc < 0) {
        if (err)
            lv_error_set(err, LV_ERR_INTERNAL, "cannot read the status file '%s'", path);
        return -1;
    }
    return 1;
}

/* ---- the end record ----------------------------------------------------- */

int lv__qemu_ended_write(const char *path, int reason, lv_error *err)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "%s\n", lv_domain_reason_string(LV_DOMAIN_SHUTOFF, reason));
    return lv_file_write_atomic(path, buf, (size_t)n, 0600, err);
}

int lv__qemu_ended_read(const char *path)
{
    char *text = NULL;
    size_t len;
    if (lv_file_read_all(path, &text, &len, NULL) < 0)
        return -1;
    int reason = LV_SHUTOFF_UNKNOWN;
    for (int r = 0; r <= LV_SHUTOFF_DAEMON; r++) {
        const char *word = lv_domain_reason_string(LV_DOMAIN_SHUTOFF, r);
        size_t wl = strlen(word);
        if (strncmp(text, word, wl) == 0 && (text[wl] == '\n' || text[wl] == '\0')) {
            reason = r;
            break;
        }
    }
    free(text);
    return reason;
}

/* ---- the runtime files ------------------------------------------------- */

static void remove_suffix(const char *dir, const char *name, const char *suffix)
{
    char *p = lv__qemu_path(dir, name, suffix);
    unlink(p);
    free(p);
}

void lv__qemu_cleanup_runtime(const lv__qemu_paths *p, const char *name, int reason)
{
    static const char *const suffixes[] = {".qmp",    ".mon", ".console", ".pid",   ".destroy",
                                           ".reboot", ".xml", ".setup",   ".status"};
    if (reason >= 0) {
        char *ended = lv__qemu_path(p->run, name, ".ended");
        lv__qemu_ended_write(ended, reason, NULL);
        free(ended);
    }
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++)
        remove_suffix(p->run, name, suffixes[i]);
}

/* ---- /proc -------------------------------------------------------------- */

/* The fields of /proc/PID/stat after "(comm)": fields[0] is field 3 (state). */
static int read_stat(pid_t pid, char *state, unsigned long long *utime, unsigned long long *stime,
                     unsigned long long *starttime)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p += 2;
    unsigned long long f[20] = {0};
    char st = *p;
    p++;
    /* fields 4..22 */
    for (int i = 4; i <= 22; i++) {
        while (*p == ' ')
            p++;
        f[i - 4 < 20 ? i - 4 : 19] = strtoull(p, &p, 10);
    }
    if (state)
        *state = st;
    if (utime)
        *utime = f[14 - 4];
    if (stime)
        *stime = f[15 - 4];
    if (starttime)
        *starttime = f[22 - 4];
    return 0;
}

unsigned long long lv__proc_starttime(pid_t pid)
{
    unsigned long long start = 0;
    if (pid <= 0 || read_stat(pid, NULL, NULL, NULL, &start) < 0)
        return 0;
    return start;
}

bool lv__proc_alive(pid_t pid, unsigned long long starttime)
{
    char state = 0;
    unsigned long long start = 0;
    if (pid <= 0 || read_stat(pid, &state, NULL, NULL, &start) < 0)
        return false;
    if (state == 'Z' || state == 'X')
        return false;
    return starttime == 0 || start == starttime;
}

uint64_t lv__proc_cpu_ns(pid_t pid)
{
    unsigned long long ut = 0, stt = 0;
    if (pid <= 0 || read_stat(pid, NULL, &ut, &stt, NULL) < 0)
        return 0;
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        hz = 100;
    return (uint64_t)(ut + stt) * (1000000000ULL / (uint64_t)hz);
}

/* ---- argv as text ------------------------------------------------------- */

char *lv__qemu_argv_text(char *const *argv)
{
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    for (char *const *a = argv; a && *a; a++) {
        if (a != argv)
            lv_strbuf_add(&sb, " ");
        bool plain = **a != '\0';
        for (const char *p = *a; *p; p++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        "-_=,./:+@%",
                        *p))
                plain = false;
        if (plain) {
            lv_strbuf_add(&sb, *a);
            continue;
        }
        lv_strbuf_add(&sb, "'");
        for (const char *p = *a; *p; p++) {
            if (*p == '\'')
                lv_strbuf_add(&sb, "'\\''");
            else
                lv_strbuf_addn(&sb, p, 1);
        }
        lv_strbuf_add(&sb, "'");
    }
    return lv_strbuf_steal(&sb);
}
