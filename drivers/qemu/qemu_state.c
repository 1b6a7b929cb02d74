/* The domain table of a qemu connection mirrors the files of its scope: the
 * definitions in CONFIG, the status files in RUN. Any shell may change those
 * files, so operations rescan (definitions are reparsed only when their file
 * changed): all of them, or only one domain's (lv__qemu_scan_name,
 * lv__qemu_scan_uuid). These are synchronous reads of small files. */
#include "qemu_priv.h"
#include "qemu_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"

void lv__qemu_dom_free(lv__qemu_dom *d)
{
    if (!d)
        return;
    lv_domain_def_free(d->persistent_def);
    lv_domain_def_free(d->live_def);
    lv__qemu_status_clear(&d->status);
    free(d);
}

lv__qemu_dom *lv__qemu_find_name(const lv__qemu_state *st, const char *name)
{
    for (size_t i = 0; i < st->ndoms; i++)
        if (strcmp(lv__qemu_dom_def(st->doms[i])->name, name) == 0)
            return st->doms[i];
    return NULL;
}

lv__qemu_dom *lv__qemu_find_uuid(const lv__qemu_state *st, const unsigned char *uuid)
{
    for (size_t i = 0; i < st->ndoms; i++)
        if (memcmp(lv__qemu_dom_def(st->doms[i])->uuid, uuid, LV_UUID_LEN) == 0)
            return st->doms[i];
    return NULL;
}

lv__qemu_dom *lv__qemu_find_id(const lv__qemu_state *st, int id)
{
    if (id < 0)
        return NULL;
    for (size_t i = 0; i < st->ndoms; i++)
        if (st->doms[i]->id == id)
            return st->doms[i];
    return NULL;
}

void lv__qemu_add_dom(lv__qemu_state *st, lv__qemu_dom *d)
{
    if (st->ndoms == st->cap_doms) {
        st->cap_doms = st->cap_doms ? st->cap_doms * 2 : 16;
        st->doms = lv_realloc(st->doms, st->cap_doms * sizeof(*st->doms));
    }
    st->doms[st->ndoms++] = d;
}

void lv__qemu_remove_dom(lv__qemu_state *st, lv__qemu_dom *d)
{
    for (size_t i = 0; i < st->ndoms; i++) {
        if (st->doms[i] != d)
            continue;
        memmove(&st->doms[i], &st->doms[i + 1], (st->ndoms - i - 1) * sizeof(*st->doms));
        st->ndoms--;
        lv__qemu_dom_free(d);
        return;
    }
}

int lv__qemu_next_id(const lv__qemu_paths *p, lv_error *err)
{
    char *path = lv_asprintf("%s/ids", p->run);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        lv_error_set_errno(err, errno, "cannot open '%s'", path);
        free(path);
        return -1;
    }
    free(path);
    /* Held only for a read and a write of a few bytes. */
    while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
        ;
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    long id = n > 0 ? strtol(buf, NULL, 10) : 0;
    if (id <= 0 || id >= 1000000000)
        id = 1;
    int len = snprintf(buf, sizeof(buf), "%ld\n", id + 1);
    if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len) {
        lv_error_set_errno(err, errno, "cannot update the domain id counter");
        close(fd);
        return -1;
    }
    close(fd);
    return (int)id;
}

/* ---- runtime state ------------------------------------------------------ */

static void set_inactive(const lv__qemu_state *st, lv__qemu_dom *d, const char *name)
{
    d->id = -1;
    d->state = LV_DOMAIN_SHUTOFF;
    char *ended = lv__qemu_path(st->paths.run, name, ".ended");
    int r = lv__qemu_ended_read(ended);
    free(ended);
    d->reason = r >= 0 ? r : LV_SHUTOFF_UNKNOWN;
    lv_domain_def_free(d->live_def);
    d->live_def = NULL;
    lv__qemu_status_clear(&d->status);
    d->override = false;
}

lv__qemu_dom *lv__qemu_refresh(lv__qemu_state *st, lv__qemu_dom *d)
{
    char *name = lv_strdup(lv__qemu_dom_def(d)->name);
    char *spath = lv__qemu_path(st->paths.run, name, ".status");
    lv__qemu_status s;
    int rc = lv__qemu_status_read(spath, &s, NULL);
    free(spath);
    bool active = false;
    if (rc > 0) {
        if (lv__proc_alive(s.monitor_pid, s.monitor_start) ||
            lv__proc_alive(s.qemu_pid, s.qemu_start)) {
            active = true;
        } else {
            /* Neither the monitor nor qemu is there: the monitor was killed (or
             * the host rebooted) before it could clean up. */
            char *marker = lv__qemu_path(st->paths.run, name, ".destroy");
            struct stat sb;
            int reason = stat(marker, &sb) == 0 ? LV_SHUTOFF_DESTROYED : LV_SHUTOFF_CRASHED;
            free(marker);
            lv__qemu_cleanup_runtime(&st->paths, name, reason);
        }
    }
    if (!active) {
        if (rc > 0)
            lv__qemu_status_clear(&s);
        if (!d->persistent_def) {
            lv__qemu_remove_dom(st, d);
            free(name);
            return NULL;
        }
        set_inactive(st, d, name);
        free(name);
        return d;
    }
    bool new_run = d->id != s.id || !d->live_def;
    if (new_run) {
        char *xpath = lv__qemu_path(st->paths.run, name, ".xml");
        char *xml = NULL;
        size_t len;
        lv_domain_def *live = NULL;
        if (lv_file_read_all(xpath, &xml, &len, NULL) == 0)
            live = lv_domain_def_parse_xml(xml, 0, NULL);
        free(xml);
        free(xpath);
        if (live) {
            lv__qemu_fold_status(live, &s); /* the monitor's findings (qemu_setup.c) */
            lv_domain_def_free(d->live_def);
            d->live_def = live;
        } else if (!d->live_def) {
            d->live_def = d->persistent_def ? lv_domain_def_copy(d->persistent_def) : NULL;
        }
        if (!d->live_def) {
            lv__qemu_status_clear(&s);
            free(name);
            return d;
        }
        d->override = false;
    }
    lv__qemu_status_clear(&d->status);
    d->status = s;
    d->id = s.id;
    if (d->override && s.seq <= d->override_seq) {
        d->state = d->override_state;
        d->reason = d->override_reason;
    } else {
        d->override = false;
        d->state = s.state;
        d->reason = s.reason;
    }
    free(name);
    return d;
}

/* ---- scanning ----------------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix, size_t *base_len)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n <= m || strcmp(s + n - m, suffix) != 0)
        return false;
    *base_len = n - m;
    return true;
}

static lv_domain_def *read_def(const char *path)
{
    char *xml = NULL;
    size_t len;
    if (lv_file_read_all(path, &xml, &len, NULL) < 0)
        return NULL;
    lv_domain_def *def = lv_domain_def_parse_xml(xml, 0, NULL);
    free(xml);
    return def;
}

/* Domains of which only the name is known during a scan. */
static lv__qemu_dom *find_by_file_name(lv__qemu_state *st, const char *name)
{
    return lv__qemu_find_name(st, name);
}

static void scan_config(lv__qemu_state *st)
{
    DIR *dir = opendir(st->paths.config);
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t blen;
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".xml", &blen))
            continue;
        char *name = lv_strndup(e->d_name, blen);
        char *path = lv_asprintf("%s/%s", st->paths.config, e->d_name);
        struct stat sb;
        if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
            free(name);
            free(path);
            continue;
        }
        long long mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
        lv__qemu_dom *d = find_by_file_name(st, name);
        if (d && d->persistent_def && d->cfg_mtime_ns == mtime &&
            d->cfg_size == (long long)sb.st_size && d->cfg_ino == (unsigned long long)sb.st_ino) {
            d->seen = true;
        } else {
            lv_domain_def *def = read_def(path);
            /* A file whose name is not its domain's, or that does not parse, is
             * not a definition of this scope. */
            if (def && strcmp(def->name, name) == 0) {
                if (!d) {
                    d = LV_NEW(lv__qemu_dom);
                    d->id = -1;
                    d->state = LV_DOMAIN_SHUTOFF;
                    lv__qemu_add_dom(st, d);
                }
                lv_domain_def_free(d->persistent_def);
                d->persistent_def = def;
                d->cfg_mtime_ns = mtime;
                d->cfg_size = (long long)sb.st_size;
                d->cfg_ino = (unsigned long long)sb.st_ino;
                d->seen = true;
            } else {
                lv_domain_def_free(def);
            }
        }
        if (d && d->seen) {
            char *link = lv_asprintf("%s/%s", st->paths.autostart, e->d_name);
            struct stat lb;
            d->autostart = lstat(link, &lb) == 0;
            free(link);
        }
        free(name);
        free(path);
    }
    closedir(dir);
}

/* Transient domains: a status file without a definition in CONFIG. */
static void scan_run(lv__qemu_state *st)
{
    DIR *dir = opendir(st->paths.run);
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t blen;
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".status", &blen))
            continue;
        char *name = lv_strndup(e->d_name, blen);
        lv__qemu_dom *d = find_by_file_name(st, name);
        if (d) {
            d->seen = true;
        } else {
            char *xpath = lv__qemu_path(st->paths.run, name, ".xml");
            lv_domain_def *def = read_def(xpath);
            free(xpath);
            if (def && strcmp(def->name, name) == 0) {
                d = LV_NEW(lv__qemu_dom);
                d->id = -1;
                d->live_def = def;
                d->seen = true;
                lv__qemu_add_dom(st, d);
            } else {
                lv_domain_def_free(def);
            }
        }
        free(name);
    }
    closedir(dir);
}

/* One domain by its name: CONFIG/NAME.xml (reparsed only when it changed), its
 * autostart link and its runtime files, as a full scan would see them; the
 * other domains of the table are left as they are. */
lv__qemu_dom *lv__qemu_scan_name(lv__qemu_state *st, const char *name)
{
    if (!*name || name[0] == '.' || strchr(name, '/')) {
        /* Not a file name of this scope: whatever a full scan finds. */
        lv__qemu_scan(st, NULL);
        return lv__qemu_find_name(st, name);
    }
    lv__qemu_dom *d = lv__qemu_find_name(st, name);
    char *path = lv__qemu_path(st->paths.config, name, ".xml");
    struct stat sb;
    bool have_cfg = false;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
        long long mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
        if (d && d->persistent_def && d->cfg_mtime_ns == mtime &&
            d->cfg_size == (long long)sb.st_size && d->cfg_ino == (unsigned long long)sb.st_ino) {
            have_cfg = true;
        } else {
            lv_domain_def *def = read_def(path);
            if (def && strcmp(def->name, name) == 0) {
                if (!d) {
                    d = LV_NEW(lv__qemu_dom);
                    d->id = -1;
                    d->state = LV_DOMAIN_SHUTOFF;
                    lv__qemu_add_dom(st, d);
                }
                lv_domain_def_free(d->persistent_def);
                d->persistent_def = def;
                d->cfg_mtime_ns = mtime;
                d->cfg_size = (long long)sb.st_size;
                d->cfg_ino = (unsigned long long)sb.st_ino;
                have_cfg = true;
            } else {
                lv_domain_def_free(def);
            }
        }
    }
    free(path);
    if (have_cfg) {
        char *link = lv__qemu_path(st->paths.autostart, name, ".xml");
        struct stat lb;
        d->autostart = lstat(link, &lb) == 0;
        free(link);
    } else if (d && d->persistent_def) {
        /* Undefined by another shell: it may still run, as transient. */
        lv_domain_def_free(d->persistent_def);
        d->persistent_def = NULL;
        d->autostart = false;
        if (!d->live_def) {
            lv__qemu_remove_dom(st, d);
            d = NULL;
        }
    }
    if (!d) {
        /* A transient domain: a status file without a definition in CONFIG. */
        char *spath = lv__qemu_path(st->paths.run, name, ".status");
        struct stat ss;
        bool has_status = stat(spath, &ss) == 0;
        free(spath);
        if (!has_status)
            return NULL;
        char *xpath = lv__qemu_path(st->paths.run, name, ".xml");
        lv_domain_def *def = read_def(xpath);
        free(xpath);
        if (!def || strcmp(def->name, name) != 0) {
            lv_domain_def_free(def);
            return NULL;
        }
        d = LV_NEW(lv__qemu_dom);
        d->id = -1;
        d->live_def = def;
        lv__qemu_add_dom(st, d);
    }
    return lv__qemu_refresh(st, d);
}

lv__qemu_dom *lv__qemu_scan_uuid(lv__qemu_state *st, const unsigned char *uuid)
{
    lv__qemu_dom *d = lv__qemu_find_uuid(st, uuid);
    if (d) {
        char *name = lv_strdup(lv__qemu_dom_def(d)->name);
        d = lv__qemu_scan_name(st, name);
        free(name);
        if (d && memcmp(lv__qemu_dom_def(d)->uuid, uuid, LV_UUID_LEN) == 0)
            return d;
    }
    /* Unknown here, renamed or undefined by another shell: read everything. */
    lv__qemu_scan(st, NULL);
    return lv__qemu_find_uuid(st, uuid);
}

int lv__qemu_scan(lv__qemu_state *st, lv_error *err)
{
    (void)err;
    for (size_t i = 0; i < st->ndoms; i++)
        st->doms[i]->seen = false;
    scan_config(st);
    scan_run(st);
    /* What is in no file any more: undefined (or ended) by another shell. A
     * persistent domain whose file went away keeps running as transient. */
    for (size_t i = 0; i < st->ndoms;) {
        lv__qemu_dom *d = st->doms[i];
        if (!d->seen && d->persistent_def) {
            lv_domain_def_free(d->persistent_def);
            d->persistent_def = NULL;
            d->autostart = false;
            if (!d->live_def) {
                lv__qemu_remove_dom(st, d);
                continue;
            }
        }
        i++;
    }
    for (size_t i = 0; i < st->ndoms;) {
        if (lv__qemu_refresh(st, st->doms[i]))
            i++;
    }
    return 0;
}
