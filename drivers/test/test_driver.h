/* test:///default and test:///ABS/PATH.xml: an in-memory driver, per process,
 * with the same state machine as the qemu driver. For dry runs, demos, script
 * development and the command transcripts. */
#ifndef LV_TEST_DRIVER_H
#define LV_TEST_DRIVER_H

#include "../driver.h"

extern const lv_driver lv_test_driver;

#endif
