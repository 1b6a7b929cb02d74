/* The fs and logical pool operations (storage_fs_pool.c,
 * storage_logical_pool.c) straight on loop devices this test makes, below
 * the driver: what they leave on the host after success and after each
 * refusal or failure. Needs root and loop devices (skipped, 77, with the
 * reason printed, without); the lvm2 part needs lvm2's tools. Every loop
 * device, mount and VG is taken down at the end, also after a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "core/alloc.h"
#include "core/files.h"
#include "storage.h"
#include "storage/storage_fs_cmd.h"
#include "storage/storage_fs_pool.h"
#include "storage/storage_logical_pool.h"

#define SKIP 77

static char root[64];
static char loops[3][64]; /* made by setup, detached by teardown */
static char vg[32];

/* ---- host helpers (the test's own, synchronous) -------------------------- */

/* Runs argv; returns its exit status; its stdout into out (when given). */
static int sh(char *out, size_t size, const char *const *argv)
{
    int pipefd[2];
    if (pipe(pipefd) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(pipefd[1], 1);
        dup2(null, 2);
        close(pipefd[0]);
        setenv("LVM_SUPPRESS_FD_WARNINGS", "1", 1);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(pipefd[1]);
    size_t used = 0;
    char buf[4096];
    ssize_t n;
    while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) {
        if (out && used + (size_t)n < size) {
            memcpy(out + used, buf, (size_t)n);
            used += (size_t)n;
        }
    }
    if (out)
        out[used] = '\0';
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

#define SH(...) sh(NULL, 0, (const char *const[]){__VA_ARGS__, NULL})

static char *blkid_type(const char *dev)
{
    char out[1024];
    sh(out, sizeof(out), (const char *const[]){"blkid", "-p", "-o", "export", dev, NULL});
    return lv__fs_blkid_type(out);
}

static bool mounted(const char *target)
{
    char *info = NULL, *source = NULL;
    assert_int_equal(lv_file_read_all("/proc/self/mountinfo", &info, NULL, NULL), 0);
    int found = lv__fs_mountinfo_find(info, target, &source);
    free(info);
    free(source);
    return found == 1;
}

static bool is_pv(const char *dev)
{
    return SH("pvs", dev) == 0;
}

static bool vg_exists(const char *name)
{
    return SH("vgs", name) == 0;
}

/* ---- running one operation ------------------------------------------------ */

static uv_loop_t loop;
static bool finished;
static lv_error last;

static void on_done(void *opaque, const lv_error *err)
{
    (void)opaque;
    assert_false(finished);
    finished = true;
    if (err)
        lv_error_copy(&last, err);
    else
        lv_error_clear(&last);
}

/* Runs the loop until the operation started by the caller completes; the
 * error message or NULL. */
static const char *wait_done(void)
{
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_true(finished);
    finished = false;
    if (last.code != LV_ERR_NONE)
        printf("  -> %s\n", last.message);
    return last.code == LV_ERR_NONE ? NULL : last.message;
}

/* ---- fs ---------------------------------------------------------------------- */

static void test_fs(void **state)
{
    (void)state;
    char target[128], foreign_target[128];
    snprintf(target, sizeof(target), "%s/fsp", root);
    snprintf(foreign_target, sizeof(foreign_target), "%s/fsforeign", root);
    lv__fs_pool p = {.name = "fsp", .device = loops[0], .format = "ext4", .target = target};

    lv__fs_build(&loop, &p, 0, on_done, NULL); /* as libvirt: only the directory */
    assert_null(wait_done());
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_null(blkid_type(loops[0]));

    lv__fs_build(&loop, &p, LV_POOL_BUILD_NO_OVERWRITE, on_done, NULL);
    assert_null(wait_done());
    char *type = blkid_type(loops[0]);
    assert_string_equal(type, "ext4");
    free(type);

    lv__fs_start(&loop, &p, on_done, NULL);
    assert_null(wait_done());
    assert_true(mounted(target));
    assert_int_equal(lv__fs_is_mounted(&p, NULL), 1);
    lv__fs_start(&loop, &p, on_done, NULL); /* mounted from this device: started */
    assert_null(wait_done());

    /* no mkfs under a mounted filesystem */
    lv__fs_build(&loop, &p, LV_POOL_BUILD_OVERWRITE, on_done, NULL);
    assert_non_null(strstr(wait_done(), "is mounted"));
    assert_true(mounted(target));

    lv__fs_stop(&loop, &p, on_done, NULL);
    assert_null(wait_done());
    assert_false(mounted(target));
    lv__fs_stop(&loop, &p, on_done, NULL); /* not mounted: nothing to do */
    assert_null(wait_done());

    /* something else mounted on the target: start refuses, stop leaves it */
    assert_int_equal(SH("mount", "-t", "tmpfs", "-o", "size=1m", "lvtest", target), 0);
    lv__fs_start(&loop, &p, on_done, NULL);
    assert_non_null(strstr(wait_done(), "is already a mount point (of lvtest)"));
    assert_int_equal(lv__fs_is_mounted(&p, NULL), 0);
    lv__fs_stop(&loop, &p, on_done, NULL);
    assert_null(wait_done());
    assert_true(mounted(target));
    assert_int_equal(SH("umount", target), 0);

    /* the target vanished */
    assert_int_equal(rmdir(target), 0);
    lv__fs_start(&loop, &p, on_done, NULL);
    assert_non_null(strstr(wait_done(), "does not exist (pool-build makes it)"));
    assert_false(mounted(target));

    /* a foreign filesystem: refused, the device untouched, the new directory removed */
    assert_int_equal(SH("mkfs.ext2", "-q", "-F", loops[1]), 0);
    lv__fs_pool f = {
        .name = "fsforeign", .device = loops[1], .format = "ext4", .target = foreign_target};
    lv__fs_build(&loop, &f, LV_POOL_BUILD_NO_OVERWRITE, on_done, NULL);
    assert_non_null(strstr(wait_done(), "already holds a filesystem (ext2); pool-build "
                                        "--overwrite replaces it"));
    type = blkid_type(loops[1]);
    assert_string_equal(type, "ext2");
    free(type);
    assert_int_equal(access(foreign_target, F_OK), -1);
    /* mount -t ext4 of the wrong superblock fails with mount's own words */
    assert_int_equal(mkdir(foreign_target, 0755), 0);
    f.format = "xfs";
    lv__fs_start(&loop, &f, on_done, NULL);
    assert_non_null(strstr(wait_done(), "pool 'fsforeign': mount failed: mount: "));
    assert_false(mounted(foreign_target));
    f.format = "ext4";
    lv__fs_build(&loop, &f, LV_POOL_BUILD_OVERWRITE, on_done, NULL);
    assert_null(wait_done());
    type = blkid_type(loops[1]);
    assert_string_equal(type, "ext4");
    free(type);

    /* bad definitions are refused before any tool runs */
    lv__fs_pool bad = p;
    bad.format = "ntfs";
    lv__fs_start(&loop, &bad, on_done, NULL);
    assert_non_null(strstr(wait_done(), "format 'ntfs' is not supported"));
    bad = p;
    bad.device = "relative/dev";
    lv__fs_build(&loop, &bad, 0, on_done, NULL);
    assert_non_null(strstr(wait_done(), "absolute path"));
}

/* An image file is mounted through a loop device the kernel frees at umount. */
static void test_fs_image_file(void **state)
{
    (void)state;
    char img[128], target[128], out[512];
    snprintf(img, sizeof(img), "%s/fs.img", root);
    snprintf(target, sizeof(target), "%s/fsimg", root);
    int fd = open(img, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 32 << 20), 0);
    close(fd);
    lv__fs_pool p = {.name = "fsimg", .device = img, .format = NULL, .target = target};
    lv__fs_build(&loop, &p, LV_POOL_BUILD_NO_OVERWRITE, on_done, NULL);
    assert_null(wait_done());
    lv__fs_start(&loop, &p, on_done, NULL);
    assert_null(wait_done());
    assert_true(mounted(target));
    lv__fs_start(&loop, &p, on_done, NULL); /* its loop device is recognised as the image */
    assert_null(wait_done());
    lv__fs_stop(&loop, &p, on_done, NULL);
    assert_null(wait_done());
    assert_false(mounted(target));
    sh(out, sizeof(out), (const char *const[]){"losetup", "--associated", img, NULL});
    assert_string_equal(out, "");
}

/* ---- logical --------------------------------------------------------------- */

static void on_refresh(void *opaque, lv__logical_state *found, const lv_error *err)
{
    lv__logical_state *into = opaque;
    on_done(NULL, err);
    if (found) {
        *into = *found;
        free(found);
    }
}

static void test_logical(void **state)
{
    (void)state;
    if (access("/sbin/lvm", X_OK) != 0 && access("/usr/sbin/lvm", X_OK) != 0)
        skip();
    char *devs[] = {loops[0], loops[2]};
    lv__logical_pool p = {.name = "lvp", .vg = vg, .devices = devs, .n_devices = 2};
    /* loops[0] holds the fs test's ext4: refused, nothing made on either device */
    lv__logical_build(&loop, &p, 0, on_done, NULL);
    assert_non_null(strstr(wait_done(), "already holds a filesystem (ext4)"));
    assert_false(is_pv(loops[0]) || is_pv(loops[2]) || vg_exists(vg));

    /* a VG of that name exists already: vgcreate fails after the PVs were made,
     * and the PVs are taken back */
    char other[40];
    snprintf(other, sizeof(other), "%s", vg);
    assert_int_equal(SH("vgcreate", "--yes", other, loops[1]), 0);
    lv__logical_build(&loop, &p, LV_POOL_BUILD_OVERWRITE, on_done, NULL);
    assert_non_null(strstr(wait_done(), "vgcreate failed: "));
    assert_false(is_pv(loops[0]) || is_pv(loops[2]));
    assert_int_equal(SH("vgremove", "-f", other), 0);
    assert_int_equal(SH("pvremove", loops[1]), 0);

    lv__logical_build(&loop, &p, LV_POOL_BUILD_OVERWRITE, on_done, NULL);
    assert_null(wait_done());
    assert_true(is_pv(loops[0]) && is_pv(loops[2]) && vg_exists(vg));
    lv__logical_start(&loop, &p, on_done, NULL);
    assert_null(wait_done());

    lv__logical_state found = {0};
    lv__logical_refresh(&loop, &p, on_refresh, &found);
    assert_null(wait_done());
    /* two 64 MiB PVs, minus lvm2's metadata: between 100 and 128 MiB */
    assert_true(found.vg.size > (100u << 20) && found.vg.size <= (128u << 20));
    assert_int_equal(found.vg.free, found.vg.size);
    assert_int_equal(found.lvs.count, 0);
    lv__logical_state_clear(&found);

    lv__logical_vol_create(&loop, &p, "disk", "qcow2", 8 << 20, on_done, NULL);
    assert_non_null(strstr(wait_done(), "volume format 'qcow2' is not supported in a logical "
                                        "pool"));
    lv__logical_vol_create(&loop, &p, "../disk", NULL, 8 << 20, on_done, NULL);
    assert_non_null(strstr(wait_done(), "invalid volume name '../disk'"));
    lv__logical_vol_resize(&loop, &p, "disk", 16 << 20, 8 << 20, 0, on_done, NULL);
    assert_non_null(strstr(wait_done(), "--shrink"));

    lv__logical_stop(&loop, &p, on_done, NULL);
    assert_null(wait_done());
    lv__logical_delete(&loop, &p, on_done, NULL);
    assert_null(wait_done());
    assert_false(is_pv(loops[0]) || is_pv(loops[2]) || vg_exists(vg));

    /* a VG that is not there */
    lv__logical_start(&loop, &p, on_done, NULL);
    assert_non_null(strstr(wait_done(), "pool 'lvp': vgchange failed: Volume group"));
    lv__logical_stop(&loop, &p, on_done, NULL); /* nothing left to deactivate: stopped */
    assert_null(wait_done());
}

/* ---- setup ------------------------------------------------------------------- */

static void teardown_host(void)
{
    char info[1 << 16];
    /* whatever a failed test left: mounts under the root, the VG, the loops */
    for (int i = 0; i < 8; i++) {
        FILE *f = fopen("/proc/self/mountinfo", "r");
        bool any = false;
        char line[1024];
        while (f && fgets(line, sizeof(line), f)) {
            char point[512];
            if (sscanf(line, "%*s %*s %*s %*s %511s", point) == 1 &&
                strncmp(point, root, strlen(root)) == 0) {
                printf("  cleaning up a mount on %s\n", point);
                SH("umount", "-l", point);
                any = true;
            }
        }
        if (f)
            fclose(f);
        if (!any)
            break;
    }
    if (vg[0] && vg_exists(vg)) {
        printf("  cleaning up the VG %s\n", vg);
        SH("vgremove", "-f", vg);
    }
    for (int i = 0; i < 3; i++) {
        if (!loops[i][0])
            continue;
        if (is_pv(loops[i]))
            SH("pvremove", "-ff", "-y", loops[i]);
        SH("losetup", "-d", loops[i]);
    }
    sh(info, sizeof(info),
       (const char *const[]){"losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE",
                             NULL});
    for (char *line = strtok(info, "\n"); line; line = strtok(NULL, "\n")) {
        char name[64], file[512];
        if (sscanf(line, "%63s %511s", name, file) == 2 && strncmp(file, root, strlen(root)) == 0) {
            printf("  cleaning up %s on %s\n", name, file);
            SH("losetup", "-d", name);
        }
    }
    char *rm[] = {"rm", "-rf", root, NULL};
    SH(rm[0], rm[1], rm[2]);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("skipped: needs root (losetup, mount, lvm2)\n");
        return SKIP;
    }
    snprintf(root, sizeof(root), "/tmp/lvhost-XXXXXX");
    if (!mkdtemp(root))
        return 1;
    snprintf(vg, sizeof(vg), "lvt%dhost", (int)getpid());
    for (int i = 0; i < 3; i++) {
        char img[128], out[64];
        snprintf(img, sizeof(img), "%s/dev%d.img", root, i);
        int fd = open(img, O_CREAT | O_WRONLY, 0600);
        if (fd < 0 || ftruncate(fd, 64 << 20) < 0)
            return 1;
        close(fd);
        if (sh(out, sizeof(out), (const char *const[]){"losetup", "--find", "--show", img, NULL}) !=
            0) {
            printf("skipped: this machine cannot make loop devices (losetup failed)\n");
            teardown_host();
            return SKIP;
        }
        out[strcspn(out, "\n")] = '\0';
        snprintf(loops[i], sizeof(loops[i]), "%s", out);
    }
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fs),
        cmocka_unit_test(test_fs_image_file),
        cmocka_unit_test(test_logical),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    uv_loop_close(&loop);
    teardown_host();
    return failed ? 1 : 0;
}
