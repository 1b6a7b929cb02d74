/* The storage driver and domains: whether a running domain uses a volume
 * (asked through the domain entry points: a running domain's disks are in
 * its live XML), and the resolution of <source pool='P' volume='V'/> disks
 * at domain start. */
#include "storage_driver.h"
#include "storage_priv.h"
#include "storage_qemu_img.h"
#include "storage_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "conf/domain_conf.h"
#include "core/alloc.h"
#include "core/names.h"

/* ---- in use ------------------------------------------------------------- */

/* A running domain's image that may sit on a backing chain. */
typedef struct chain_top {
    char *path;
    char *domain;
} chain_top;

typedef struct inuse_job {
    lv_conn *conn;
    char *pool;
    char *vol_name;
    char *vol_path;
    char *vol_real; /* realpath of vol_path, or NULL */
    const char *op;
    lv_domain_list *doms;
    size_t next;
    chain_top *tops;
    size_t ntops, next_top;
    char **argv;
    lv_done_cb cb;
    void *opaque;
} inuse_job;

static void inuse_finish(inuse_job *job, const lv_error *err)
{
    lv_error copy;
    if (err) {
        copy = *err;
        err = &copy;
    }
    lv_done_cb cb = job->cb;
    void *opaque = job->opaque;
    lv_domain_list_free(job->doms);
    for (size_t i = 0; i < job->ntops; i++) {
        free(job->tops[i].path);
        free(job->tops[i].domain);
    }
    free(job->tops);
    lv__storage_argv_free(job->argv);
    free(job->pool);
    free(job->vol_name);
    free(job->vol_path);
    free(job->vol_real);
    free(job);
    cb(opaque, err);
}

static int in_use(inuse_job *job, const char *domain, const char *how)
{
    lv_error uerr;
    lv_error_set(&uerr, LV_ERR_OPERATION_INVALID,
                 "volume '%s' of pool '%s' is in use by running domain '%s'%s and cannot be %s",
                 job->vol_name, job->pool, domain, how, job->op);
    inuse_finish(job, &uerr);
    return -1;
}

static bool streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* path names the volume, directly or through a symlink or "..". */
static bool same_file(const inuse_job *job, const char *path)
{
    if (streq(path, job->vol_path))
        return true;
    if (!job->vol_real || !path)
        return false;
    char *real = realpath(path, NULL);
    bool same = streq(real, job->vol_real);
    free(real);
    return same;
}

/* Does the live XML of a domain name the volume? Its other non-raw images
 * are kept to look at their backing chains. A definition that does not
 * parse counts as using it when its text holds the path: refusing is the
 * safe side. */
static bool xml_uses(inuse_job *job, const char *xml, const char *domain)
{
    lv_domain_def *def = lv_domain_def_parse_xml(xml, 0, NULL);
    if (!def) {
        char *quoted = lv_asprintf("'%s'", job->vol_path);
        bool found = strstr(xml, quoted) != NULL;
        free(quoted);
        return found;
    }
    bool used = false;
    for (size_t i = 0; i < def->ndisks && !used; i++) {
        const lv_disk_def *d = &def->disks[i];
        const char *path = d->source_file ? d->source_file : d->source_dev;
        used = same_file(job, path) ||
               (streq(d->source_pool, job->pool) && streq(d->source_volume, job->vol_name));
        if (!used && path && d->driver_type && strcmp(d->driver_type, "raw")) {
            job->tops = lv_realloc(job->tops, (job->ntops + 1) * sizeof(*job->tops));
            job->tops[job->ntops].path = lv_strdup(path);
            job->tops[job->ntops].domain = lv_strdup(domain);
            job->ntops++;
        }
    }
    lv_domain_def_free(def);
    return used;
}

static void chain_next(inuse_job *job);

/* `qemu-img info --backing-chain` of one image: is the volume below it? */
static void chain_done(void *opaque, const lv__storage_run_result *res)
{
    inuse_job *job = opaque;
    const chain_top *top = &job->tops[job->next_top - 1];
    lv__storage_argv_free(job->argv);
    job->argv = NULL;
    if (res->status == 0) {
        json_object *arr = json_tokener_parse(res->out);
        bool found = false;
        for (size_t i = 1; arr && json_object_is_type(arr, json_type_array) &&
                           i < json_object_array_length(arr) && !found;
             i++) {
            json_object *img = json_object_array_get_idx(arr, i), *fn;
            if (json_object_object_get_ex(img, "filename", &fn))
                found = same_file(job, json_object_get_string(fn));
        }
        json_object_put(arr);
        if (found) {
            char *how = lv_asprintf(" (as the backing store of '%s')", top->path);
            in_use(job, top->domain, how);
            free(how);
            return;
        }
    }
    /* An image qemu-img cannot read has no chain we could break. */
    chain_next(job);
}

static void chain_next(inuse_job *job)
{
    if (job->next_top >= job->ntops) {
        inuse_finish(job, NULL);
        return;
    }
    const chain_top *top = &job->tops[job->next_top++];
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, LV_QEMU_IMG);
    lv__storage_argv_add(&a, "info");
    lv__storage_argv_add(&a, "--backing-chain");
    lv__storage_argv_add(&a, "--output=json");
    lv__storage_argv_add(&a, "-U");
    lv__storage_argv_add(&a, top->path);
    job->argv = lv__storage_argv_steal(&a);
    lv__storage_run(job->conn->loop, job->argv, NULL, NULL, 0, chain_done, job);
}

static void inuse_next(inuse_job *job);

static void inuse_got_xml(void *opaque, char *xml, const lv_error *err)
{
    inuse_job *job = opaque;
    const char *domain = job->doms->items[job->next - 1].name;
    /* A domain that stopped meanwhile (err) no longer uses anything. */
    if (!err && xml && xml_uses(job, xml, domain)) {
        free(xml);
        in_use(job, domain, "");
        return;
    }
    free(xml);
    inuse_next(job);
}

static void inuse_next(inuse_job *job)
{
    if (!job->doms || job->next >= job->doms->count) {
        chain_next(job);
        return;
    }
    const lv_domain_info *d = &job->doms->items[job->next++];
    lv_domain_get_xml(job->conn, d->uuid, 0, inuse_got_xml, job);
}

static void inuse_listed(void *opaque, lv_domain_list *list, const lv_error *err)
{
    inuse_job *job = opaque;
    if (err) {
        lv_error lerr;
        lv_error_set(&lerr, err->code, "cannot tell whether volume '%s' of pool '%s' is in use: %s",
                     job->vol_name, job->pool, err->message);
        inuse_finish(job, &lerr);
        return;
    }
    job->doms = list;
    inuse_next(job);
}

void lv__vol_check_unused(lv_conn *c, const char *pool, const lv_vol_def *vol, const char *op,
                          lv_done_cb cb, void *opaque)
{
    inuse_job *job = LV_NEW(inuse_job);
    job->conn = c;
    job->pool = lv_strdup(pool);
    job->vol_name = lv_strdup(vol->name);
    job->vol_path = lv_strdup(vol->target_path);
    job->vol_real = vol->target_path ? realpath(vol->target_path, NULL) : NULL;
    job->op = op;
    job->cb = cb;
    job->opaque = opaque;
    if (!c->driver->domain || !c->driver->domain->list) { /* no domains: nothing uses it */
        inuse_finish(job, NULL);
        return;
    }
    lv_domain_list_all(c, LV_LIST_ACTIVE, inuse_listed, job);
}

/* ---- resolution at domain start ----------------------------------------- */

/* The image format from the first bytes, as the start of a guest needs it;
 * anything unrecognised is raw. */
static const char *probe_format(const char *path)
{
    unsigned char head[72] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return "raw";
    ssize_t n = read(fd, head, sizeof(head));
    close(fd);
    if (n >= 4 && !memcmp(head, "QFI\xfb", 4))
        return "qcow2";
    if (n >= 4 && !memcmp(head, "QED\0", 4))
        return "qed";
    if (n >= 4 && !memcmp(head, "KDMV", 4))
        return "vmdk";
    if (n >= 8 && !memcmp(head, "vhdxfile", 8))
        return "vhdx";
    if (n >= 68 && head[64] == 0x7f && head[65] == 0x10 && head[66] == 0xda && head[67] == 0xbe)
        return "vdi";
    return "raw";
}

int lv_storage_resolve_volume(lv_conn *c, const char *pool, const char *volume, char **path,
                              char **format, lv_error *err)
{
    *path = NULL;
    *format = NULL;
    const char *p = pool ? pool : "", *v = volume ? volume : "";
    if (!c->driver->storage || !c->scope.storage_config)
        return lv_error_set(err, LV_ERR_NO_SUPPORT,
                            "disk volume '%s' of pool '%s': the %s driver has no storage pools",
                            v, p, c->driver->name);
    lv_error sub;
    if (!pool || !*pool || !volume || !*volume)
        return lv_error_set(err, LV_ERR_XML,
                            "a disk of type 'volume' needs <source pool='...' volume='...'/>");
    if (lv_name_validate("volume", volume, &sub) < 0)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "disk of pool '%s': %s", p, sub.message);
    lv__pool_rec rec;
    if (lv__pool_load(c, LV_LOOKUP_NAME, pool, &rec, &sub) < 0)
        return lv_error_set(err, sub.code, "disk volume '%s': %s", v, sub.message);
    int rc = -1;
    const lv__storage_backend *b = lv__storage_backend_find(lv__pool_rec_def(&rec)->type);
    if (!rec.live) {
        lv_error_set(err, LV_ERR_OPERATION_INVALID,
                     "disk volume '%s': storage pool '%s' is not active", v, p);
    } else if (!b || !b->vol_path) {
        lv_error_set(err, LV_ERR_NO_SUPPORT, "disk volume '%s': pool type '%s' is not supported",
                     v, rec.live->type);
    } else {
        lv__storage_pool sp = {.conn = c, .def = rec.live, .backend = b, .active = true};
        char *vpath = b->vol_path(&sp, volume);
        struct stat sb;
        if (stat(vpath, &sb) < 0) {
            lv_error_set(err, LV_ERR_NO_VOLUME,
                         "storage volume not found: no volume '%s' in pool '%s'", v, p);
            free(vpath);
        } else {
            *path = vpath;
            *format = lv_strdup(S_ISBLK(sb.st_mode) ? "raw" : probe_format(vpath));
            rc = 0;
        }
    }
    lv__pool_rec_clear(&rec);
    return rc;
}

int lv_storage_resolve_disks(lv_conn *c, lv_domain_def *def, lv_error *err)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        lv_disk_def *d = &def->disks[i];
        if (!d->type || strcmp(d->type, "volume"))
            continue;
        const char *dev = d->target_dev ? d->target_dev : "";
        char *path = NULL, *format = NULL;
        lv_error sub;
        if (lv_storage_resolve_volume(c, d->source_pool, d->source_volume, &path, &format,
                                      &sub) < 0)
            return lv_error_set(err, sub.code, "disk '%s': %s", dev, sub.message);
        /* The disk's own driver type wins. Without one, a format read from
         * the image is not trusted (a guest can write a qcow2 header naming
         * a host file as backing store into its raw disk): raw, as any disk
         * without a type, and anything else is refused. */
        if (!d->driver_type && strcmp(format, "raw")) {
            lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                         "disk '%s': volume '%s' of pool '%s' holds a %s image: say <driver "
                         "type='%s'/> (luvirt does not take a format from the image itself)",
                         dev, d->source_volume, d->source_pool, format, format);
            free(format);
            free(path);
            return -1;
        }
        if (!d->driver_type)
            d->driver_type = format;
        else
            free(format);
        struct stat sb;
        bool block = stat(path, &sb) == 0 && S_ISBLK(sb.st_mode);
        free(d->type);
        d->type = lv_strdup(block ? "block" : "file");
        free(block ? d->source_dev : d->source_file);
        if (block)
            d->source_dev = path;
        else
            d->source_file = path;
        free(d->source_pool);
        free(d->source_volume);
        free(d->source_mode);
        d->source_pool = d->source_volume = d->source_mode = NULL;
    }
    return 0;
}
