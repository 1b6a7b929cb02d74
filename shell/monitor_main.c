/* luvirt-monitor: the qemu driver's per-guest monitor process, a program of its
 * own so that what stays in memory for each running guest is small (no Lua, no
 * libxml2, no readline). Everything is in drivers/qemu/qemu_monitor_proc.c. */
#include "qemu/qemu_driver.h"

int main(int argc, char **argv)
{
    return lv_qemu_monitor_main(argc, argv);
}
