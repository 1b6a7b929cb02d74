/* qemu:///system, qemu:///session, qemu:///embed?root=DIR: real QEMU guests with
 * no daemon. See docs/qemu-driver.md. */
#ifndef LV_QEMU_DRIVER_H
#define LV_QEMU_DRIVER_H

#include "../driver.h"

extern const lv_driver lv_qemu_driver;

/* The per-guest monitor process: main() of the luvirt-monitor binary
 * (qemu_monitor_proc.c, shell/monitor_main.c). */
int lv_qemu_monitor_main(int argc, char **argv);

#endif
