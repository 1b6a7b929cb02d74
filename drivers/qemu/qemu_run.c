/* Running guests: not yet. */
#include "qemu_run.h"

#include "qemu_driver.h"

static void unsupported(const char *op, lv_error *err)
{
    lv_error_set(err, LV_ERR_NO_SUPPORT, "%s is not supported by the qemu driver yet", op);
}

#define STUB(fn, label)                                                                            \
    void fn(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb, void *opaque)   \
    {                                                                                              \
        (void)c;                                                                                   \
        (void)uuid;                                                                                \
        (void)flags;                                                                               \
        lv_error err;                                                                              \
        unsupported(label, &err);                                                                  \
        cb(opaque, &err);                                                                          \
    }

STUB(lv__qemu_start, "start")
STUB(lv__qemu_shutdown, "shutdown")
STUB(lv__qemu_destroy, "destroy")
STUB(lv__qemu_reboot, "reboot")
STUB(lv__qemu_reset, "reset")
STUB(lv__qemu_suspend, "suspend")
STUB(lv__qemu_resume, "resume")

void lv__qemu_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                         void *opaque)
{
    (void)c;
    (void)xml;
    (void)flags;
    lv_error err;
    unsupported("create", &err);
    cb(opaque, NULL, &err);
}

void lv__qemu_version(lv_conn *c, lv_version_cb cb, void *opaque)
{
    (void)c;
    static const lv_version_info v = {.hypervisor = "QEMU", .hv_version = 7002000};
    cb(opaque, &v, NULL);
}

void lv__qemu_capabilities(lv_conn *c, lv_string_cb cb, void *opaque)
{
    (void)c;
    lv_error err;
    unsupported("capabilities", &err);
    cb(opaque, NULL, &err);
}

void lv__qemu_run_close(lv__qemu_state *st)
{
    (void)st;
}

int lv_qemu_monitor_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}
