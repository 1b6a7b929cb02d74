/* The checked entry points of storage.h (storage_api.c): what they refuse
 * before any driver runs, on the test driver (no pools) and on the qemu
 * driver over qemu:///embed?root=TMP. */
#include "storage_test_helpers.h"


static const unsigned char some_uuid[LV_UUID_LEN] = {1, 2, 3};

static int setup(void **state)
{
    (void)state;
    assert_int_equal(embed_root_make("/tmp/lvstorage-api-XXXXXX"), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(root);
    return 0;
}

static void test_no_storage_on_test_driver(void **state)
{
    (void)state;
    lv_conn *c = open_ok("test:///default", 0);
    assert_fails(pool_list(c, 0, NULL), LV_ERR_NO_SUPPORT, "the test driver has no storage pools");
    assert_fails(pool_define(c, "<pool type='dir'/>", NULL), LV_ERR_NO_SUPPORT, "pool-define");
    assert_fails(vol_delete(c, some_uuid, "a.img"), LV_ERR_NO_SUPPORT, "vol-delete");
    char *path = NULL, *format = NULL;
    lv_error err;
    assert_int_equal(lv_storage_resolve_volume(c, "default", "a.img", &path, &format, &err), -1);
    assert_int_equal(err.code, LV_ERR_NO_SUPPORT);
    assert_non_null(strstr(err.message, "'a.img'"));
    assert_null(path);
    assert_null(format);
    lv_conn_close(c);
}

static void test_results_free_null(void **state)
{
    (void)state;
    lv_pool_info_free(NULL);
    lv_pool_list_free(NULL);
    lv_vol_info_free(NULL);
    lv_vol_list_free(NULL);
    lv_pool_info_clear(NULL);
    lv_vol_info_clear(NULL);
    lv_pool_list *list = calloc(1, sizeof(*list));
    list->count = 1;
    list->items = calloc(1, sizeof(*list->items));
    list->items[0].name = strdup("p");
    list->items[0].type = strdup("dir");
    lv_pool_list_free(list); /* ASan: nothing leaks */
}

static void test_qemu_has_storage(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri, 0);
    assert_non_null(c->driver->storage);
    assert_non_null(c->scope.storage_config);
    assert_non_null(c->scope.images);
    lv_conn_close(c);
}

int main(void)
{
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_storage_on_test_driver),
        cmocka_unit_test(test_results_free_null),
        cmocka_unit_test(test_qemu_has_storage),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    uv_loop_close(&loop);
    return rc;
}
