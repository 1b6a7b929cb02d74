/* Shared by the pieces of test_xml2argv: the launch of a test and the cases. */
#ifndef LV_TEST_XML2ARGV_H
#define LV_TEST_XML2ARGV_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>

#include "conf/domain_conf.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "qemu_command.h"

#ifndef XML2ARGV_DATA_DIR
#error "XML2ARGV_DATA_DIR must point at tests/data/xml2argv"
#endif

typedef struct test_launch {
    lv_qemu_launch l;
    lv_qemu_monitor mons[2];
    int fds[16];
    char *strings[16];
    size_t nstrings;
    bool qemu_check;
    bool qemu_check_kvm;
} test_launch;

/* ---- test_xml2argv.c ---------------------------------------------------------------------- */

char *read_file_or_null(const char *path);
const char *keep(test_launch *t, char *s);
void test_launch_clear(test_launch *t);
void test_launch_init(test_launch *t, const char *name, const char *xml);
lv_domain_def *parse_case(const char *name, char **xml_out);
char **case_names(size_t *count);

/* ---- test_xml2argv_qemu.c ----------------------------------------------------------------- */

void test_qemu_accepts(void **state);
void test_guest_boots(void **state);
void test_guest_poweroff_preserve(void **state);
void test_guest_reboot_destroy(void **state);

#endif
