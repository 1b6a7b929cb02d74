/* Long volume operations that move bytes: vol-upload, vol-download and
 * vol-wipe. The bytes move in 1 MiB chunks through libuv's file requests
 * (the loop never waits on the disk), reporting progress after each chunk;
 * a download that keeps zeros moves 64 MiB at a time with uv_fs_sendfile
 * (copy_file_range on Linux: the kernel copies, nothing passes through our
 * buffer).
 *
 * Nothing is left half-done: an upload into a file volume is written to a
 * hidden file in the pool's folder and renamed over the volume only when
 * complete (a full disk leaves the volume as it was); a download is written
 * next to its destination and renamed into place. Block volumes and ranged
 * uploads (offset > 0) can only be written in place. */
#include "storage_vol_job.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "storage_qemu_img.h"
#include "storage_run.h"

#define CHUNK (1u << 20)
#define DIRECT_CHUNK (64u << 20)

/* ---- the copy loop ------------------------------------------------------- */

/* job->fd (or zeros when wiping: fd < 0) from job->offset, into job->out_fd
 * at job->out_offset, job->total bytes (0 and fd >= 0: up to the end of the
 * source). Sparse: chunks of zeros are skipped, not written. */
struct copy_state {
    bool sparse;
    bool direct; /* file to file in the kernel (uv_fs_sendfile), from out_offset 0 */
    size_t chunk_len, written;
    const char *what; /* for messages: "vol-upload of volume 'v' of pool 'p'" */
    void (*after)(vol_job *job, const lv_error *err);
};
typedef struct copy_state copy_state;

static copy_state *state_of(vol_job *job)
{
    return job->copy;
}

static void copy_read(vol_job *job);

static void copy_fail(vol_job *job, int uv_err, const char *doing)
{
    copy_state *cs = state_of(job);
    lv_error err;
    if (uv_err == UV_ENOSPC)
        lv_error_set(&err, LV_ERR_OPERATION_FAILED, "%s: %s failed: no space left on the device",
                     cs->what, doing);
    else
        lv_error_set(&err, LV_ERR_SYSTEM, "%s: %s failed: %s", cs->what, doing,
                     uv_strerror(uv_err));
    cs->after(job, &err);
}

static bool all_zero(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i])
            return false;
    return true;
}

static void chunk_done(vol_job *job, size_t n)
{
    job->offset += n;
    job->out_offset += n;
    job->done += n;
    if (job->progress)
        job->progress(job->opaque, job->done, job->total ? job->total : job->done);
    copy_read(job);
}

static void copy_written(uv_fs_t *req)
{
    vol_job *job = req->data;
    copy_state *cs = state_of(job);
    ssize_t res = req->result;
    uv_fs_req_cleanup(req);
    if (res < 0) {
        copy_fail(job, (int)res, "writing");
        return;
    }
    cs->written += (size_t)res;
    if (cs->written < cs->chunk_len) { /* a short write: the rest */
        uv_buf_t b = uv_buf_init(job->buf + cs->written, (unsigned)(cs->chunk_len - cs->written));
        uv_fs_write(job->conn->loop, &job->req, job->out_fd, &b, 1,
                    (int64_t)(job->out_offset + cs->written), copy_written);
        return;
    }
    chunk_done(job, cs->chunk_len);
}

static void copy_write(vol_job *job, size_t n)
{
    copy_state *cs = state_of(job);
    cs->chunk_len = n;
    cs->written = 0;
    if (cs->sparse && all_zero(job->buf, n)) {
        chunk_done(job, n);
        return;
    }
    uv_buf_t b = uv_buf_init(job->buf, (unsigned)n);
    job->req.data = job;
    uv_fs_write(job->conn->loop, &job->req, job->out_fd, &b, 1, (int64_t)job->out_offset,
                copy_written);
}

static void copy_got(uv_fs_t *req)
{
    vol_job *job = req->data;
    ssize_t res = req->result;
    uv_fs_req_cleanup(req);
    if (res < 0) {
        copy_fail(job, (int)res, "reading");
        return;
    }
    if (res == 0) { /* the source ended early */
        job->total = job->done;
        state_of(job)->after(job, NULL);
        return;
    }
    copy_write(job, (size_t)res);
}

/* The kernel copied res bytes (or failed); sendfile writes at out_fd's
 * position, which the direct copy alone advances. */
static void copy_sent(uv_fs_t *req)
{
    vol_job *job = req->data;
    ssize_t res = req->result;
    uv_fs_req_cleanup(req);
    if (res < 0) {
        /* A full disk is the writing side's failure, as in the buffer copy. */
        copy_fail(job, (int)res, res == UV_ENOSPC ? "writing" : "copying");
        return;
    }
    if (res == 0) { /* the source ended early */
        job->total = job->done;
        state_of(job)->after(job, NULL);
        return;
    }
    chunk_done(job, (size_t)res);
}

static void copy_read(vol_job *job)
{
    if (state_of(job)->direct && job->fd >= 0) {
        uint64_t left = job->total ? job->total - job->done : DIRECT_CHUNK;
        if (job->total && left == 0) {
            state_of(job)->after(job, NULL);
            return;
        }
        job->req.data = job;
        uv_fs_sendfile(job->conn->loop, &job->req, job->out_fd, job->fd, (int64_t)job->offset,
                       left < DIRECT_CHUNK ? (size_t)left : DIRECT_CHUNK, copy_sent);
        return;
    }
    uint64_t left = job->total ? job->total - job->done : CHUNK;
    if (job->total && left == 0) {
        state_of(job)->after(job, NULL);
        return;
    }
    size_t n = left < CHUNK ? (size_t)left : CHUNK;
    if (job->fd < 0) { /* wiping: zeros */
        memset(job->buf, 0, n);
        copy_write(job, n);
        return;
    }
    uv_buf_t b = uv_buf_init(job->buf, (unsigned)n);
    job->req.data = job;
    uv_fs_read(job->conn->loop, &job->req, job->fd, &b, 1, (int64_t)job->offset, copy_got);
}

static void copy_start(vol_job *job, bool sparse, bool direct, const char *what,
                       void (*after)(vol_job *job, const lv_error *err))
{
    copy_state *cs = LV_NEW(copy_state);
    cs->sparse = sparse;
    cs->direct = direct && !sparse;
    cs->what = what;
    cs->after = after;
    job->copy = cs;
    if (!cs->direct)
        job->buf = lv_malloc0(CHUNK);
    job->done = 0;
    if (job->progress)
        job->progress(job->opaque, 0, job->total);
    copy_read(job);
}

/* Closes the files, frees the copy state; failed: removes job->tmp_path. */
static void transfer_cleanup(vol_job *job, bool failed)
{
    if (job->fd >= 0)
        close(job->fd);
    if (job->out_fd >= 0)
        close(job->out_fd);
    job->fd = job->out_fd = -1;
    if (failed && job->tmp_path)
        unlink(job->tmp_path);
    free(job->copy);
    job->copy = NULL;
}

/* Ends the output: its size (a sparse tail is a hole), fsync when flush;
 * -1 with err. */
static int finish_output(vol_job *job, uint64_t size, bool flush, const char *what,
                         lv_error *err)
{
    struct stat sb;
    if (fstat(job->out_fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size < size &&
        ftruncate(job->out_fd, (off_t)size) < 0)
        return lv_error_set_errno(err, errno, "%s: cannot set the size of the file", what);
    if (flush && fsync(job->out_fd) < 0)
        return errno == ENOSPC
                   ? lv_error_set(err, LV_ERR_OPERATION_FAILED,
                                  "%s: writing failed: no space left on the device", what)
                   : lv_error_set_errno(err, errno, "%s: cannot flush the file", what);
    return 0;
}

/* ---- upload ------------------------------------------------------------- */

static char *upload_what(vol_job *job)
{
    return lv_asprintf("vol-upload to volume '%s' of pool '%s'", job->vol.name,
                       job->ctx.pool.def->name);
}

static void upload_copied(vol_job *job, const lv_error *err)
{
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    char *what = upload_what(job);
    lv_error ferr;
    /* A raw file volume keeps its size when the upload was smaller. */
    uint64_t size = job->out_offset;
    if (job->tmp_path && job->vol.physical.bytes > size &&
        (!job->vol.target_format || !strcmp(job->vol.target_format, "raw")))
        size = job->vol.physical.bytes;
    int rc = finish_output(job, size, true, what, &ferr);
    if (rc == 0 && job->tmp_path && rename(job->tmp_path, job->vol.target_path) < 0)
        rc = lv_error_set_errno(&ferr, errno, "%s: cannot replace '%s'", what,
                                job->vol.target_path);
    free(what);
    if (rc < 0) {
        lv__vol_job_done(job, &ferr);
        return;
    }
    free(job->tmp_path);
    job->tmp_path = NULL; /* in place now: nothing to remove */
    lv__vol_job_done(job, NULL);
}

static void upload_unused(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    lv_error oerr;
    char *what = upload_what(job);
    job->cleanup = transfer_cleanup;
    job->fd = open(job->path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (job->fd < 0 || fstat(job->fd, &sb) < 0) {
        lv_error_set_errno(&oerr, errno, "vol-upload: cannot read '%s'", job->path);
        goto fail;
    }
    if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode)) {
        lv_error_set(&oerr, LV_ERR_INVALID_ARG, "vol-upload: '%s' is not a file", job->path);
        goto fail;
    }
    uint64_t src_size = (uint64_t)sb.st_size;
    if (job->length && job->length < src_size)
        src_size = job->length;
    uint64_t room = job->vol.capacity.bytes;
    if (job->offset > room || src_size > room - job->offset) {
        lv_error_set(&oerr, LV_ERR_INVALID_ARG,
                     "vol-upload: '%s' (%" PRIu64 " bytes) does not fit in volume '%s' of pool "
                     "'%s' (%" PRIu64 " bytes from offset %" PRIu64 ")",
                     job->path, src_size, job->vol.name, job->ctx.pool.def->name, room,
                     job->offset);
        goto fail;
    }
    job->total = src_size;
    job->out_offset = job->offset;
    job->offset = 0; /* the source is read from its start */
    bool in_place = job->out_offset > 0 || (job->vol.type && strcmp(job->vol.type, "file"));
    if (in_place) {
        job->out_fd = open(job->vol.target_path, O_WRONLY | O_CLOEXEC);
        if (job->out_fd < 0) {
            lv_error_set_errno(&oerr, errno, "%s: cannot open '%s'", what, job->vol.target_path);
            goto fail;
        }
    } else {
        job->tmp_path = lv_asprintf("%s/.%s.XXXXXX", job->ctx.pool.def->target_path,
                                    job->vol.name);
        job->out_fd = mkostemp(job->tmp_path, O_CLOEXEC);
        if (job->out_fd < 0) {
            lv_error_set_errno(&oerr, errno, "%s: cannot create a file in '%s'", what,
                               job->ctx.pool.def->target_path);
            free(job->tmp_path);
            job->tmp_path = NULL;
            goto fail;
        }
        struct stat vb;
        if (stat(job->vol.target_path, &vb) == 0) {
            fchmod(job->out_fd, vb.st_mode & 07777);
            if (fchown(job->out_fd, vb.st_uid, vb.st_gid) < 0) {
                /* Not root: the file stays ours, as the volume was. */
            }
        }
    }
    /* job->name outlives the copy; the message is kept there. */
    free(job->xml);
    job->xml = what;
    /* Skipping zeros leaves holes only in a fresh file: in place, the old
     * bytes there must be overwritten. */
    copy_start(job, (job->flags & LV_VOL_TRANSFER_SPARSE) && !in_place, false, job->xml,
               upload_copied);
    return;
fail:
    free(what);
    lv__vol_job_done(job, &oerr);
}

static void upload_go(vol_job *job)
{
    lv__vol_check_unused(job->conn, job->ctx.pool.def->name, &job->vol, "uploaded to",
                         upload_unused, job);
}

void lv__storage_vol_upload(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                            const char *path, uint64_t offset, uint64_t length, unsigned flags,
                            lv_progress_cb progress, lv_done_cb cb, void *opaque)
{
    vol_job *job = lv__vol_job_new(c, pool_uuid, name, opaque);
    job->path = lv_strdup(path);
    job->offset = offset;
    job->length = length;
    job->flags = flags;
    job->progress = progress;
    job->done_cb = cb;
    lv__vol_job_run(job, true, true, upload_go);
}

/* ---- download ----------------------------------------------------------- */

static void download_copied(vol_job *job, const lv_error *err)
{
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    lv_error ferr;
    /* Not flushed: a download writes the user's own file, and like cp (and
     * virsh's vol-download) leaves writing it back to the kernel; renamed
     * into place only when complete, so a failure leaves no partial file. */
    int rc = finish_output(job, job->out_offset, false, job->xml, &ferr);
    if (rc == 0 && rename(job->tmp_path, job->path) < 0)
        rc = lv_error_set_errno(&ferr, errno, "%s: cannot create '%s'", job->xml, job->path);
    if (rc < 0) {
        lv__vol_job_done(job, &ferr);
        return;
    }
    free(job->tmp_path);
    job->tmp_path = NULL;
    lv__vol_job_done(job, NULL);
}

static void download_go(vol_job *job)
{
    lv_error oerr;
    job->cleanup = transfer_cleanup;
    job->xml = lv_asprintf("vol-download of volume '%s' of pool '%s'", job->vol.name,
                           job->ctx.pool.def->name);
    struct stat sb;
    if (stat(job->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        lv_error_set(&oerr, LV_ERR_INVALID_ARG, "%s: '%s' exists and is not a regular file",
                     job->xml, job->path);
        goto fail;
    }
    job->fd = open(job->vol.target_path, O_RDONLY | O_CLOEXEC);
    if (job->fd < 0 || fstat(job->fd, &sb) < 0) {
        lv_error_set_errno(&oerr, errno, "%s: cannot read '%s'", job->xml, job->vol.target_path);
        goto fail;
    }
    uint64_t size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : job->vol.capacity.bytes;
    if (job->offset > size) {
        lv_error_set(&oerr, LV_ERR_INVALID_ARG,
                     "%s: offset %" PRIu64 " is past its end (%" PRIu64 " bytes)", job->xml,
                     job->offset, size);
        goto fail;
    }
    job->total = size - job->offset;
    if (job->length && job->length < job->total)
        job->total = job->length;
    char *copy = lv_strdup(job->path);
    char *dir = dirname(copy);
    char *base_copy = lv_strdup(job->path);
    job->tmp_path = lv_asprintf("%s/.%s.XXXXXX", dir, basename(base_copy));
    free(copy);
    free(base_copy);
    job->out_fd = mkostemp(job->tmp_path, O_CLOEXEC);
    if (job->out_fd < 0) {
        lv_error_set_errno(&oerr, errno, "%s: cannot create '%s'", job->xml, job->path);
        free(job->tmp_path);
        job->tmp_path = NULL;
        goto fail;
    }
    fchmod(job->out_fd, 0644 & ~0022);
    job->out_offset = 0;
    if (job->total == 0) {
        download_copied(job, NULL);
        return;
    }
    copy_start(job, job->flags & LV_VOL_TRANSFER_SPARSE, true, job->xml, download_copied);
    return;
fail:
    lv__vol_job_done(job, &oerr);
}

void lv__storage_vol_download(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                              const char *path, uint64_t offset, uint64_t length, unsigned flags,
                              lv_progress_cb progress, lv_done_cb cb, void *opaque)
{
    vol_job *job = lv__vol_job_new(c, pool_uuid, name, opaque);
    job->path = lv_strdup(path);
    job->offset = offset;
    job->length = length;
    job->flags = flags;
    job->progress = progress;
    job->done_cb = cb;
    lv__vol_job_run(job, true, true, download_go);
}

/* ---- wipe --------------------------------------------------------------- */

static void wipe_recreated(void *opaque, const lv__storage_run_result *res)
{
    vol_job *job = opaque;
    lv_error err;
    bool failed = res->status != 0;
    if (failed)
        lv__storage_run_error(&err, LV_ERR_OPERATION_FAILED, res, job->argv, job->xml);
    lv__storage_argv_free(job->argv);
    job->argv = NULL;
    lv__vol_job_done(job, failed ? &err : NULL);
}

static void wipe_copied(vol_job *job, const lv_error *err)
{
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    lv_error ferr;
    if (finish_output(job, 0, true, job->xml, &ferr) < 0) {
        lv__vol_job_done(job, &ferr);
        return;
    }
    /* Zeros are a blank raw image; any other format gets a fresh, empty
     * image of the same kind so the volume stays usable. */
    const char *fmt = job->vol.target_format;
    if (!fmt || !strcmp(fmt, "raw") || (job->vol.type && strcmp(job->vol.type, "file"))) {
        lv__vol_job_done(job, NULL);
        return;
    }
    transfer_cleanup(job, false);
    job->cleanup = NULL;
    lv_vol_def fresh = {0};
    fresh.name = job->vol.name;
    fresh.target_format = job->vol.target_format;
    fresh.capacity = job->vol.capacity;
    fresh.backing_path = job->vol.backing_path;
    fresh.backing_format = job->vol.backing_format;
    fresh.target_compat = job->vol.target_compat;
    fresh.target_lazy_refcounts = job->vol.target_lazy_refcounts;
    job->argv = lv__qemu_img_create_argv(&fresh, job->vol.target_path, 0);
    lv__storage_run(job->conn->loop, job->argv, NULL, NULL, 0, wipe_recreated, job);
}

static void wipe_unused(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    lv_error oerr;
    job->cleanup = transfer_cleanup;
    job->xml = lv_asprintf("vol-wipe of volume '%s' of pool '%s'", job->vol.name,
                           job->ctx.pool.def->name);
    job->out_fd = open(job->vol.target_path, O_WRONLY | O_CLOEXEC);
    if (job->out_fd < 0) {
        lv_error_set_errno(&oerr, errno, "%s: cannot open '%s'", job->xml, job->vol.target_path);
        lv__vol_job_done(job, &oerr);
        return;
    }
    job->fd = -1; /* zeros */
    job->total = job->vol.physical.set ? job->vol.physical.bytes : job->vol.capacity.bytes;
    job->out_offset = 0;
    if (job->total == 0) {
        wipe_copied(job, NULL);
        return;
    }
    copy_start(job, false, false, job->xml, wipe_copied);
}

static void wipe_go(vol_job *job)
{
    lv__vol_check_unused(job->conn, job->ctx.pool.def->name, &job->vol, "wiped", wipe_unused,
                         job);
}

void lv__storage_vol_wipe(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                          unsigned flags, lv_progress_cb progress, lv_done_cb cb, void *opaque)
{
    vol_job *job = lv__vol_job_new(c, pool_uuid, name, opaque);
    job->flags = flags;
    job->progress = progress;
    job->done_cb = cb;
    lv__vol_job_run(job, true, true, wipe_go);
}
