/* A disk that fills up during vol-upload: a pool on a 4 MiB tmpfs (mounted
 * in a private mount namespace, so nothing outlives the test), a sparse
 * 8 MiB volume, a 6 MiB upload. The upload fails with one clear line, the
 * partial file is removed, the volume is as it was. The same for a 6 MiB
 * download onto the tmpfs. Needs root (mount, unshare): skips (77) with
 * the reason otherwise. */
#include "storage_test_helpers.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "core/files.h"


static void test_upload_disk_full(void **state)
{
    (void)state;
    char small[256], src[256], vol[300];
    snprintf(small, sizeof(small), "%s/small", root);
    snprintf(src, sizeof(src), "%s/src.bin", root);
    lv_conn *c = open_ok(uri, 0);
    char xml[512];
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>small</name><target><path>%s</path></target></pool>",
             small);
    lv_pool_info *info = NULL;
    assert_ok(pool_create(c, xml, 0, &info));
    assert_ok(vol_create(c, info->uuid,
                         "<volume><name>v.img</name><capacity unit='M'>8</capacity></volume>", 0,
                         NULL));
    snprintf(vol, sizeof(vol), "%s/v.img", small);
    /* Something to recognise in the volume. */
    assert_int_equal(lv_file_write_atomic(src, "before", 6, 0644, NULL), 0);
    result r = {0};
    assert_ok(vol_upload(c, info->uuid, "v.img", src, 0, &r));

    size_t size = 6u << 20;
    char *data = malloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (char)(i % 253 + 1);
    assert_int_equal(lv_file_write_atomic(src, data, size, 0644, NULL), 0);
    free(data);
    memset(&r, 0, sizeof(r));
    assert_fails(vol_upload(c, info->uuid, "v.img", src, 0, &r), LV_ERR_OPERATION_FAILED,
                 "vol-upload to volume 'v.img' of pool 'small': writing failed: no space left "
                 "on the device");

    /* Nothing but the volume, as it was. */
    DIR *d = opendir(small);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "v.img"))
            fail_msg("left behind: %s", e->d_name);
    closedir(d);
    char *got = NULL;
    size_t len = 0;
    assert_int_equal(lv_file_read_all(vol, &got, &len, NULL), 0);
    assert_int_equal(len, 8u << 20);
    assert_memory_equal(got, "before", 6);
    free(got);

    assert_ok(pool_op(lv_pool_destroy, c, info->uuid, 0));
    lv_pool_info_free(info);
    lv_conn_close(c);
}

/* The other way: a download of 6 MiB of data into the 4 MiB tmpfs. */
static void test_download_disk_full(void **state)
{
    (void)state;
    char big[256], small[256], out[300], src[256];
    snprintf(big, sizeof(big), "%s/big", root);
    snprintf(small, sizeof(small), "%s/small", root);
    snprintf(out, sizeof(out), "%s/out.img", small);
    snprintf(src, sizeof(src), "%s/src6.bin", root);
    lv_conn *c = open_ok(uri, 0);
    char xml[512];
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>big</name><target><path>%s</path></target></pool>", big);
    lv_pool_info *info = NULL;
    assert_ok(pool_create(c, xml, LV_POOL_START_BUILD, &info));
    assert_ok(vol_create(c, info->uuid,
                         "<volume><name>d.img</name><capacity unit='M'>6</capacity></volume>", 0,
                         NULL));
    size_t size = 6u << 20;
    char *data = malloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (char)(i % 251 + 1);
    assert_int_equal(lv_file_write_atomic(src, data, size, 0644, NULL), 0);
    free(data);
    result r = {0};
    assert_ok(vol_upload(c, info->uuid, "d.img", src, 0, &r));
    memset(&r, 0, sizeof(r));
    assert_fails(vol_download(c, info->uuid, "d.img", out, 0, &r), LV_ERR_OPERATION_FAILED,
                 "vol-download of volume 'd.img' of pool 'big': writing failed: no space left "
                 "on the device");
    DIR *d = opendir(small);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "v.img"))
            fail_msg("left behind: %s", e->d_name);
    closedir(d);
    assert_ok(pool_op(lv_pool_destroy, c, info->uuid, 0));
    lv_pool_info_free(info);
    lv_conn_close(c);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("# skipped: needs root to mount a small tmpfs\n");
        return 77;
    }
    if (access("/usr/bin/qemu-img", X_OK) != 0) {
        printf("# skipped: qemu-img is not installed\n");
        return 77;
    }
    if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        printf("# skipped: cannot make a private mount namespace: %s\n", strerror(errno));
        return 77;
    }
    if (embed_root_make("/tmp/lvsfull-XXXXXX") < 0)
        return 1;
    char small[256];
    snprintf(small, sizeof(small), "%s/small", root);
    mkdir(small, 0755);
    if (mount("tmpfs", small, "tmpfs", 0, "size=4m") < 0) {
        printf("# skipped: cannot mount a tmpfs: %s\n", strerror(errno));
        rmdir(small);
        rmdir(root);
        return 77;
    }
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload_disk_full),
        cmocka_unit_test(test_download_disk_full),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    umount2(small, MNT_DETACH);
    remove_tree(root);
    uv_loop_close(&loop);
    return rc;
}
