/* The test driver: define, create, undefine, duplicates, lookup and list,
 * autostart, metadata, rename. */
#include "test_testdriver.h"

/* ---- define, create, undefine ------------------------------------------- */

void test_define_new(void **state)
{
    fixture *f = *state;
    char *xml = dom_xml("web", NULL, 1048576);
    lv_domain_info *info = NULL;
    assert_ok(define(f->conn, xml, &info));
    free(xml);
    assert_string_equal(info->name, "web");
    assert_false(lv_uuid_is_null(info->uuid)); /* generated */
    assert_int_equal(info->id, -1);
    assert_int_equal(info->state, LV_DOMAIN_SHUTOFF);
    assert_int_equal(info->reason, LV_SHUTOFF_UNKNOWN);
    assert_true(info->persistent);
    assert_int_equal(info->max_memory_kib, 1048576);
    assert_int_equal(info->memory_kib, 1048576);
    assert_int_equal(info->vcpus, 1);
    assert_int_equal(info->cpu_time_ns, 0);
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);

    assert_int_equal(count_domains(f->conn), 2);
    assert_ok(op(lv_domain_start, f->conn, uuid, 0));
    assert_ok(get_info(f->conn, uuid, &info));
    assert_int_equal(info->id, 2);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->reason, LV_RUNNING_BOOTED);
    lv_domain_info_free(info);
    char *live = NULL;
    assert_ok(get_xml(f->conn, uuid, 0, &live));
    assert_true(has(live, "id='2'"));
    free(live);
}

void test_define_update(void **state)
{
    fixture *f = *state;
    unsigned char uuid[LV_UUID_LEN];
    char uuidstr[LV_UUID_STRING_LEN];
    define_new(f->conn, "upd", uuid);
    lv_uuid_format(uuid, uuidstr);

    /* Same name and uuid: the definition is replaced. */
    char *xml = dom_xml("upd", uuidstr, 2097152);
    lv_domain_info *info = NULL;
    assert_ok(define(f->conn, xml, &info));
    free(xml);
    assert_memory_equal(info->uuid, uuid, LV_UUID_LEN);
    assert_int_equal(info->max_memory_kib, 2097152);
    lv_domain_info_free(info);
    assert_int_equal(count_domains(f->conn), 2);

    /* Redefining without the uuid means another uuid: refused. */
    xml = dom_xml("upd", NULL, 4096);
    assert_fails(define(f->conn, xml, NULL), LV_ERR_DUPLICATE,
                 "domain 'upd' already exists with uuid");
    free(xml);
    /* The same uuid under another name: refused, naming the owner. */
    xml = dom_xml("other", uuidstr, 4096);
    assert_fails(define(f->conn, xml, NULL), LV_ERR_DUPLICATE, "'upd'");
    free(xml);
    xml = dom_xml("other", test_uuid_str, 4096);
    assert_fails(define(f->conn, xml, NULL), LV_ERR_DUPLICATE, "'test'");
    free(xml);

    info = info_of(f->conn, "upd");
    assert_int_equal(info->max_memory_kib, 2097152);
    lv_domain_info_free(info);
    assert_int_equal(count_domains(f->conn), 2);
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "other", NULL), LV_ERR_NO_DOMAIN, NULL);
}

void test_define_running_next_boot(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    char *xml = dom_xml("test", test_uuid_str, 1048576);
    assert_ok(define(f->conn, xml, NULL));
    free(xml);

    /* The live definition is untouched until the next boot. */
    lv_domain_info *info = info_of(f->conn, "test");
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->id, 1);
    assert_int_equal(info->max_memory_kib, 8388608);
    assert_int_equal(info->vcpus, 2);
    lv_domain_info_free(info);
    char *live = NULL, *inactive = NULL;
    assert_ok(get_xml(f->conn, u, 0, &live));
    assert_ok(get_xml(f->conn, u, LV_XML_INACTIVE, &inactive));
    assert_true(has(live, "8388608"));
    assert_false(has(inactive, "8388608"));
    assert_true(has(inactive, "1048576"));
    free(live);
    free(inactive);

    assert_ok(op(lv_domain_destroy, f->conn, u, 0));
    assert_ok(op(lv_domain_start, f->conn, u, 0));
    info = info_of(f->conn, "test");
    assert_int_equal(info->max_memory_kib, 1048576);
    assert_int_equal(info->vcpus, 1);
    lv_domain_info_free(info);
}

void test_define_bad_input(void **state)
{
    fixture *f = *state;
    assert_fails(define(f->conn, "<domain type='test'><name>x</name", NULL), LV_ERR_XML, NULL);
    assert_fails(define(f->conn, "", NULL), LV_ERR_XML, NULL);
    assert_fails(define(f->conn, NULL, NULL), LV_ERR_INVALID_ARG, NULL);
    static const char *const bad_names[] = {"a/b", "..", ".hidden", "tab\there"};
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        char *xml = dom_xml(bad_names[i], NULL, 4096);
        if (define(f->conn, xml, NULL) == 0)
            fail_msg("defining a domain named '%s' succeeded", bad_names[i]);
        free(xml);
    }
    assert_int_equal(count_domains(f->conn), 1);
    assert_fails(create(f->conn, "<domain>", 0, NULL), LV_ERR_XML, NULL);
    assert_int_equal(count_domains(f->conn), 1);
}

void test_create_transient(void **state)
{
    fixture *f = *state;
    char *xml = dom_xml("tmp", NULL, 4096);
    lv_domain_info *info = NULL;
    assert_ok(create(f->conn, xml, 0, &info));
    assert_string_equal(info->name, "tmp");
    assert_int_equal(info->id, 2);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->reason, LV_RUNNING_BOOTED);
    assert_false(info->persistent);
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);

    /* A second one of the same name is a duplicate. */
    assert_fails(create(f->conn, xml, 0, NULL), LV_ERR_DUPLICATE, "'tmp'");
    free(xml);

    assert_fails(op(lv_domain_undefine, f->conn, uuid, 0), LV_ERR_OPERATION_INVALID,
                 "cannot undefine transient domain 'tmp'");
    assert_fails(set_autostart(f->conn, uuid, true), LV_ERR_OPERATION_INVALID, "transient");
    assert_fails(rename_dom(f->conn, uuid, "tmp2"), LV_ERR_OPERATION_INVALID, "active");

    /* The inactive definition of a transient domain is its live one, without the id. */
    char *text = NULL;
    assert_ok(get_xml(f->conn, uuid, LV_XML_INACTIVE, &text));
    assert_true(has(text, "<name>tmp</name>"));
    assert_false(has(text, "id='2'"));
    free(text);

    assert_ok(op(lv_domain_suspend, f->conn, uuid, 0));
    assert_ok(op(lv_domain_resume, f->conn, uuid, 0));
    assert_ok(op(lv_domain_reboot, f->conn, uuid, 0));
    /* It vanishes when it stops. */
    assert_ok(op(lv_domain_shutdown, f->conn, uuid, 0));
    assert_fails(get_info(f->conn, uuid, &info), LV_ERR_NO_DOMAIN, NULL);
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "tmp", NULL), LV_ERR_NO_DOMAIN,
                 "domain 'tmp' not found");

    xml = dom_xml("tmp", NULL, 4096);
    assert_ok(create(f->conn, xml, LV_START_PAUSED, &info));
    free(xml);
    assert_int_equal(info->id, 3);
    assert_int_equal(info->state, LV_DOMAIN_PAUSED);
    assert_int_equal(info->reason, LV_PAUSED_USER);
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_destroy, f->conn, uuid, 0));
    assert_fails(get_info(f->conn, uuid, &info), LV_ERR_NO_DOMAIN, NULL);
    assert_int_equal(count_domains(f->conn), 1);
}

void test_create_existing(void **state)
{
    fixture *f = *state;
    /* create with the running domain's name and uuid */
    char *xml = dom_xml("test", test_uuid_str, 4096);
    assert_fails(create(f->conn, xml, 0, NULL), LV_ERR_OPERATION_INVALID,
                 "domain 'test' is already running");
    /* create of a defined, inactive domain runs the given definition once */
    assert_ok(op(lv_domain_destroy, f->conn, f->test_uuid, 0));
    lv_domain_info *info = NULL;
    assert_ok(create(f->conn, xml, 0, &info));
    free(xml);
    assert_true(info->persistent);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->max_memory_kib, 4096);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_destroy, f->conn, f->test_uuid, 0));
    info = info_of(f->conn, "test");
    assert_int_equal(info->max_memory_kib, 8388608); /* the persistent one is back */
    assert_true(info->persistent);
    lv_domain_info_free(info);
}

void test_define_makes_transient_persistent(void **state)
{
    fixture *f = *state;
    char *xml = dom_xml("eph", "11111111-2222-3333-4444-555555555555", 4096);
    lv_domain_info *info = NULL;
    assert_ok(create(f->conn, xml, 0, &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_ok(define(f->conn, xml, &info));
    free(xml);
    assert_true(info->persistent);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_shutdown, f->conn, uuid, 0));
    assert_state(f->conn, uuid, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_SHUTDOWN);
}

void test_undefine(void **state)
{
    fixture *f = *state;
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "victim", uuid);
    assert_ok(set_autostart(f->conn, uuid, true));
    assert_ok(op(lv_domain_undefine, f->conn, uuid, 0));
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "victim", NULL), LV_ERR_NO_DOMAIN, NULL);
    assert_fails(op(lv_domain_undefine, f->conn, uuid, 0), LV_ERR_NO_DOMAIN, NULL);

    /* A running persistent domain becomes transient and keeps running. */
    assert_ok(set_autostart(f->conn, f->test_uuid, true));
    assert_ok(op(lv_domain_undefine, f->conn, f->test_uuid, 0));
    lv_domain_info *info = info_of(f->conn, "test");
    assert_false(info->persistent);
    assert_false(info->autostart);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->id, 1);
    lv_domain_info_free(info);
    assert_fails(op(lv_domain_undefine, f->conn, f->test_uuid, 0), LV_ERR_OPERATION_INVALID,
                 "transient");
    assert_ok(op(lv_domain_destroy, f->conn, f->test_uuid, 0));
    assert_int_equal(count_domains(f->conn), 0);
}

/* ---- lookup and list ---------------------------------------------------- */

void test_lookup(void **state)
{
    fixture *f = *state;
    static const struct {
        lv_lookup_by by;
        const char *key;
    } hits[] = {
        {LV_LOOKUP_NAME, "test"},
        {LV_LOOKUP_ID, "1"},
        {LV_LOOKUP_UUID, "6695eb01-f6a4-8304-79aa-97f2502e193f"},
        {LV_LOOKUP_UUID, "6695eb01f6a4830479aa97f2502e193f"},
        {LV_LOOKUP_ANY, "test"},
        {LV_LOOKUP_ANY, "1"},
        {LV_LOOKUP_ANY, "6695eb01-f6a4-8304-79aa-97f2502e193f"},
    };
    for (size_t i = 0; i < sizeof(hits) / sizeof(hits[0]); i++) {
        lv_domain_info *info = NULL;
        assert_ok(lookup(f->conn, hits[i].by, hits[i].key, &info));
        assert_string_equal(info->name, "test");
        lv_domain_info_free(info);
    }
    assert_fails(lookup(f->conn, LV_LOOKUP_ANY, "x", NULL), LV_ERR_NO_DOMAIN,
                 "domain 'x' not found");
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "1", NULL), LV_ERR_NO_DOMAIN,
                 "domain '1' not found");
    assert_fails(lookup(f->conn, LV_LOOKUP_ID, "7", NULL), LV_ERR_NO_DOMAIN,
                 "domain '7' not found");
    assert_fails(lookup(f->conn, LV_LOOKUP_ID, "x1", NULL), LV_ERR_INVALID_ARG, "x1");
    assert_fails(lookup(f->conn, LV_LOOKUP_ID, "-1", NULL), LV_ERR_INVALID_ARG, NULL);
    assert_fails(lookup(f->conn, LV_LOOKUP_UUID, "not-a-uuid", NULL), LV_ERR_INVALID_ARG, NULL);
    assert_fails(lookup(f->conn, LV_LOOKUP_UUID, "00000000-1111-2222-3333-444444444444", NULL),
                 LV_ERR_NO_DOMAIN, NULL);

    /* A numeric name: ANY tries the id first, then the name. */
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "42", uuid);
    lv_domain_info *info = NULL;
    assert_ok(lookup(f->conn, LV_LOOKUP_ANY, "42", &info));
    assert_memory_equal(info->uuid, uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    /* an inactive domain has no id */
    assert_fails(lookup(f->conn, LV_LOOKUP_ID, "42", NULL), LV_ERR_NO_DOMAIN, NULL);
}

void test_list_flags(void **state)
{
    fixture *f = *state;
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "zeta", uuid);
    define_new(f->conn, "alpha", uuid);
    assert_ok(op(lv_domain_start, f->conn, uuid, 0));
    define_new(f->conn, "mid", uuid);

    lv_domain_list *list = NULL;
    assert_ok(list_all(f->conn, 0, &list));
    assert_int_equal(list->count, 4);
    const char *all[] = {"alpha", "mid", "test", "zeta"}; /* sorted by name */
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(list->items[i].name, all[i]);
    lv_domain_list_free(list);

    assert_ok(list_all(f->conn, LV_LIST_ACTIVE | LV_LIST_INACTIVE, &list));
    assert_int_equal(list->count, 4);
    lv_domain_list_free(list);

    assert_ok(list_all(f->conn, LV_LIST_ACTIVE, &list));
    assert_int_equal(list->count, 2);
    assert_string_equal(list->items[0].name, "alpha");
    assert_string_equal(list->items[1].name, "test");
    assert_int_equal(list->items[0].id, 2);
    lv_domain_list_free(list);

    assert_ok(list_all(f->conn, LV_LIST_INACTIVE, &list));
    assert_int_equal(list->count, 2);
    assert_string_equal(list->items[0].name, "mid");
    assert_string_equal(list->items[1].name, "zeta");
    assert_int_equal(list->items[1].id, -1);
    lv_domain_list_free(list);

    assert_fails(list_all(f->conn, 0x80, &list), LV_ERR_INVALID_ARG, NULL);
}

/* ---- autostart, metadata, rename ---------------------------------------- */

void test_autostart(void **state)
{
    fixture *f = *state;
    assert_ok(set_autostart(f->conn, f->test_uuid, true));
    lv_domain_info *info = info_of(f->conn, "test");
    assert_true(info->autostart);
    lv_domain_info_free(info);
    assert_ok(set_autostart(f->conn, f->test_uuid, false));
    info = info_of(f->conn, "test");
    assert_false(info->autostart);
    lv_domain_info_free(info);
}

void test_metadata(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    char *live = NULL, *inactive = NULL;

    /* Running, no flags: the live definition only. */
    assert_ok(set_metadata(f->conn, u, LV_METADATA_DESCRIPTION, "live words", 0));
    assert_ok(get_xml(f->conn, u, 0, &live));
    assert_ok(get_xml(f->conn, u, LV_XML_INACTIVE, &inactive));
    assert_true(has(live, "live words"));
    assert_false(has(inactive, "live words"));
    free(live);
    free(inactive);

    assert_ok(set_metadata(f->conn, u, LV_METADATA_TITLE, "Config title", LV_AFFECT_CONFIG));
    lv_domain_info *info = info_of(f->conn, "test");
    assert_null(info->title); /* the info shows the live definition */
    lv_domain_info_free(info);
    assert_ok(get_xml(f->conn, u, LV_XML_INACTIVE, &inactive));
    assert_true(has(inactive, "<title>Config title</title>"));
    free(inactive);

    assert_ok(
        set_metadata(f->conn, u, LV_METADATA_TITLE, "Both", LV_AFFECT_LIVE | LV_AFFECT_CONFIG));
    info = info_of(f->conn, "test");
    assert_string_equal(info->title, "Both");
    lv_domain_info_free(info);

    assert_fails(set_metadata(f->conn, u, LV_METADATA_TITLE, "two\nlines", 0), LV_ERR_INVALID_ARG,
                 "title");
    assert_fails(set_metadata(f->conn, u, LV_METADATA_TITLE, "x", 0x40), LV_ERR_INVALID_ARG,
                 "flags");

    /* NULL removes it */
    assert_ok(set_metadata(f->conn, u, LV_METADATA_TITLE, NULL, LV_AFFECT_LIVE));
    info = info_of(f->conn, "test");
    assert_null(info->title);
    lv_domain_info_free(info);
    assert_ok(get_xml(f->conn, u, LV_XML_INACTIVE, &inactive));
    assert_true(has(inactive, "<title>Both</title>"));
    free(inactive);

    /* Shut off, no flags: the persistent definition; live is refused. */
    assert_ok(op(lv_domain_destroy, f->conn, u, 0));
    assert_fails(set_metadata(f->conn, u, LV_METADATA_DESCRIPTION, "x", LV_AFFECT_LIVE),
                 LV_ERR_OPERATION_INVALID, "not running");
    assert_ok(set_metadata(f->conn, u, LV_METADATA_DESCRIPTION, "off words", 0));
    assert_ok(set_metadata(f->conn, u, LV_METADATA_TITLE, "", 0)); /* "" removes too */
    info = info_of(f->conn, "test");
    assert_null(info->title);
    lv_domain_info_free(info);
    assert_ok(get_xml(f->conn, u, 0, &inactive));
    assert_true(has(inactive, "off words"));
    assert_false(has(inactive, "<title>"));
    free(inactive);

    /* Transient: there is no persistent definition to change. */
    char *xml = dom_xml("tmp", NULL, 4096);
    assert_ok(create(f->conn, xml, 0, &info));
    free(xml);
    assert_fails(set_metadata(f->conn, info->uuid, LV_METADATA_TITLE, "t", LV_AFFECT_CONFIG),
                 LV_ERR_OPERATION_INVALID, "transient");
    assert_ok(set_metadata(f->conn, info->uuid, LV_METADATA_TITLE, "t", 0));
    lv_domain_info_free(info);
    info = info_of(f->conn, "tmp");
    assert_string_equal(info->title, "t");
    lv_domain_info_free(info);
}

void test_rename(void **state)
{
    fixture *f = *state;
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "old", uuid);

    assert_fails(rename_dom(f->conn, f->test_uuid, "new"), LV_ERR_OPERATION_INVALID,
                 "cannot rename domain 'test'");
    assert_fails(rename_dom(f->conn, uuid, "test"), LV_ERR_DUPLICATE,
                 "domain 'test' already exists");
    assert_fails(rename_dom(f->conn, uuid, "old"), LV_ERR_OPERATION_INVALID, NULL);
    static const char *const bad[] = {"a/b", "", "..", ".x", "bad\001name"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_fails(rename_dom(f->conn, uuid, bad[i]), LV_ERR_INVALID_ARG, NULL);
    char longname[300];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_fails(rename_dom(f->conn, uuid, longname), LV_ERR_INVALID_ARG, NULL);
    assert_fails(rename_dom(f->conn, uuid, NULL), LV_ERR_INVALID_ARG, NULL);
    lv_domain_info *info = info_of(f->conn, "old");
    lv_domain_info_free(info);

    assert_ok(rename_dom(f->conn, uuid, "new"));
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "old", NULL), LV_ERR_NO_DOMAIN, NULL);
    info = info_of(f->conn, "new");
    assert_memory_equal(info->uuid, uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    char *xml = NULL;
    assert_ok(get_xml(f->conn, uuid, 0, &xml));
    assert_true(has(xml, "<name>new</name>"));
    free(xml);
    /* the old name is free again */
    define_new(f->conn, "old", uuid);
}
