/* The qemu-img lines of every volume operation against a golden file
 * (tests/data/storage/qemu-img.argv: one "case: argv" per line), the readers
 * of qemu-img's JSON info and -p progress, and real qemu-img runs through
 * lv__storage_run (progress, a failure's message). LUVIRT_REGENERATE=1
 * rewrites the golden file: review the diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "core/alloc.h"
#include "core/files.h"
#include "core/strbuf.h"
#include "storage/storage_image_header.h"
#include "storage/storage_qemu_img.h"
#include "storage/storage_run.h"
#include "storage/storage_tool.h"

static void add_case(lv_strbuf *sb, const char *name, char **argv)
{
    char *text = lv__storage_argv_join(argv);
    lv_strbuf_addf(sb, "%s: %s\n", name, text);
    free(text);
    lv__storage_argv_free(argv);
}

static void check_golden(const char *file, lv_strbuf *sb)
{
    char *path = lv_asprintf("%s/%s", STORAGE_DATA, file);
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

static lv_vol_def *vol(const char *xml)
{
    lv_error err;
    lv_vol_def *v = lv_vol_def_parse_xml(xml, 0, &err);
    if (!v)
        fail_msg("%s", err.message);
    return v;
}

static void test_golden_argv(void **state)
{
    (void)state;
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    const char *tmp = "/srv/pool/.a.img.XXXXXX";

    lv_vol_def *raw = vol("<volume><name>a.img</name><capacity unit='G'>1</capacity></volume>");
    add_case(&sb, "create-raw", lv__qemu_img_create_argv(raw, tmp, 0));
    lv_vol_def *full = vol("<volume><name>a.img</name><capacity unit='M'>64</capacity>"
                           "<allocation unit='M'>64</allocation></volume>");
    add_case(&sb, "create-raw-allocated", lv__qemu_img_create_argv(full, tmp, 0));
    lv_vol_def *q = vol("<volume><name>a.qcow2</name><capacity>10737418240</capacity>"
                        "<target><format type='qcow2'/></target></volume>");
    add_case(&sb, "create-qcow2", lv__qemu_img_create_argv(q, tmp, 0));
    add_case(&sb, "create-qcow2-prealloc-metadata",
             lv__qemu_img_create_argv(q, tmp, LV_VOL_CREATE_PREALLOC_METADATA));
    lv_vol_def *qo = vol("<volume><name>a.qcow2</name><capacity unit='G'>2</capacity>"
                         "<target><format type='qcow2'/><compat>0.10</compat>"
                         "<clusterSize unit='KiB'>128</clusterSize>"
                         "<features><lazy_refcounts/></features></target></volume>");
    add_case(&sb, "create-qcow2-options", lv__qemu_img_create_argv(qo, tmp, 0));
    lv_vol_def *ov = vol("<volume><name>o.qcow2</name><capacity unit='G'>2</capacity>"
                         "<target><format type='qcow2'/></target>"
                         "<backingStore><path>/srv/pool/base,1.img</path>"
                         "<format type='raw'/></backingStore></volume>");
    add_case(&sb, "create-qcow2-backing", lv__qemu_img_create_argv(ov, tmp, 0));
    add_case(&sb, "convert-to-qcow2",
             lv__qemu_img_convert_argv("/srv/pool/base.img", "raw", q, tmp, 0, true));
    add_case(&sb, "convert-to-raw",
             lv__qemu_img_convert_argv("/srv/pool/a.qcow2", "qcow2", raw, tmp, 0, false));
    add_case(&sb, "resize-grow",
             lv__qemu_img_resize_argv("/srv/pool/a.qcow2", "qcow2", 21474836480ULL, false, false));
    add_case(&sb, "resize-shrink",
             lv__qemu_img_resize_argv("/srv/pool/a.img", "raw", 1048576, true, false));
    add_case(&sb, "resize-allocate",
             lv__qemu_img_resize_argv("/srv/pool/a.img", "raw", 2147483648ULL, false, true));
    add_case(&sb, "info-probe", lv__qemu_img_info_argv("/srv/pool/a.img", NULL));
    add_case(&sb, "info-format", lv__qemu_img_info_argv("/srv/pool/a.qcow2", "qcow2"));
    check_golden("qemu-img.argv", &sb);
    lv_vol_def_free(raw);
    lv_vol_def_free(full);
    lv_vol_def_free(q);
    lv_vol_def_free(qo);
    lv_vol_def_free(ov);
}

static void test_parse_info(void **state)
{
    (void)state;
    const char *json = "{\"backing-filename-format\": \"qcow2\", \"virtual-size\": 1048576,"
                       " \"filename\": \"t2.qcow2\", \"format\": \"qcow2\","
                       " \"actual-size\": 200704, \"format-specific\": {\"type\": \"qcow2\","
                       " \"data\": {\"compat\": \"1.1\", \"lazy-refcounts\": true}},"
                       " \"full-backing-filename\": \"/tmp/t.qcow2\","
                       " \"backing-filename\": \"t.qcow2\"}";
    lv_vol_def v = {0};
    assert_int_equal(lv__qemu_img_parse_info(json, &v, NULL), 0);
    assert_string_equal(v.target_format, "qcow2");
    assert_int_equal(v.capacity.bytes, 1048576);
    assert_int_equal(v.allocation.bytes, 200704);
    assert_string_equal(v.backing_path, "/tmp/t.qcow2");
    assert_string_equal(v.backing_format, "qcow2");
    assert_string_equal(v.target_compat, "1.1");
    assert_true(v.target_lazy_refcounts);
    lv_vol_def_clear(&v);

    lv_error err;
    assert_int_equal(lv__qemu_img_parse_info("{\"format\": \"raw\"}", &v, &err), -1);
    assert_non_null(strstr(err.message, "virtual-size"));
    assert_int_equal(lv__qemu_img_parse_info("not json", &v, &err), -1);
    lv_vol_def_clear(&v);
}

static void test_parse_progress(void **state)
{
    (void)state;
    assert_int_equal(lv__qemu_img_parse_progress("    (0.00/100%)"), 0);
    assert_int_equal(lv__qemu_img_parse_progress("    (42.50/100%)"), 4250);
    assert_int_equal(lv__qemu_img_parse_progress("(1.00/100%)\r    (100.00/100%)"), 10000);
    assert_int_equal(lv__qemu_img_parse_progress("Formatting 'x' (a)"), -1);
    assert_int_equal(lv__qemu_img_parse_progress(""), -1);
}

/* ---- real runs ---------------------------------------------------------- */

static uv_loop_t loop;
static char dir[64];

typedef struct run_result {
    bool done;
    int status;
    char errout[1024];
    char *out;
    lv_error err;
    unsigned progress_calls;
    uint64_t last_done, last_total;
} run_result;

static char **run_argv;

static void ran(void *opaque, const lv__storage_run_result *res)
{
    run_result *r = opaque;
    assert_false(r->done);
    r->done = true;
    r->status = res->status;
    snprintf(r->errout, sizeof(r->errout), "%s", res->errout);
    r->out = lv_strdup(res->out);
    if (res->status != 0)
        lv__storage_run_error(&r->err, LV_ERR_OPERATION_FAILED, res, run_argv, "volume 'x'");
}

static void progressed(void *opaque, uint64_t done, uint64_t total)
{
    run_result *r = opaque;
    assert_false(r->done);
    assert_true(done >= r->last_done);
    assert_true(done <= total);
    r->progress_calls++;
    r->last_done = done;
    r->last_total = total;
}

static void run(char **argv, uint64_t total, run_result *r)
{
    run_argv = argv;
    lv__storage_run(&loop, argv, progressed, r, total, ran, r);
    assert_false(r->done); /* never before returning */
    while (!r->done)
        uv_run(&loop, UV_RUN_ONCE);
}

static bool have_qemu_img(void)
{
    return access("/usr/bin/qemu-img", X_OK) == 0 || access("/usr/local/bin/qemu-img", X_OK) == 0;
}

static void test_real_qemu_img(void **state)
{
    (void)state;
    if (!have_qemu_img())
        skip();
    char *path = lv_asprintf("%s/a.qcow2", dir);
    lv_vol_def *q = vol("<volume><name>a.qcow2</name><capacity unit='M'>8</capacity>"
                        "<target><format type='qcow2'/></target></volume>");
    run_result r = {0};
    char **argv = lv__qemu_img_create_argv(q, path, 0);
    run(argv, 0, &r);
    lv__storage_argv_free(argv);
    assert_int_equal(r.status, 0);
    free(r.out);

    memset(&r, 0, sizeof(r));
    argv = lv__qemu_img_info_argv(path, NULL);
    run(argv, 0, &r);
    lv__storage_argv_free(argv);
    assert_int_equal(r.status, 0);
    lv_vol_def info = {0};
    assert_int_equal(lv__qemu_img_parse_info(r.out, &info, NULL), 0);
    assert_string_equal(info.target_format, "qcow2");
    assert_int_equal(info.capacity.bytes, 8 << 20);
    lv_vol_def_clear(&info);
    free(r.out);

    /* Converted with -p: progress reaches the total, never goes back. */
    char *raw_path = lv_asprintf("%s/b.img", dir);
    lv_vol_def *raw = vol("<volume><name>b.img</name><capacity unit='M'>8</capacity></volume>");
    memset(&r, 0, sizeof(r));
    argv = lv__qemu_img_convert_argv(path, "qcow2", raw, raw_path, 0, true);
    run(argv, 8 << 20, &r);
    lv__storage_argv_free(argv);
    assert_int_equal(r.status, 0);
    assert_true(r.progress_calls >= 1);
    assert_int_equal(r.last_done, 8 << 20);
    assert_int_equal(r.last_total, 8 << 20);
    struct stat sb;
    assert_int_equal(stat(raw_path, &sb), 0);
    assert_int_equal(sb.st_size, 8 << 20);
    free(r.out);

    /* A failure: qemu-img's own line, with what was being done. */
    memset(&r, 0, sizeof(r));
    argv = lv__qemu_img_resize_argv(raw_path, "raw", 1 << 20, false, false);
    run(argv, 0, &r);
    lv__storage_argv_free(argv);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err.message, "volume 'x': qemu-img failed: "));
    assert_non_null(strstr(r.err.message, "shrink"));
    assert_null(strchr(r.err.message, '\n'));
    free(r.out);

    /* A program that does not exist fails through the callback too. */
    memset(&r, 0, sizeof(r));
    char *missing[] = {"/nonexistent/qemu-img", "info", NULL};
    run(missing, 0, &r);
    assert_int_equal(r.status, -1);
    assert_non_null(strstr(r.err.message, "cannot run qemu-img"));
    free(r.out);

    unlink(path);
    unlink(raw_path);
    free(path);
    free(raw_path);
    lv_vol_def_free(q);
    lv_vol_def_free(raw);
}

/* The header reader says what qemu-img info says, for the images it
 * answers for, and leaves the others to qemu-img. */
static void header_matches(const char *path, bool expect_answer)
{
    lv_vol_def mine = {0}, theirs = {0};
    int answered = lv__image_header_read(path, &mine);
    assert_int_equal(answered, expect_answer ? 1 : 0);
    run_result r = {0};
    char **argv = lv__qemu_img_info_argv(path, NULL);
    run(argv, 0, &r);
    lv__storage_argv_free(argv);
    assert_int_equal(r.status, 0);
    assert_int_equal(lv__qemu_img_parse_info(r.out, &theirs, NULL), 0);
    free(r.out);
    if (answered) {
        assert_string_equal(mine.target_format, theirs.target_format);
        if (!strcmp(theirs.target_format, "qcow2")) /* raw: the file's size, not sectors */
            assert_int_equal(mine.capacity.bytes, theirs.capacity.bytes);
        if (theirs.backing_path)
            assert_string_equal(mine.backing_path, theirs.backing_path);
        else
            assert_null(mine.backing_path);
        if (theirs.backing_format)
            assert_string_equal(mine.backing_format, theirs.backing_format);
        else
            assert_null(mine.backing_format);
        if (theirs.target_compat)
            assert_string_equal(mine.target_compat, theirs.target_compat);
        assert_int_equal(mine.target_lazy_refcounts, theirs.target_lazy_refcounts);
    }
    lv_vol_def_clear(&mine);
    lv_vol_def_clear(&theirs);
}

static void make_image(const char *xml, const char *path)
{
    lv_vol_def *v = vol(xml);
    run_result r = {0};
    char **argv = lv__qemu_img_create_argv(v, path, 0);
    run(argv, 0, &r);
    lv__storage_argv_free(argv);
    assert_int_equal(r.status, 0);
    free(r.out);
    lv_vol_def_free(v);
}

static void test_image_header(void **state)
{
    (void)state;
    if (!have_qemu_img())
        skip();
    char raw[128], q3[128], q2[128], lazy[128], over[128], rel[128], vmdk[128];
    snprintf(raw, sizeof(raw), "%s/h.img", dir);
    snprintf(q3, sizeof(q3), "%s/h3.qcow2", dir);
    snprintf(q2, sizeof(q2), "%s/h2.qcow2", dir);
    snprintf(lazy, sizeof(lazy), "%s/hl.qcow2", dir);
    snprintf(over, sizeof(over), "%s/ho.qcow2", dir);
    snprintf(rel, sizeof(rel), "%s/hr.qcow2", dir);
    snprintf(vmdk, sizeof(vmdk), "%s/hv.vmdk", dir);
    make_image("<volume><name>h.img</name><capacity>3145728</capacity></volume>", raw);
    make_image("<volume><name>h3</name><capacity unit='G'>10</capacity><target>"
               "<format type='qcow2'/></target></volume>",
               q3);
    make_image("<volume><name>h2</name><capacity unit='M'>5</capacity><target>"
               "<format type='qcow2'/><compat>0.10</compat></target></volume>",
               q2);
    make_image("<volume><name>hl</name><capacity unit='M'>5</capacity><target>"
               "<format type='qcow2'/><features><lazy_refcounts/></features></target></volume>",
               lazy);
    char xml[512];
    snprintf(xml, sizeof(xml),
             "<volume><name>ho</name><capacity unit='G'>20</capacity><target><format "
             "type='qcow2'/></target><backingStore><path>%s</path><format type='qcow2'/>"
             "</backingStore></volume>",
             q3);
    make_image(xml, over);
    header_matches(raw, true);
    header_matches(q3, true);
    header_matches(q2, true);
    header_matches(lazy, true);
    header_matches(over, true);

    /* A relative backing file: resolved against the image's folder. */
    char *argv_rel[] = {"qemu-img", "create", "-q", "-f", "qcow2", "-b", "h3.qcow2", "-F",
                        "qcow2", rel, NULL};
    run_result r = {0};
    run(argv_rel, 0, &r);
    assert_int_equal(r.status, 0);
    free(r.out);
    header_matches(rel, true);

    /* Another format, or a qcow2 marked corrupt: qemu-img's to say. */
    char *argv_vmdk[] = {"qemu-img", "create", "-q", "-f", "vmdk", vmdk, "1M", NULL};
    memset(&r, 0, sizeof(r));
    run(argv_vmdk, 0, &r);
    assert_int_equal(r.status, 0);
    free(r.out);
    header_matches(vmdk, false);
    FILE *f = fopen(q3, "r+b"); /* the corrupt bit of a v3 header */
    assert_non_null(f);
    fseek(f, 79, SEEK_SET);
    fputc(0x02, f);
    fclose(f);
    header_matches(q3, false);

    const char *all[] = {raw, q3, q2, lazy, over, rel, vmdk};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        unlink(all[i]);
}

int main(void)
{
    uv_loop_init(&loop);
    snprintf(dir, sizeof(dir), "/tmp/lvstorage-argv-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_argv),
        cmocka_unit_test(test_parse_info),
        cmocka_unit_test(test_parse_progress),
        cmocka_unit_test(test_real_qemu_img),
        cmocka_unit_test(test_image_header),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    uv_loop_close(&loop);
    return rc;
}
