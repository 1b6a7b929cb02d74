/* Shared by the unit tests: cmocka's required includes and error checks. */
#ifndef LV_TEST_UNIT_HELPERS_H
#define LV_TEST_UNIT_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/error.h"

/* The message must contain needle; prints the whole message when it does not. */
#define assert_message_has(err, needle)                                                            \
    do {                                                                                           \
        if (!strstr((err)->message, (needle)))                                                     \
            fail_msg("message \"%s\" lacks \"%s\"", (err)->message, (needle));                     \
    } while (0)

/* One line: no newline or other control character in the message. */
#define assert_one_line(err)                                                                       \
    do {                                                                                           \
        for (const char *p_ = (err)->message; *p_; p_++)                                           \
            if ((unsigned char)*p_ < 0x20)                                                         \
                fail_msg("message \"%s\" has a control character", (err)->message);                \
    } while (0)

#endif
