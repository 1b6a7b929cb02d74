/* qemu:///system, qemu:///session, qemu:///embed?root=DIR: real QEMU guests with
 * no daemon. See docs/qemu-driver.md. */
#ifndef LV_QEMU_DRIVER_H
#define LV_QEMU_DRIVER_H

#include "../driver.h"

extern const lv_driver lv_qemu_driver;

/* The hidden monitor mode of the luvirt binary: when argv[1] is
 * LV_QEMU_MONITOR_ARGV1, main() calls this before any Lua is set up and exits
 * with its result. */
#define LV_QEMU_MONITOR_ARGV1 "__luvirt-qemu-monitor"
int lv_qemu_monitor_main(int argc, char **argv);

#endif
