/* The storage driver's fast paths, over qemu:///embed?root=TMP with real
 * qemu-img: a dir pool's scan (one open per regular file, relative to the
 * folder; links, FIFOs, folders and hidden files are not volumes; name
 * order), a refresh that finds the pool's sizes unchanged leaves its state
 * file alone, and vol-download's kernel copy (64 MiB steps) gives the same
 * bytes as the volume across a step, from an offset, over an older file. */
#include "storage_test_helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "core/files.h"


static int setup(void **state)
{
    (void)state;
    assert_int_equal(embed_root_make("/tmp/lvstorage-fast-XXXXXX"), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(root);
    return 0;
}

static void make_pool(lv_conn *c, const char *name, unsigned char *uuid)
{
    char xml[1024];
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>", name,
             path_in(name));
    lv_pool_info *info = NULL;
    assert_ok(pool_define(c, xml, &info));
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_pool_info_free(info);
    assert_ok(pool_op(lv_pool_build, c, uuid, 0));
    assert_ok(pool_op(lv_pool_start, c, uuid, 0));
}

static const char *new_vol(const char *name, const char *capacity, const char *format)
{
    static char buf[512];
    snprintf(buf, sizeof(buf),
             "<volume><name>%s</name><capacity>%s</capacity><target><format type='%s'/>"
             "</target></volume>",
             name, capacity, format);
    return buf;
}

static void put_bytes(const char *sub, off_t at, const char *bytes)
{
    int fd = open(path_in(sub), O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, bytes, strlen(bytes), at), (ssize_t)strlen(bytes));
    close(fd);
}

/* ---- scan --------------------------------------------------------------- */

static void test_scan_lists_regular_files(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char p[LV_UUID_LEN];
    make_pool(c, "scan", p);
    assert_ok(vol_create(c, p, new_vol("c.img", "4096", "raw"), 0, NULL));
    assert_ok(vol_create(c, p, new_vol("a.qcow2", "1048576", "qcow2"), 0, NULL));
    assert_ok(vol_create(c, p, new_vol("b.img", "8192", "raw"), 0, NULL));
    /* Not volumes: a link, a FIFO (opening it would block), a folder, a
     * hidden file. */
    assert_int_equal(symlink(path_in("scan/c.img"), path_in("scan/link.img")), 0);
    assert_int_equal(mkfifo(path_in("scan/fifo.img"), 0600), 0);
    assert_int_equal(mkdir(path_in("scan/sub"), 0700), 0);
    int fd = open(path_in("scan/.hidden.img"), O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    close(fd);

    assert_ok(pool_op(lv_pool_refresh, c, p, 0));
    lv_vol_list *vols = NULL;
    assert_ok(vol_list(c, p, &vols));
    assert_int_equal(vols->count, 3);
    assert_string_equal(vols->items[0].name, "a.qcow2");
    assert_string_equal(vols->items[0].format, "qcow2");
    assert_int_equal(vols->items[0].capacity, 1048576);
    assert_string_equal(vols->items[0].path, path_in("scan/a.qcow2"));
    assert_string_equal(vols->items[1].name, "b.img");
    assert_string_equal(vols->items[1].format, "raw");
    assert_int_equal(vols->items[1].capacity, 8192);
    assert_int_equal(vols->items[1].physical, 8192);
    assert_string_equal(vols->items[2].name, "c.img");
    assert_int_equal(vols->items[2].capacity, 4096);
    lv_vol_list_free(vols);
    lv_conn_close(c);
}

/* ---- refresh and the pool's state file ----------------------------------- */

static bool same_sizes(const struct statvfs *a, const struct statvfs *b)
{
    return a->f_blocks == b->f_blocks && a->f_bfree == b->f_bfree && a->f_bavail == b->f_bavail;
}

static ino_t state_inode(void)
{
    struct stat sb;
    assert_int_equal(stat(path_in("run/storage/same.xml"), &sb), 0);
    return sb.st_ino;
}

static void test_refresh_keeps_unchanged_state(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char p[LV_UUID_LEN];
    make_pool(c, "same", p);
    /* The filesystem is shared: another process may change its free space
     * between two refreshes. Only a pair with the same sizes around it
     * counts; a few tries find one. */
    for (int attempt = 0; attempt < 20; attempt++) {
        struct statvfs before, after;
        assert_ok(pool_op(lv_pool_refresh, c, p, 0));
        assert_int_equal(statvfs(path_in("same"), &before), 0);
        assert_ok(pool_op(lv_pool_refresh, c, p, 0));
        ino_t first = state_inode();
        assert_ok(pool_op(lv_pool_refresh, c, p, 0));
        ino_t second = state_inode();
        assert_int_equal(statvfs(path_in("same"), &after), 0);
        if (!same_sizes(&before, &after))
            continue;
        assert_int_equal(first, second); /* not rewritten */
        /* A volume that takes room changes the sizes: stored again. */
        assert_ok(vol_create(c, p, new_vol("grow.img", "1048576", "raw"), 0, NULL));
        int fd = open(path_in("same/grow.img"), O_WRONLY);
        assert_true(fd >= 0);
        char mib[1 << 16];
        memset(mib, 1, sizeof(mib));
        for (int i = 0; i < 16; i++)
            assert_int_equal(write(fd, mib, sizeof(mib)), (ssize_t)sizeof(mib));
        assert_int_equal(fsync(fd), 0);
        close(fd);
        assert_ok(pool_op(lv_pool_refresh, c, p, 0));
        assert_true(state_inode() != second);
        lv_conn_close(c);
        return;
    }
    lv_conn_close(c);
    print_message("the filesystem's free space kept changing: not checked\n");
    skip();
}

/* ---- download ----------------------------------------------------------- */

#define MIB (1u << 20)
#define BIG_SIZE (64u * MIB + 512) /* past one 64 MiB step of the kernel copy */

static char *read_all(const char *path, size_t *len)
{
    char *data = NULL;
    assert_int_equal(lv_file_read_all(path, &data, len, NULL), 0);
    return data;
}

static void test_download_in_kernel_steps(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char p[LV_UUID_LEN];
    make_pool(c, "dl", p);
    char cap[32];
    snprintf(cap, sizeof(cap), "%u", BIG_SIZE);
    assert_ok(vol_create(c, p, new_vol("big.img", cap, "raw"), 0, NULL));
    put_bytes("dl/big.img", 0, "head");
    put_bytes("dl/big.img", 64 * MIB - 2, "step");
    put_bytes("dl/big.img", BIG_SIZE - 3, "end");
    size_t vol_len = 0;
    char *vol = read_all(path_in("dl/big.img"), &vol_len);
    assert_int_equal(vol_len, BIG_SIZE);

    /* Over an older, larger file: replaced, its size the volume's. */
    int fd = open(path_in("out.bin"), O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, BIG_SIZE + 4096), 0);
    close(fd);
    result r = {0};
    assert_ok(vol_download(c, p, "big.img", path_in("out.bin"), 0, &r));
    assert_int_equal(r.progress_done, BIG_SIZE);
    assert_int_equal(r.progress_total, BIG_SIZE);
    assert_true(r.progress_calls >= 3); /* the start and two steps */
    size_t len = 0;
    char *got = read_all(path_in("out.bin"), &len);
    assert_int_equal(len, BIG_SIZE);
    assert_memory_equal(got, vol, BIG_SIZE);
    free(got);

    /* A range across the step. */
    memset(&r, 0, sizeof(r));
    lv_vol_download(c, p, "big.img", path_in("part.bin"), 64 * MIB - 2, 4, 0, progress_cb,
                    done_cb, &r);
    assert_ok(finish(&r));
    got = read_all(path_in("part.bin"), &len);
    assert_int_equal(len, 4);
    assert_memory_equal(got, "step", 4);
    free(got);
    memset(&r, 0, sizeof(r));
    lv_vol_download(c, p, "big.img", path_in("tail.bin"), 1, 0, 0, progress_cb, done_cb, &r);
    assert_ok(finish(&r));
    got = read_all(path_in("tail.bin"), &len);
    assert_int_equal(len, BIG_SIZE - 1);
    assert_memory_equal(got, vol + 1, BIG_SIZE - 1);
    free(got);
    free(vol);

    /* Nothing but the three downloads and the pool next to them. */
    DIR *d = opendir(root);
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            fail_msg("left behind: %s", e->d_name);
    closedir(d);
    lv_conn_close(c);
}

int main(void)
{
    uv_loop_init(&loop);
    if (access("/usr/bin/qemu-img", X_OK) != 0) {
        printf("skipped: qemu-img is not installed\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scan_lists_regular_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_keeps_unchanged_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_download_in_kernel_steps, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    uv_loop_close(&loop);
    return rc;
}
