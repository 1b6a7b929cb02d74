/* The local storage driver through the storage.h entry points, over
 * qemu:///embed?root=TMP with real qemu-img: the default pool, dir pools'
 * life (define, build, start, refresh, destroy, delete, undefine, transient
 * create, autostart), volumes (create raw/qcow2 with backing, lookup by
 * name/path/key, dumpxml, resize, clone with progress, upload, download,
 * wipe, delete), a second connection seeing the files, and the bad-input
 * cases, each checked to leave nothing behind. No guest is started here. */
#include "storage_test_helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "conf/storage_conf.h"
#include "core/files.h"


static int setup(void **state)
{
    (void)state;
    assert_int_equal(embed_root_make("/tmp/lvstorage-drv-XXXXXX"), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(root);
    return 0;
}

static bool exists(const char *sub)
{
    struct stat sb;
    return lstat(path_in(sub), &sb) == 0;
}

/* Names in a folder (hidden ones too), to check nothing was left behind. */
static int count_entries(const char *sub)
{
    DIR *d = opendir(path_in(sub));
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void write_file(const char *sub, const void *data, size_t len)
{
    int fd = open(path_in(sub), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static char *pool_xml_for(const char *name, const char *target_sub)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf),
             "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>", name,
             path_in(target_sub));
    return buf;
}

/* Defines, builds and starts a dir pool on ROOT/target_sub; its uuid. */
static void make_pool(lv_conn *c, const char *name, const char *target_sub, unsigned char *uuid)
{
    lv_pool_info *info = NULL;
    assert_ok(pool_define(c, pool_xml_for(name, target_sub), &info));
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_pool_info_free(info);
    assert_ok(pool_op(lv_pool_build, c, uuid, 0));
    assert_ok(pool_op(lv_pool_start, c, uuid, 0));
}

/* ---- pools -------------------------------------------------------------- */

static void test_default_pool(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    lv_pool_info *info = NULL;
    assert_ok(pool_lookup(c, "default", &info));
    assert_string_equal(info->type, "dir");
    assert_string_equal(info->target, c->scope.images);
    assert_int_equal(info->state, LV_POOL_RUNNING);
    assert_true(info->persistent);
    assert_true(info->autostart);
    assert_true(info->capacity > 0);
    lv_pool_info_free(info);
    assert_true(exists("images"));
    assert_true(exists("storage/default.xml"));
    assert_true(exists("storage/autostart/default.xml"));

    /* Undefined, it is not made again. */
    lv_pool_info *d = NULL;
    assert_ok(pool_lookup(c, "default", &d));
    assert_ok(pool_op(lv_pool_destroy, c, d->uuid, 0));
    assert_ok(pool_op(lv_pool_undefine, c, d->uuid, 0));
    lv_pool_info_free(d);
    lv_conn_close(c);
    c = open_ok(uri, 0);
    assert_fails(pool_lookup(c, "default", NULL), LV_ERR_NO_POOL, "'default'");
    lv_conn_close(c);
}

static void test_pool_life(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    lv_pool_info *info = NULL;
    assert_ok(pool_define(c, pool_xml_for("p1", "p1"), &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    assert_int_equal(info->state, LV_POOL_INACTIVE);
    assert_true(info->persistent);
    assert_false(info->autostart);
    lv_pool_info_free(info);

    /* Not built yet: start names the missing folder; build makes it. */
    assert_fails(pool_op(lv_pool_start, c, uuid, 0), LV_ERR_OPERATION_INVALID,
                 "does not exist (pool-build creates it)");
    assert_false(exists("run/storage/p1.xml"));
    assert_ok(pool_op(lv_pool_build, c, uuid, 0));
    assert_true(exists("p1"));
    assert_ok(pool_op(lv_pool_start, c, uuid, 0));
    assert_fails(pool_op(lv_pool_start, c, uuid, 0), LV_ERR_OPERATION_INVALID,
                 "already active");
    assert_fails(pool_op(lv_pool_build, c, uuid, 0), LV_ERR_OPERATION_INVALID, "is active");
    assert_fails(pool_op(lv_pool_delete, c, uuid, 0), LV_ERR_OPERATION_INVALID, "still active");

    /* Another shell sees it running. */
    lv_conn *c2 = open_ok(uri, 0);
    lv_pool_list *list = NULL;
    assert_ok(pool_list(c2, LV_POOL_LIST_ACTIVE, &list));
    bool seen = false;
    for (size_t i = 0; i < list->count; i++)
        seen |= !strcmp(list->items[i].name, "p1");
    assert_true(seen);
    lv_pool_list_free(list);
    assert_ok(pool_list(c2, LV_POOL_LIST_INACTIVE, &list));
    for (size_t i = 0; i < list->count; i++)
        assert_string_not_equal(list->items[i].name, "p1");
    lv_pool_list_free(list);
    lv_conn_close(c2);

    /* dumpxml: live sizes while active, none in the inactive form. */
    char *xml = NULL;
    assert_ok(pool_xml(c, uuid, 0, &xml));
    assert_non_null(strstr(xml, "<capacity unit='bytes'>"));
    assert_non_null(strstr(xml, "<name>p1</name>"));
    free(xml);
    assert_ok(pool_xml(c, uuid, LV_POOL_XML_INACTIVE, &xml));
    assert_null(strstr(xml, "<capacity"));
    free(xml);

    /* Autostart: a link in CONFIG/autostart. */
    assert_ok(pool_autostart(c, uuid, true));
    assert_true(exists("storage/autostart/p1.xml"));
    assert_ok(pool_autostart(c, uuid, false));
    assert_false(exists("storage/autostart/p1.xml"));

    assert_ok(pool_op(lv_pool_destroy, c, uuid, 0));
    assert_false(exists("run/storage/p1.xml"));
    assert_fails(pool_op(lv_pool_destroy, c, uuid, 0), LV_ERR_OPERATION_INVALID, "not active");
    assert_ok(pool_op(lv_pool_delete, c, uuid, 0));
    assert_false(exists("p1"));
    assert_ok(pool_op(lv_pool_undefine, c, uuid, 0));
    assert_false(exists("storage/p1.xml"));
    assert_fails(pool_lookup(c, "p1", NULL), LV_ERR_NO_POOL, "'p1'");
    lv_conn_close(c);
}

static void test_transient_pool(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    lv_pool_info *info = NULL;
    assert_ok(pool_create(c, pool_xml_for("t1", "t1"), LV_POOL_START_BUILD, &info));
    assert_int_equal(info->state, LV_POOL_RUNNING);
    assert_false(info->persistent);
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_pool_info_free(info);
    assert_false(exists("storage/t1.xml"));
    assert_true(exists("run/storage/t1.xml"));
    assert_fails(pool_autostart(c, uuid, true), LV_ERR_OPERATION_INVALID, "transient");
    assert_fails(pool_op(lv_pool_undefine, c, uuid, 0), LV_ERR_OPERATION_INVALID,
                 "not persistent");
    /* Creating it again while it runs clashes. */
    assert_fails(pool_create(c, pool_xml_for("t1", "t1"), 0, NULL), LV_ERR_DUPLICATE, "'t1'");
    assert_ok(pool_op(lv_pool_destroy, c, uuid, 0));
    assert_fails(pool_lookup(c, "t1", NULL), LV_ERR_NO_POOL, "'t1'");
    /* A failed create leaves no pool: its folder is missing without --build. */
    assert_fails(pool_create(c, pool_xml_for("t2", "t2"), 0, NULL), LV_ERR_OPERATION_INVALID,
                 "does not exist");
    assert_fails(pool_lookup(c, "t2", NULL), LV_ERR_NO_POOL, "'t2'");
    assert_false(exists("run/storage/t2.xml"));
    lv_conn_close(c);
}

static void test_pool_refusals(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char a[LV_UUID_LEN];
    make_pool(c, "outer", "outer", a);
    int before = count_entries("storage");

    /* Overlapping targets: equal, inside, around. */
    assert_fails(pool_define(c, pool_xml_for("same", "outer"), NULL), LV_ERR_DUPLICATE,
                 "overlaps pool 'outer'");
    assert_fails(pool_define(c, pool_xml_for("inner", "outer/inner"), NULL), LV_ERR_DUPLICATE,
                 "overlaps pool 'outer'");
    char around[1024];
    snprintf(around, sizeof(around),
             "<pool type='dir'><name>around</name><target><path>%s</path></target></pool>", root);
    assert_fails(pool_define(c, around, NULL), LV_ERR_DUPLICATE, "overlaps");
    /* A sibling whose name starts the same is not inside. */
    assert_ok(pool_define(c, pool_xml_for("outer2", "outer2"), NULL));
    lv_pool_info *o2 = NULL;
    assert_ok(pool_lookup(c, "outer2", &o2));
    assert_ok(pool_op(lv_pool_undefine, c, o2->uuid, 0));
    lv_pool_info_free(o2);

    /* Same name, other uuid; same uuid, other name. */
    char xml[1024];
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>outer</name><uuid>99999999-2222-3333-4444-555555555555"
             "</uuid><target><path>%s</path></target></pool>",
             path_in("elsewhere"));
    assert_fails(pool_define(c, xml, NULL), LV_ERR_DUPLICATE, "already exists with uuid");

    /* Types luvirt does not serve, bad names, bad XML. */
    assert_fails(pool_define(c, "<pool type='iscsi'><name>i</name></pool>", NULL),
                 LV_ERR_CONFIG_UNSUPPORTED, "pool type 'iscsi' is not supported");
    assert_fails(pool_define(c, "<pool type='netfs'><name>n</name></pool>", NULL),
                 LV_ERR_CONFIG_UNSUPPORTED, "'netfs'");
    assert_fails(pool_define(c, pool_xml_for("a/b", "ab"), NULL), LV_ERR_INVALID_ARG, "'a/b'");
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>src</name><source><device path='/dev/sdz'/></source>"
             "<target><path>%s</path></target></pool>",
             path_in("src"));
    assert_fails(pool_define(c, xml, NULL), LV_ERR_CONFIG_UNSUPPORTED,
                 "a dir pool has no source (<device> in <source>)");
    assert_fails(pool_define(c, "<pool", NULL), LV_ERR_XML, "malformed");
    assert_int_equal(count_entries("storage"), before);

    /* Lookups of what is not there; pools have no ids. */
    assert_fails(pool_lookup(c, "nope", NULL), LV_ERR_NO_POOL, "'nope'");
    result r = {0};
    lv_pool_lookup(c, LV_LOOKUP_ID, "1", pool_cb, &r);
    assert_fails(finish(&r), LV_ERR_INVALID_ARG, "no id");
    static const unsigned char missing[LV_UUID_LEN] = {9, 9, 9};
    assert_fails(pool_op(lv_pool_start, c, missing, 0), LV_ERR_NO_POOL, "uuid");
    assert_fails(pool_op(lv_pool_build, c, a, LV_POOL_BUILD_OVERWRITE | LV_POOL_BUILD_NO_OVERWRITE),
                 LV_ERR_INVALID_ARG, "exclude");
    assert_fails(pool_op(lv_pool_start, c, a, 0x80), LV_ERR_INVALID_ARG, "unknown flags");
    lv_conn_close(c);

    /* Read-only: reads work, writes do not. */
    c = open_ok(uri, LV_CONNECT_READONLY);
    assert_ok(pool_lookup(c, "outer", NULL));
    assert_fails(pool_define(c, pool_xml_for("ro", "ro"), NULL), LV_ERR_READ_ONLY, "read-only");
    assert_fails(pool_op(lv_pool_destroy, c, a, 0), LV_ERR_READ_ONLY, "read-only");
    assert_fails(vol_delete(c, a, "x.img"), LV_ERR_READ_ONLY, "read-only");
    lv_conn_close(c);
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

/* Another process holding a pool's or a volume's lock: refused at once,
 * naming what is busy; the lock released, the same call works. */
static void test_busy(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char p[LV_UUID_LEN];
    make_pool(c, "busy", "busy", p);
    assert_ok(vol_create(c, p, new_vol("v.img", "1048576", "raw"), 0, NULL));

    int fd = open(path_in("run/storage/busy.lock"), O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_SH), 0); /* as a volume operation holds it */
    assert_fails(pool_op(lv_pool_destroy, c, p, 0), LV_ERR_OPERATION_INVALID,
                 "pool 'busy' is busy: another operation on it is in progress");
    assert_ok(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "v.img", NULL)); /* shared: fine */
    close(fd);

    fd = open(path_in("run/storage/busy.vols/v.img.lock"), O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    assert_fails(vol_delete(c, p, "v.img"), LV_ERR_OPERATION_INVALID,
                 "volume 'v.img' of pool 'busy' is busy");
    assert_true(exists("busy/v.img"));
    close(fd);
    assert_ok(vol_delete(c, p, "v.img"));
    assert_ok(pool_op(lv_pool_destroy, c, p, 0));
    lv_conn_close(c);
}

/* ---- volumes ------------------------------------------------------------ */


static void test_volumes(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char p[LV_UUID_LEN];
    make_pool(c, "vols", "vols", p);

    lv_vol_info *v = NULL;
    assert_ok(vol_create(c, p, new_vol("a.img", "1048576", "raw"), 0, &v));
    assert_string_equal(v->name, "a.img");
    assert_string_equal(v->path, path_in("vols/a.img"));
    assert_string_equal(v->key, path_in("vols/a.img"));
    assert_string_equal(v->pool, "vols");
    assert_string_equal(v->format, "raw");
    assert_int_equal(v->capacity, 1048576);
    assert_int_equal(v->type, LV_VOL_FILE);
    lv_vol_info_free(v);
    assert_fails(vol_create(c, p, new_vol("a.img", "1048576", "raw"), 0, NULL), LV_ERR_DUPLICATE,
                 "already exists");

    assert_ok(vol_create(c, p, new_vol("b.qcow2", "8388608", "qcow2"),
                         LV_VOL_CREATE_PREALLOC_METADATA, &v));
    assert_string_equal(v->format, "qcow2");
    assert_int_equal(v->capacity, 8388608);
    lv_vol_info_free(v);

    /* An overlay: the backing format is found out when not given. */
    char xml[1024];
    snprintf(xml, sizeof(xml),
             "<volume><name>c.qcow2</name><capacity>0</capacity><target><format type='qcow2'/>"
             "</target><backingStore><path>%s</path></backingStore></volume>",
             path_in("vols/b.qcow2"));
    assert_ok(vol_create(c, p, xml, 0, &v));
    assert_string_equal(v->backing_path, path_in("vols/b.qcow2"));
    assert_string_equal(v->backing_format, "qcow2");
    assert_int_equal(v->capacity, 8388608);
    lv_vol_info_free(v);

    /* Lookups by name, path, key; listing. */
    assert_ok(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "b.qcow2", NULL));
    assert_ok(vol_lookup(c, NULL, LV_VOL_LOOKUP_PATH, path_in("vols/b.qcow2"), &v));
    assert_string_equal(v->name, "b.qcow2");
    lv_vol_info_free(v);
    assert_ok(vol_lookup(c, NULL, LV_VOL_LOOKUP_KEY, path_in("vols/a.img"), NULL));
    assert_fails(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "zz.img", NULL), LV_ERR_NO_VOLUME,
                 "'zz.img'");
    assert_fails(vol_lookup(c, NULL, LV_VOL_LOOKUP_PATH, "/nowhere/x.img", NULL),
                 LV_ERR_NO_VOLUME, "'/nowhere/x.img'");
    lv_vol_list *list = NULL;
    assert_ok(vol_list(c, p, &list));
    assert_int_equal(list->count, 3);
    assert_string_equal(list->items[0].name, "a.img");
    assert_string_equal(list->items[2].name, "c.qcow2");
    lv_vol_list_free(list);

    /* dumpxml parses back as a volume. */
    char *text = NULL;
    assert_ok(vol_xml(c, p, "b.qcow2", &text));
    assert_non_null(strstr(text, "<format type='qcow2'/>"));
    assert_non_null(strstr(text, "<capacity unit='bytes'>8388608</capacity>"));
    assert_non_null(strstr(text, path_in("vols/b.qcow2")));
    lv_vol_def *back = lv_vol_def_parse_xml(text, 0, NULL);
    assert_non_null(back);
    lv_vol_def_free(back);
    free(text);

    /* Found behind luvirt's back by the next refresh or listing. */
    write_file("vols/manual.img", "hello", 5);
    assert_ok(pool_op(lv_pool_refresh, c, p, 0));
    assert_ok(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "manual.img", &v));
    assert_int_equal(v->capacity, 5);
    lv_vol_info_free(v);

    /* Resize: grow; shrinking needs the flag. */
    assert_ok(vol_resize(c, p, "a.img", 2097152, 0));
    assert_ok(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "a.img", &v));
    assert_int_equal(v->capacity, 2097152);
    lv_vol_info_free(v);
    assert_fails(vol_resize(c, p, "a.img", 1048576, 0), LV_ERR_INVALID_ARG, "--shrink");
    assert_ok(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "a.img", &v));
    assert_int_equal(v->capacity, 2097152); /* unchanged */
    lv_vol_info_free(v);
    assert_ok(vol_resize(c, p, "a.img", 1048576, LV_VOL_RESIZE_SHRINK));
    assert_ok(vol_resize(c, p, "a.img", 1048576, LV_VOL_RESIZE_DELTA));
    assert_ok(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "a.img", &v));
    assert_int_equal(v->capacity, 2097152);
    lv_vol_info_free(v);
    assert_fails(vol_resize(c, p, "a.img", 0, 0), LV_ERR_INVALID_ARG, "0");

    /* Listings remember qemu-img's answers per unchanged file: an edited
     * answer shows, and a changed file is asked again. (Raw and plain
     * qcow2 images are read without qemu-img: b.qcow2 is marked corrupt in
     * its header so that qemu-img is asked about it.) */
    int bfd = open(path_in("vols/b.qcow2"), O_WRONLY);
    assert_true(bfd >= 0);
    assert_int_equal(pwrite(bfd, "\x02", 1, 79), 1);
    close(bfd);
    assert_ok(vol_list(c, p, NULL));
    char *cache = NULL;
    size_t clen;
    assert_int_equal(lv_file_read_all(path_in("run/storage/vols.info.json"), &cache, &clen, NULL),
                     0);
    char *at = strstr(cache, "\"virtual-size\":8388608");
    assert_non_null(at);
    memcpy(at, "\"virtual-size\":7388608", 22);
    assert_int_equal(lv_file_write_atomic(path_in("run/storage/vols.info.json"), cache, clen,
                                          0600, NULL),
                     0);
    free(cache);
    assert_ok(vol_list(c, p, &list));
    bool edited = false;
    for (size_t i = 0; i < list->count; i++)
        edited |= list->items[i].capacity == 7388608;
    assert_true(edited);
    lv_vol_list_free(list);
    write_file("vols/manual.img", "hello, world", 12);
    assert_ok(vol_list(c, p, &list));
    for (size_t i = 0; i < list->count; i++)
        if (!strcmp(list->items[i].name, "manual.img"))
            assert_int_equal(list->items[i].capacity, 12);
    lv_vol_list_free(list);

    /* Delete. */
    assert_ok(vol_delete(c, p, "manual.img"));
    assert_false(exists("vols/manual.img"));
    assert_fails(vol_delete(c, p, "manual.img"), LV_ERR_NO_VOLUME, "'manual.img'");
    lv_conn_close(c);
}

static void test_volume_refusals(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char p[LV_UUID_LEN];
    make_pool(c, "bad", "bad", p);
    write_file("secret", "s", 1);

    /* Names with '/' or '..' never reach the folder. */
    assert_fails(vol_create(c, p, new_vol("../secret2", "1024", "raw"), 0, NULL),
                 LV_ERR_INVALID_ARG, "'../secret2'");
    assert_fails(vol_create(c, p, new_vol("a/b", "1024", "raw"), 0, NULL), LV_ERR_INVALID_ARG,
                 "'/'");
    assert_fails(vol_create(c, p, new_vol("..", "1024", "raw"), 0, NULL), LV_ERR_INVALID_ARG,
                 "'..'");
    assert_fails(vol_delete(c, p, "../secret"), LV_ERR_INVALID_ARG, "'../secret'");
    assert_true(exists("secret"));
    assert_fails(vol_resize(c, p, "..", 1, 0), LV_ERR_INVALID_ARG, "'..'");
    assert_fails(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "../secret", NULL), LV_ERR_INVALID_ARG,
                 "'../secret'");
    assert_false(exists("secret2"));

    /* Formats luvirt does not create; options that do not fit. */
    assert_fails(vol_create(c, p, new_vol("v.vmdk", "1024", "vmdk"), 0, NULL),
                 LV_ERR_CONFIG_UNSUPPORTED, "'vmdk' cannot be created");
    assert_fails(vol_create(c, p, new_vol("r.img", "1024", "raw"),
                            LV_VOL_CREATE_PREALLOC_METADATA, NULL),
                 LV_ERR_INVALID_ARG, "only for qcow2");
    assert_fails(vol_create(c, p, new_vol("z.img", "0", "raw"), 0, NULL), LV_ERR_INVALID_ARG,
                 "must not be 0");

    /* A failing qemu-img: its message, and no half-written volume. */
    char xml[1024];
    snprintf(xml, sizeof(xml),
             "<volume><name>o.qcow2</name><capacity>1048576</capacity><target>"
             "<format type='qcow2'/></target><backingStore><path>%s</path>"
             "<format type='qcow2'/></backingStore></volume>",
             path_in("bad/missing.qcow2"));
    assert_fails(vol_create(c, p, xml, 0, NULL), LV_ERR_OPERATION_FAILED,
                 "volume 'o.qcow2' of pool 'bad': qemu-img failed: ");
    assert_true(strstr(last_err.message, "missing.qcow2") != NULL);
    assert_int_equal(count_entries("bad"), 0);
    /* A backing file that does not exist, format not given: named too. */
    snprintf(xml, sizeof(xml),
             "<volume><name>o.qcow2</name><capacity>1048576</capacity><target>"
             "<format type='qcow2'/></target><backingStore><path>%s</path></backingStore>"
             "</volume>",
             path_in("bad/missing.qcow2"));
    assert_fails(vol_create(c, p, xml, 0, NULL), LV_ERR_OPERATION_FAILED, "backing store");
    assert_int_equal(count_entries("bad"), 0);
    lv_conn_close(c);
}

static void test_vanished_folder(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char p[LV_UUID_LEN];
    make_pool(c, "gone", "gone", p);
    assert_ok(vol_create(c, p, new_vol("a.img", "1024", "raw"), 0, NULL));
    remove_tree(path_in("gone"));
    assert_fails(vol_list(c, p, NULL), LV_ERR_OPERATION_INVALID,
                 "pool 'gone': its target folder");
    assert_fails(vol_create(c, p, new_vol("b.img", "1024", "raw"), 0, NULL),
                 LV_ERR_OPERATION_INVALID, "does not exist");
    assert_false(exists("gone"));
    /* A refresh finds it gone and marks the pool inactive, as libvirt. */
    assert_fails(pool_op(lv_pool_refresh, c, p, 0), LV_ERR_OPERATION_INVALID, "does not exist");
    lv_pool_info *info = NULL;
    assert_ok(pool_lookup(c, "gone", &info));
    assert_int_equal(info->state, LV_POOL_INACTIVE);
    lv_pool_info_free(info);
    assert_fails(vol_list(c, p, NULL), LV_ERR_OPERATION_INVALID, "not active");
    lv_conn_close(c);
}

/* ---- long operations ---------------------------------------------------- */

static void fill_pattern(char *buf, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)((i * 31 + seed) % 251 + 1);
}

static void test_transfers(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char p[LV_UUID_LEN];
    make_pool(c, "xfer", "xfer", p);
    const size_t size = 3u << 20; /* three chunks */
    assert_ok(vol_create(c, p, new_vol("d.img", "3145728", "raw"), 0, NULL));

    /* Upload: the data lands, progress reaches the total. */
    char *data = malloc(size);
    fill_pattern(data, size, 7);
    write_file("src.bin", data, size);
    result r = {0};
    assert_ok(vol_upload(c, p, "d.img", path_in("src.bin"), 0, &r));
    assert_true(r.progress_calls >= 3);
    assert_int_equal(r.progress_done, size);
    assert_int_equal(r.progress_total, size);
    char *got = NULL;
    size_t len = 0;
    assert_int_equal(lv_file_read_all(path_in("xfer/d.img"), &got, &len, NULL), 0);
    assert_int_equal(len, size);
    assert_memory_equal(got, data, size);
    free(got);

    /* A sparse upload of zeros gives zeros (holes in the new file). */
    char *zeros = calloc(1, size);
    write_file("zeros.bin", zeros, size);
    memset(&r, 0, sizeof(r));
    assert_ok(vol_upload(c, p, "d.img", path_in("zeros.bin"), LV_VOL_TRANSFER_SPARSE, &r));
    assert_int_equal(lv_file_read_all(path_in("xfer/d.img"), &got, &len, NULL), 0);
    assert_int_equal(len, size);
    assert_memory_equal(got, zeros, size);
    free(got);
    free(zeros);
    memset(&r, 0, sizeof(r));
    assert_ok(vol_upload(c, p, "d.img", path_in("src.bin"), 0, &r));
    /* A ranged upload writes in place, zeros included even when sparse. */
    char *mib = calloc(1, 1u << 20);
    write_file("mib.bin", mib, 1u << 20);
    memset(&r, 0, sizeof(r));
    lv_vol_upload(c, p, "d.img", path_in("mib.bin"), 1u << 20, 0, LV_VOL_TRANSFER_SPARSE,
                  progress_cb, done_cb, &r);
    assert_ok(finish(&r));
    assert_int_equal(lv_file_read_all(path_in("xfer/d.img"), &got, &len, NULL), 0);
    assert_int_equal(len, size);
    assert_memory_equal(got, data, 1u << 20);
    assert_memory_equal(got + (1u << 20), mib, 1u << 20);
    assert_memory_equal(got + (2u << 20), data + (2u << 20), 1u << 20);
    free(got);
    free(mib);
    /* A range past the end does not fit. */
    memset(&r, 0, sizeof(r));
    lv_vol_upload(c, p, "d.img", path_in("mib.bin"), 5u << 20, 0, 0, progress_cb, done_cb, &r);
    assert_fails(finish(&r), LV_ERR_INVALID_ARG, "does not fit");
    memset(&r, 0, sizeof(r));
    assert_ok(vol_upload(c, p, "d.img", path_in("src.bin"), 0, &r));

    /* A file larger than the volume is refused before anything is written. */
    char *big = malloc(size + 1);
    fill_pattern(big, size + 1, 9);
    write_file("big.bin", big, size + 1);
    free(big);
    memset(&r, 0, sizeof(r));
    assert_fails(vol_upload(c, p, "d.img", path_in("big.bin"), 0, &r), LV_ERR_INVALID_ARG,
                 "does not fit in volume 'd.img'");
    assert_int_equal(lv_file_read_all(path_in("xfer/d.img"), &got, &len, NULL), 0);
    assert_memory_equal(got, data, size); /* unchanged */
    free(got);
    assert_int_equal(count_entries("xfer"), 1);
    memset(&r, 0, sizeof(r));
    assert_fails(vol_upload(c, p, "d.img", path_in("nothere.bin"), 0, &r), LV_ERR_SYSTEM,
                 "nothere.bin");

    /* Download, and a sparse download of mostly zeros. */
    memset(&r, 0, sizeof(r));
    assert_ok(vol_download(c, p, "d.img", path_in("out.bin"), 0, &r));
    assert_int_equal(r.progress_done, size);
    assert_int_equal(lv_file_read_all(path_in("out.bin"), &got, &len, NULL), 0);
    assert_int_equal(len, size);
    assert_memory_equal(got, data, size);
    free(got);
    assert_ok(vol_create(c, p, new_vol("z.img", "4194304", "raw"), 0, NULL));
    memset(&r, 0, sizeof(r));
    assert_ok(vol_download(c, p, "z.img", path_in("z.bin"), LV_VOL_TRANSFER_SPARSE, &r));
    struct stat sb;
    assert_int_equal(stat(path_in("z.bin"), &sb), 0);
    assert_int_equal(sb.st_size, 4194304);
    assert_true((uint64_t)sb.st_blocks * 512 < 4194304); /* holes, not zeros */

    /* Clone with progress: the same bytes, another format. */
    memset(&r, 0, sizeof(r));
    assert_ok(vol_create_from(c, p, new_vol("d2.qcow2", "1", "qcow2"), p, "d.img", 0, &r));
    assert_string_equal(r.vol->format, "qcow2");
    assert_int_equal(r.vol->capacity, size);
    assert_true(r.progress_calls >= 1);
    assert_int_equal(r.progress_done, r.progress_total);
    lv_vol_info_free(r.vol);
    memset(&r, 0, sizeof(r));
    assert_ok(vol_create_from(c, p, new_vol("d3.img", "1", "raw"), p, "d2.qcow2", 0, &r));
    lv_vol_info_free(r.vol);
    assert_int_equal(lv_file_read_all(path_in("xfer/d3.img"), &got, &len, NULL), 0);
    assert_int_equal(len, size);
    assert_memory_equal(got, data, size);
    free(got);
    memset(&r, 0, sizeof(r));
    assert_ok(vol_create_from(c, p, new_vol("d5.qcow2", "4194304", "qcow2"), p, "d.img", 0, &r));
    assert_int_equal(r.vol->capacity, 4194304); /* grown to what the XML asked */
    lv_vol_info_free(r.vol);
    memset(&r, 0, sizeof(r));
    assert_fails(vol_create_from(c, p, new_vol("d4.img", "1", "raw"), p, "nope.img", 0, &r),
                 LV_ERR_NO_VOLUME, "'nope.img'");
    assert_false(exists("xfer/d4.img"));

    /* Wipe: zeros, with progress; a qcow2 volume stays a (blank) qcow2. */
    memset(&r, 0, sizeof(r));
    assert_ok(vol_wipe(c, p, "d.img", &r));
    assert_int_equal(r.progress_done, size);
    assert_int_equal(lv_file_read_all(path_in("xfer/d.img"), &got, &len, NULL), 0);
    assert_int_equal(len, size);
    for (size_t i = 0; i < len; i++)
        if (got[i])
            fail_msg("byte %zu not wiped", i);
    free(got);
    memset(&r, 0, sizeof(r));
    assert_ok(vol_wipe(c, p, "d2.qcow2", &r));
    lv_vol_info *v = NULL;
    assert_ok(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "d2.qcow2", &v));
    assert_string_equal(v->format, "qcow2");
    assert_int_equal(v->capacity, size);
    lv_vol_info_free(v);

    /* No temporary file stays behind. */
    DIR *d = opendir(path_in("xfer"));
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            fail_msg("left behind: %s", e->d_name);
    closedir(d);
    free(data);
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
        cmocka_unit_test_setup_teardown(test_default_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_life, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transient_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_volumes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_volume_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vanished_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfers, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    uv_loop_close(&loop);
    return rc;
}
