/* Shared by the pieces of test_testdriver: the loop, waiting for completions,
 * synchronous wrappers over the lv_* entry points, helpers, fixtures. */
#ifndef LV_TEST_TESTDRIVER_H
#define LV_TEST_TESTDRIVER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "driver.h"

typedef struct result {
    bool done;
    bool failed;
    lv_error err;
    lv_conn *conn;
    lv_domain_info *info;
    lv_domain_list *list;
    char *str;
    lv_node_info node;
    lv_version_info version;
} result;

/* The error code of the last failure, LV_ERR_NONE on success. */
extern lv_error last_err;

#define assert_fails(expr, code_, needle)                                                          \
    do {                                                                                           \
        if ((expr) == 0)                                                                           \
            fail_msg("%s succeeded; expected %s", #expr, lv_error_code_name(code_));               \
        if (last_err.code != (code_))                                                              \
            fail_msg("%s: %s \"%s\"; expected %s", #expr, lv_error_code_name(last_err.code),       \
                     last_err.message, lv_error_code_name(code_));                                 \
        if ((needle) && !strstr(last_err.message, (needle) ? (needle) : ""))                       \
            fail_msg("message \"%s\" lacks \"%s\"", last_err.message, (needle));                   \
    } while (0)

#define assert_ok(expr)                                                                            \
    do {                                                                                           \
        if ((expr) != 0)                                                                           \
            fail_msg("%s failed: %s: %s", #expr, lv_error_code_name(last_err.code),                \
                     last_err.message);                                                            \
    } while (0)

typedef void (*uuid_op)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                        void *opaque);

extern const char test_uuid_str[];

typedef struct fixture {
    lv_conn *conn;
    unsigned char test_uuid[LV_UUID_LEN];
} fixture;

/* ---- test_testdriver.c: the harness ---------------------------------------------------------- */

void record_err(result *r, const lv_error *err);
void string_cb(void *opaque, char *str, const lv_error *err);
void node_cb(void *opaque, const lv_node_info *info, const lv_error *err);
void version_cb(void *opaque, const lv_version_info *info, const lv_error *err);
int finish(result *r);
int conn_open(const char *uri, unsigned flags, lv_conn **out);
lv_conn *open_ok(const char *uri, unsigned flags);
int op(uuid_op fn, lv_conn *c, const unsigned char *uuid, unsigned flags);
int lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_domain_info **out);
int define(lv_conn *c, const char *xml, lv_domain_info **out);
int create(lv_conn *c, const char *xml, unsigned flags, lv_domain_info **out);
int get_info(lv_conn *c, const unsigned char *uuid, lv_domain_info **out);
int get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, char **out);
int list_all(lv_conn *c, unsigned flags, lv_domain_list **out);
int set_autostart(lv_conn *c, const unsigned char *uuid, bool on);
int set_metadata(lv_conn *c, const unsigned char *uuid, lv_metadata_kind kind, const char *text,
                 unsigned flags);
int rename_dom(lv_conn *c, const unsigned char *uuid, const char *name);
char *dom_xml(const char *name, const char *uuid, unsigned long mem_kib);
lv_domain_info *info_of(lv_conn *c, const char *name);
void assert_state(lv_conn *c, const unsigned char *uuid, lv_domain_state state, int reason);
size_t count_domains(lv_conn *c);
bool has(const char *haystack, const char *needle);
void define_new(lv_conn *c, const char *name, unsigned char out[LV_UUID_LEN]);

/* ---- test_testdriver_conn.c: tests ----------------------------------------------------------- */

void test_connection_info(void **state);
void test_preloaded(void **state);
void test_default_is_shared(void **state);
void test_default_fresh_after_last_close(void **state);
void test_bad_uris(void **state);
void test_readonly(void **state);
void test_close_in_callback(void **state);
void test_file_uri(void **state);
void test_file_uri_errors(void **state);

/* ---- test_testdriver_state.c: tests ---------------------------------------------------------- */

void test_suspend_resume(void **state);
void test_shutdown_wait_and_monitor(void **state);
void test_stats(void **state);
void test_events(void **state);
void test_shutdown_start_destroy(void **state);
void test_reboot_reset(void **state);
void test_reboot_on_reboot_destroy(void **state);
void test_cpu_time(void **state);
void test_unknown_uuid_and_flags(void **state);

/* ---- test_testdriver_define.c: tests --------------------------------------------------------- */

void test_define_new(void **state);
void test_define_update(void **state);
void test_define_running_next_boot(void **state);
void test_define_bad_input(void **state);
void test_create_transient(void **state);
void test_create_existing(void **state);
void test_define_makes_transient_persistent(void **state);
void test_undefine(void **state);
void test_lookup(void **state);
void test_list_flags(void **state);
void test_autostart(void **state);
void test_metadata(void **state);
void test_rename(void **state);

#endif
