/* The host tool lines of fs and logical pools against golden files
 * (data/fs.argv, data/logical.argv: one "case: argv" per line), the readers
 * of the tools' reports, and the tool runner on real processes.
 * LUVIRT_REGENERATE=1 rewrites the golden files: review the diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "core/alloc.h"
#include "core/files.h"
#include "core/strbuf.h"
#include "storage/storage_fs_cmd.h"
#include "storage/storage_lvm.h"
#include "storage/storage_tool.h"

/* ---- golden argv -------------------------------------------------------- */

static void add_case(lv_strbuf *sb, const char *name, char **argv)
{
    char *text = lv__storage_argv_join(argv);
    lv_strbuf_addf(sb, "%s: %s\n", name, text);
    free(text);
    lv__storage_argv_free(argv);
}

static void check_golden(const char *file, lv_strbuf *sb)
{
    char *path = lv_asprintf("%s/%s", STORAGE_POOLS_DATA, file);
    if (getenv("LUVIRT_REGENERATE")) {
        assert_int_equal(lv_file_write_atomic(path, sb->data, sb->len, 0644, NULL), 0);
    } else {
        char *want = NULL;
        size_t len = 0;
        lv_error err;
        if (lv_file_read_all(path, &want, &len, &err) < 0)
            fail_msg("%s", err.message);
        if (strcmp(want, sb->data) != 0)
            fail_msg("%s differs from the builders' argv:\n--- want\n%s--- got\n%s", path, want,
                     sb->data);
        free(want);
    }
    free(path);
    lv_strbuf_clear(sb);
}

static void test_logical_argv(void **state)
{
    (void)state;
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    char *devices[] = {"/dev/loop3", "/dev/loop4"};
    add_case(&sb, "build-pv", lv__lvm_pvcreate_argv("/dev/loop3", false));
    add_case(&sb, "build-pv-overwrite", lv__lvm_pvcreate_argv("/dev/loop3", true));
    add_case(&sb, "build-vg", lv__lvm_vgcreate_argv("guests", devices, 2));
    add_case(&sb, "start", lv__lvm_vgchange_argv("guests", true));
    add_case(&sb, "destroy", lv__lvm_vgchange_argv("guests", false));
    add_case(&sb, "delete-vg", lv__lvm_vgremove_argv("guests"));
    add_case(&sb, "delete-pv", lv__lvm_pvremove_argv("/dev/loop3"));
    add_case(&sb, "refresh-vg", lv__lvm_vgs_argv("guests"));
    add_case(&sb, "refresh-lvs", lv__lvm_lvs_argv("guests"));
    add_case(&sb, "vol-create", lv__lvm_lvcreate_argv("guests", "root", 10737418240ULL));
    add_case(&sb, "vol-create-from",
             lv__lvm_fill_argv("/srv/base.qcow2", "qcow2", "guests", "root"));
    add_case(&sb, "vol-delete", lv__lvm_lvremove_argv("guests", "root"));
    add_case(&sb, "vol-resize-grow",
             lv__lvm_lvresize_argv("guests", "root", 21474836480ULL, false));
    add_case(&sb, "vol-resize-shrink", lv__lvm_lvresize_argv("guests", "root", 4194304ULL, true));
    check_golden("logical.argv", &sb);
}

static void test_fs_argv(void **state)
{
    (void)state;
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    add_case(&sb, "build-probe", lv__fs_blkid_argv("/dev/loop3"));
    add_case(&sb, "build-ext4", lv__fs_mkfs_argv("ext4", "/dev/loop3"));
    add_case(&sb, "build-auto", lv__fs_mkfs_argv("auto", "/dev/loop3"));
    add_case(&sb, "build-xfs", lv__fs_mkfs_argv("xfs", "/srv/fs.img"));
    add_case(&sb, "start-ext4", lv__fs_mount_argv("ext4", "/dev/loop3", "/srv/pool", false));
    add_case(&sb, "start-auto", lv__fs_mount_argv("auto", "/dev/loop3", "/srv/pool", false));
    add_case(&sb, "start-image", lv__fs_mount_argv("xfs", "/srv/fs.img", "/srv/pool", true));
    add_case(&sb, "destroy", lv__fs_umount_argv("/srv/pool"));
    check_golden("fs.argv", &sb);
}

/* ---- readers ------------------------------------------------------------ */

static void test_lvm_reports(void **state)
{
    (void)state;
    lv_error err;
    lv__lvm_vg vg = {0};
    /* as vgs prints it (two leading spaces) */
    assert_int_equal(lv__lvm_parse_vgs("  62914560:54525952:4194304\n", &vg, &err), 0);
    assert_int_equal(vg.size, 62914560);
    assert_int_equal(vg.free, 54525952);
    assert_int_equal(vg.extent_size, 4194304);
    assert_int_equal(lv__lvm_parse_vgs("  62914560:oops:4194304\n", &vg, &err), -1);
    assert_non_null(strstr(err.message, "'62914560:oops:4194304'"));
    assert_int_equal(lv__lvm_parse_vgs("\n", &vg, &err), -1);
    assert_non_null(strstr(err.message, "no volume group"));

    lv__lvm_lv_list list;
    assert_int_equal(lv__lvm_parse_lvs("  root:/dev/guests/root:8388608:-wi-a-----:\n"
                                       "  snap:/dev/guests/snap:4194304:swi-a-s---:root\n",
                                       &list, &err),
                     0);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].name, "root");
    assert_string_equal(list.items[0].path, "/dev/guests/root");
    assert_int_equal(list.items[0].size, 8388608);
    assert_string_equal(list.items[0].attr, "-wi-a-----");
    assert_null(list.items[0].origin);
    assert_string_equal(list.items[1].origin, "root");
    lv__lvm_lv_list_clear(&list);
    assert_int_equal(lv__lvm_parse_lvs("", &list, &err), 0);
    assert_int_equal(list.count, 0);
    assert_int_equal(lv__lvm_parse_lvs("  root:/dev/guests/root:big:-wi-a-----:\n", &list, &err),
                     -1);
    assert_non_null(strstr(err.message, "lvs"));
    assert_int_equal(list.count, 0);
}

static void test_lvm_names(void **state)
{
    (void)state;
    lv_error err;
    assert_int_equal(lv__lvm_check_name("volume", "root-1.img_+", &err), 0);
    const char *bad[] = {"", "-x", ".", "..", "a/b", "a b", "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_equal(lv__lvm_check_name("volume", bad[i], &err), -1);
        assert_non_null(strstr(err.message, "invalid volume name"));
    }
}

static void test_blkid_and_mountinfo(void **state)
{
    (void)state;
    char *type = lv__fs_blkid_type("DEVNAME=/dev/loop0\nUUID=93bb\nVERSION=1.0\n"
                                   "BLOCK_SIZE=1024\nTYPE=ext4\nUSAGE=filesystem\n");
    assert_string_equal(type, "ext4");
    free(type);
    type = lv__fs_blkid_type("DEVNAME=/dev/loop0\nPTUUID=1234\nPTTYPE=dos\n");
    assert_string_equal(type, "dos");
    free(type);
    assert_null(lv__fs_blkid_type(""));
    char *what = lv__fs_blkid_describe("DEVNAME=/dev/loop0\nTYPE=ext4\nUSAGE=filesystem\n");
    assert_string_equal(what, "a filesystem (ext4)");
    free(what);
    what = lv__fs_blkid_describe("DEVNAME=/dev/loop0\nUUID=x\nTYPE=LVM2_member\nUSAGE=raid\n");
    assert_string_equal(what, "a signature (LVM2_member)");
    free(what);
    what = lv__fs_blkid_describe("DEVNAME=/dev/loop0\nPTUUID=1234\nPTTYPE=dos\n");
    assert_string_equal(what, "a partition table (dos)");
    free(what);
    assert_null(lv__fs_blkid_describe("DEVNAME=/dev/loop0\n"));

    const char *mi = "22 1 0:21 / / rw,relatime - overlay overlay rw\n"
                     "40 22 7:0 / /srv/my\\040pool rw,relatime shared:5 - ext4 /dev/loop0 rw\n"
                     "41 22 7:1 / /srv/other rw,relatime - xfs /dev/loop1 rw\n"
                     "42 40 7:2 / /srv/my\\040pool rw,relatime - ext4 /dev/loop2 rw\n";
    char *source = NULL;
    assert_int_equal(lv__fs_mountinfo_find(mi, "/srv/my pool", &source), 1);
    assert_string_equal(source, "/dev/loop2"); /* the last one shows */
    free(source);
    assert_int_equal(lv__fs_mountinfo_find(mi, "/srv/other", &source), 1);
    assert_string_equal(source, "/dev/loop1");
    free(source);
    assert_int_equal(lv__fs_mountinfo_find(mi, "/srv/my", &source), 0);
    assert_null(source);
    assert_true(lv__fs_format_known("ext4") && lv__fs_format_known("auto"));
    assert_false(lv__fs_format_known("ntfs"));
}

/* ---- the runner on real processes ---------------------------------------- */

typedef struct run_seen {
    int calls;
    int status;
    char *out, *errout;
    lv_error err;
} run_seen;

static char **run_argv;

static void on_run(void *opaque, const lv__storage_tool_result *res)
{
    run_seen *s = opaque;
    s->calls++;
    s->status = res->status;
    s->out = lv_strdup(res->out);
    s->errout = lv_strdup(res->errout);
    if (res->status != 0)
        lv__storage_tool_error(&s->err, LV_ERR_OPERATION_FAILED, res, run_argv, "pool 'p'");
}

static run_seen run(char **argv)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    run_seen s = {0};
    run_argv = argv;
    lv__storage_tool_run(&loop, argv, on_run, &s);
    assert_int_equal(s.calls, 0); /* never before it returns */
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(s.calls, 1);
    return s;
}

static void seen_clear(run_seen *s)
{
    free(s->out);
    free(s->errout);
}

static void test_runner(void **state)
{
    (void)state;
    char *echo[] = {"sh", "-c", "echo out; echo \"$LC_ALL\"; echo warn >&2; echo last >&2", NULL};
    run_seen s = run(echo);
    assert_int_equal(s.status, 0);
    assert_string_equal(s.out, "out\nC\n");
    assert_string_equal(s.errout, "warn\nlast\n");
    seen_clear(&s);

    char *fails[] = {"sh", "-c", "echo 'first'>&2; echo '  the reason  ' >&2; exit 5", NULL};
    s = run(fails);
    assert_int_equal(s.status, 5);
    assert_string_equal(s.err.message, "pool 'p': sh failed: the reason");
    seen_clear(&s);

    /* lvm2 and util-linux end with a hint that says nothing about the failure */
    char *hint[] = {"sh", "-c",
                    "echo '  striped: Required device-mapper target(s) not detected.' >&2; "
                    "echo \"  Run \\`lvcreate --help' for more information.\" >&2; exit 3",
                    NULL};
    s = run(hint);
    assert_string_equal(s.err.message,
                        "pool 'p': sh failed: striped: Required device-mapper target(s) not "
                        "detected.");
    seen_clear(&s);

    char *silent[] = {"false", NULL};
    s = run(silent);
    assert_int_equal(s.status, 1);
    assert_string_equal(s.err.message, "pool 'p': false failed with exit status 1");
    seen_clear(&s);

    char *missing[] = {"luvirt-no-such-tool", NULL};
    s = run(missing);
    assert_int_equal(s.status, -1);
    assert_non_null(strstr(s.err.message, "pool 'p': cannot run luvirt-no-such-tool: "));
    seen_clear(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logical_argv),        cmocka_unit_test(test_fs_argv),
        cmocka_unit_test(test_lvm_reports),         cmocka_unit_test(test_lvm_names),
        cmocka_unit_test(test_blkid_and_mountinfo), cmocka_unit_test(test_runner),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
