/* Volumes and running domains, with a real (paused) qemu over
 * qemu:///embed?root=TMP: a <disk type='volume'> resolves at start to the
 * volume's file and format; a volume in use by a running domain cannot be
 * deleted, wiped, shrunk or uploaded to, and can once the domain is off; a
 * missing volume or an inactive pool fails the start naming it, with no
 * guest left running. Skips (77) without the test guest or qemu. */
#include "storage_test_helpers.h"

#include <signal.h>
#include <sys/stat.h>

static char kernel[1024], initrd[1024];

static void domain_cb(void *opaque, lv_domain_info *info, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->str = (char *)info; /* carried in str */
}

static void dom_list_cb(void *opaque, lv_domain_list *list, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->str = (char *)list; /* carried in str */
}

static int define_domain(lv_conn *c, const char *xml, unsigned char *uuid)
{
    result r = {0};
    lv_domain_define_xml(c, xml, 0, domain_cb, &r);
    int ret = finish(&r);
    lv_domain_info *info = (lv_domain_info *)r.str;
    if (info)
        memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    return ret;
}

static int dom_op(void (*fn)(lv_conn *, const unsigned char *, unsigned, lv_done_cb, void *),
                  lv_conn *c, const unsigned char *uuid, unsigned flags)
{
    result r = {0};
    fn(c, uuid, flags, done_cb, &r);
    return finish(&r);
}

static int dom_xml(lv_conn *c, const unsigned char *uuid, char **out)
{
    result r = {0};
    lv_domain_get_xml(c, uuid, 0, string_cb, &r);
    int ret = finish(&r);
    *out = r.str;
    return ret;
}

static int dom_active_count(lv_conn *c)
{
    result r = {0};
    lv_domain_list *list = NULL;
    lv_domain_list_all(c, LV_LIST_ACTIVE, dom_list_cb, &r);
    assert_ok(finish(&r));
    list = (lv_domain_list *)r.str;
    int n = (int)list->count;
    lv_domain_list_free(list);
    return n;
}

static const char *guest_xml_typed(const char *name, const char *pool, const char *volume,
                                   const char *driver)
{
    static char buf[4096];
    snprintf(buf, sizeof(buf),
             "<domain type='qemu'><name>%s</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
             "<os><type arch='x86_64'>hvm</type><kernel>%s</kernel><initrd>%s</initrd>"
             "<cmdline>console=ttyS0 quiet</cmdline></os>"
             "<devices><disk type='volume' device='disk'><driver name='qemu'%s/>"
             "<source pool='%s' volume='%s'/><target dev='vda' bus='virtio'/></disk>"
             "<serial type='pty'><target port='0'/></serial></devices></domain>",
             name, kernel, initrd, driver, pool, volume);
    return buf;
}

static const char *guest_xml(const char *name, const char *pool, const char *volume)
{
    return guest_xml_typed(name, pool, volume, " type='qcow2'");
}

static void test_in_use(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    lv_pool_info *pool = NULL;
    assert_ok(pool_lookup(c, "default", &pool));
    unsigned char p[LV_UUID_LEN];
    memcpy(p, pool->uuid, LV_UUID_LEN);
    lv_pool_info_free(pool);
    lv_vol_info *v = NULL;
    assert_ok(vol_create(c, p,
                         "<volume><name>g.qcow2</name><capacity unit='M'>16</capacity>"
                         "<target><format type='qcow2'/></target></volume>",
                         0, &v));
    char *gpath = strdup(v->path);
    lv_vol_info_free(v);
    assert_ok(vol_create(c, p, "<volume><name>free.img</name><capacity>1048576</capacity></volume>",
                         0, NULL));

    /* Without <driver type>, a qcow2 image is not taken on its word. */
    unsigned char dom[LV_UUID_LEN];
    int before = dom_active_count(c);
    assert_ok(define_domain(c, guest_xml_typed("sg0", "default", "g.qcow2", ""), dom));
    assert_fails(dom_op(lv_domain_start, c, dom, LV_START_PAUSED), LV_ERR_CONFIG_UNSUPPORTED,
                 "disk 'vda': volume 'g.qcow2' of pool 'default' holds a qcow2 image: say "
                 "<driver type='qcow2'/>");
    assert_int_equal(dom_active_count(c), before);
    assert_ok(dom_op(lv_domain_undefine, c, dom, 0));

    assert_ok(define_domain(c, guest_xml("sg1", "default", "g.qcow2"), dom));
    assert_ok(dom_op(lv_domain_start, c, dom, LV_START_PAUSED));

    /* The live definition names the file and its format. */
    char *xml = NULL;
    assert_ok(dom_xml(c, dom, &xml));
    char needle[1200];
    snprintf(needle, sizeof(needle), "<source file='%s'", gpath);
    if (!strstr(xml, needle) || !strstr(xml, "type='qcow2'"))
        fail_msg("live XML does not name the volume:\n%s", xml);
    free(xml);

    assert_fails(vol_delete(c, p, "g.qcow2"), LV_ERR_OPERATION_INVALID,
                 "volume 'g.qcow2' of pool 'default' is in use by running domain 'sg1' and "
                 "cannot be deleted");
    struct stat sb;
    assert_int_equal(stat(gpath, &sb), 0);
    result r = {0};
    assert_fails(vol_wipe(c, p, "g.qcow2", &r), LV_ERR_OPERATION_INVALID, "cannot be wiped");
    assert_int_equal(r.progress_calls, 0);
    assert_fails(vol_resize(c, p, "g.qcow2", 8 << 20, LV_VOL_RESIZE_SHRINK),
                 LV_ERR_OPERATION_INVALID, "cannot be shrunk");
    lv_vol_info *now = NULL;
    assert_ok(vol_lookup(c, p, LV_VOL_LOOKUP_NAME, "g.qcow2", &now));
    assert_int_equal(now->capacity, 16 << 20);
    lv_vol_info_free(now);
    memset(&r, 0, sizeof(r));
    assert_fails(vol_upload(c, p, "g.qcow2", "/etc/hostname", 0, &r), LV_ERR_OPERATION_INVALID,
                 "cannot be uploaded to");
    /* Another volume of the pool is free. */
    assert_ok(vol_delete(c, p, "free.img"));

    /* A second shell sees the same. */
    lv_conn *c2 = open_ok(uri, 0);
    assert_fails(vol_delete(c2, p, "g.qcow2"), LV_ERR_OPERATION_INVALID, "'sg1'");
    lv_conn_close(c2);

    assert_ok(dom_op(lv_domain_destroy, c, dom, 0));
    assert_ok(vol_resize(c, p, "g.qcow2", 8 << 20, LV_VOL_RESIZE_SHRINK));
    assert_ok(vol_delete(c, p, "g.qcow2"));
    assert_int_equal(stat(gpath, &sb), -1);
    assert_ok(dom_op(lv_domain_undefine, c, dom, 0));
    free(gpath);
    lv_conn_close(c);
}

static void test_backing_in_use(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    lv_pool_info *pool = NULL;
    assert_ok(pool_lookup(c, "default", &pool));
    unsigned char p[LV_UUID_LEN];
    memcpy(p, pool->uuid, LV_UUID_LEN);
    lv_pool_info_free(pool);
    lv_vol_info *base = NULL;
    assert_ok(vol_create(c, p, "<volume><name>base.img</name><capacity unit='M'>4</capacity>"
                               "</volume>",
                         0, &base));
    char xml[1024];
    snprintf(xml, sizeof(xml),
             "<volume><name>ov.qcow2</name><capacity unit='M'>8</capacity><target>"
             "<format type='qcow2'/></target><backingStore><path>%s</path>"
             "<format type='raw'/></backingStore></volume>",
             base->path);
    assert_ok(vol_create(c, p, xml, 0, NULL));
    lv_vol_info_free(base);
    unsigned char dom[LV_UUID_LEN];
    assert_ok(define_domain(c, guest_xml("sg5", "default", "ov.qcow2"), dom));
    assert_ok(dom_op(lv_domain_start, c, dom, LV_START_PAUSED));
    assert_fails(vol_delete(c, p, "base.img"), LV_ERR_OPERATION_INVALID,
                 "volume 'base.img' of pool 'default' is in use by running domain 'sg5' (as the "
                 "backing store of ");
    result r = {0};
    assert_fails(vol_wipe(c, p, "base.img", &r), LV_ERR_OPERATION_INVALID, "cannot be wiped");
    assert_ok(dom_op(lv_domain_destroy, c, dom, 0));
    assert_ok(vol_delete(c, p, "ov.qcow2"));
    assert_ok(vol_delete(c, p, "base.img"));
    assert_ok(dom_op(lv_domain_undefine, c, dom, 0));
    lv_conn_close(c);
}

static void test_start_refusals(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    unsigned char dom[LV_UUID_LEN];
    int before = dom_active_count(c);
    assert_ok(define_domain(c, guest_xml("sg2", "default", "nope.img"), dom));
    assert_fails(dom_op(lv_domain_start, c, dom, LV_START_PAUSED), LV_ERR_NO_VOLUME,
                 "disk 'vda': storage volume not found: no volume 'nope.img' in pool 'default'");
    assert_int_equal(dom_active_count(c), before);
    assert_ok(dom_op(lv_domain_undefine, c, dom, 0));

    assert_ok(define_domain(c, guest_xml("sg3", "nopool", "a.img"), dom));
    assert_fails(dom_op(lv_domain_start, c, dom, LV_START_PAUSED), LV_ERR_NO_POOL, "'nopool'");
    assert_ok(dom_op(lv_domain_undefine, c, dom, 0));

    lv_pool_info *pool = NULL;
    assert_ok(pool_lookup(c, "default", &pool));
    assert_ok(vol_create(c, pool->uuid,
                         "<volume><name>x.img</name><capacity>1048576</capacity></volume>", 0,
                         NULL));
    assert_ok(pool_op(lv_pool_destroy, c, pool->uuid, 0));
    assert_ok(define_domain(c, guest_xml("sg4", "default", "x.img"), dom));
    assert_fails(dom_op(lv_domain_start, c, dom, LV_START_PAUSED), LV_ERR_OPERATION_INVALID,
                 "storage pool 'default' is not active");
    assert_int_equal(dom_active_count(c), before);
    assert_ok(dom_op(lv_domain_undefine, c, dom, 0));
    assert_ok(pool_op(lv_pool_start, c, pool->uuid, 0));
    lv_pool_info_free(pool);
    lv_conn_close(c);
}

int main(void)
{
    const char *dir = getenv("LUVIRT_GUEST_DIR");
    if (!dir || !*dir)
        dir = LUVIRT_GUEST_DIR;
    snprintf(kernel, sizeof(kernel), "%s/vmlinuz", dir);
    snprintf(initrd, sizeof(initrd), "%s/initramfs.cpio.gz", dir);
    if (access(kernel, R_OK) < 0 || access(initrd, R_OK) < 0) {
        printf("# skipped: no test guest in %s\n", dir);
        return 77;
    }
    if (access("/usr/bin/qemu-system-x86_64", X_OK) < 0 || access("/usr/bin/qemu-img", X_OK) < 0) {
        printf("# skipped: no /usr/bin/qemu-system-x86_64 or qemu-img\n");
        return 77;
    }
    if (embed_root_make("/tmp/lvsguest-XXXXXX") < 0)
        return 1;
    setenv("LUVIRT_MONITOR_EXE", LUVIRT_MONITOR, 0);
    signal(SIGPIPE, SIG_IGN);
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_use),
        cmocka_unit_test(test_backing_in_use),
        cmocka_unit_test(test_start_refusals),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    /* Whatever a failed test left running goes. */
    lv_conn *c = NULL;
    if (conn_open(uri, 0, &c) == 0) {
        result r = {0};
        lv_domain_list_all(c, LV_LIST_ACTIVE, dom_list_cb, &r);
        if (finish(&r) == 0) {
            lv_domain_list *list = (lv_domain_list *)r.str;
            for (size_t i = 0; i < list->count; i++)
                dom_op(lv_domain_destroy, c, list->items[i].uuid, 0);
            lv_domain_list_free(list);
        }
        lv_conn_close(c);
    }
    for (int i = 0; i < 20; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    if (rc == 0)
        remove_tree(root);
    else
        printf("# left %s for a look\n", root);
    return rc;
}
