/* The element tables of the devices in the domain XML (and of <seclabel>): which
 * attributes and children luvirt accepts and where they land, in libvirt's order.
 * xml_bind.c does the walking; domain_conf_domain.c lists them under <devices>. */
#include "domain_conf_priv.h"

/* ---- devices ----------------------------------------------------------------------------- */

/* clang-format off */

const lv__xb_elem lv__dc_disk_elem = {
    .attrs = ATTRS(AE("type", lv_disk_def, type, "file", "block", "volume"),
                   AE("device", lv_disk_def, device, "disk", "cdrom")),
    .children = CHILDREN(
        INL("driver",
            .attrs = ATTRS(AE("name", lv_disk_def, driver_name, "qemu"),
                           AE("type", lv_disk_def, driver_type, "raw", "qcow2"),
                           AE("cache", lv_disk_def, driver_cache, "default", "none",
                              "writethrough", "writeback", "directsync", "unsafe"),
                           AE("error_policy", lv_disk_def, driver_error_policy, "stop", "report",
                              "ignore", "enospace"),
                           AE("rerror_policy", lv_disk_def, driver_rerror_policy, "stop",
                              "report", "ignore"),
                           AE("io", lv_disk_def, driver_io, "native", "threads", "io_uring"),
                           AE("discard", lv_disk_def, driver_discard, "unmap", "ignore"),
                           AE("detect_zeroes", lv_disk_def, driver_detect_zeroes, "off", "on",
                              "unmap"))),
        INL("source", .attrs = ATTRS(A("file", STR, lv_disk_def, source_file),
                                     A("dev", STR, lv_disk_def, source_dev),
                                     A("pool", STR, lv_disk_def, source_pool),
                                     A("volume", STR, lv_disk_def, source_volume),
                                     AE("mode", lv_disk_def, source_mode, "host", "direct"),
                                     A("index", UINT, lv_disk_def, source_index))),
        FLAG("backingStore", lv_disk_def, backing_store),
        INL("target",
            .attrs = ATTRS(A("dev", STR, lv_disk_def, target_dev),
                           AE("bus", lv_disk_def, target_bus, "virtio", "sata", "scsi", "ide",
                              "usb"),
                           AE("tray", lv_disk_def, target_tray, "open", "closed"),
                           A("removable", ONOFF, lv_disk_def, target_removable))),
        FLAG("readonly", lv_disk_def, readonly), FLAG("shareable", lv_disk_def, shareable),
        TXT("serial", STR, lv_disk_def, serial), INFO(lv_disk_def)),
};

#define PCI_MODELS                                                                                 \
    "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-root-port",                  \
        "pcie-switch-upstream-port", "pcie-switch-downstream-port", "pci-expander-bus",            \
        "pcie-expander-bus", "pcie-to-pci-bridge"
#define USB_MODELS                                                                                 \
    "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3",    \
        "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qemu-xhci", "none"
#define SCSI_MODELS "virtio-scsi", "lsilogic", "virtio-transitional", "virtio-non-transitional"
#define VIRTIO_SERIAL_MODELS "virtio", "virtio-transitional", "virtio-non-transitional"

const char *const lv__dc_pci_models[] = {PCI_MODELS, NULL};
const char *const lv__dc_usb_models[] = {USB_MODELS, NULL};
const char *const lv__dc_scsi_models[] = {SCSI_MODELS, NULL};
const char *const lv__dc_vioser_models[] = {VIRTIO_SERIAL_MODELS, NULL};

const lv__xb_elem lv__dc_controller_elem = {
    .attrs = ATTRS(AE("type", lv_controller_def, type, "pci", "usb", "sata", "scsi", "ide",
                      "virtio-serial"),
                   A("index", UINT, lv_controller_def, index),
                   AE("model", lv_controller_def, model, PCI_MODELS, USB_MODELS, "virtio-scsi",
                      "lsilogic", VIRTIO_SERIAL_MODELS),
                   A("ports", UINT, lv_controller_def, ports),
                   A("vectors", UINT, lv_controller_def, vectors)),
    .children = CHILDREN(
        INL("model", .attrs = ATTRS(A("name", STR, lv_controller_def, model_name))),
        INL("target", .attrs = ATTRS(A("chassisNr", UINT, lv_controller_def, target_chassis_nr),
                                     A("chassis", UINT, lv_controller_def, target_chassis),
                                     AHEX("port", lv_controller_def, target_port, 0),
                                     A("busNr", UINT, lv_controller_def, target_bus_nr),
                                     A("index", UINT, lv_controller_def, target_index),
                                     A("hotplug", ONOFF, lv_controller_def, target_hotplug))),
        INFO_BOOT_ALIAS(lv_controller_def),
        INL("master", .attrs = ATTRS(A("startport", UINT, lv_controller_def, master_startport))),
        INFO_ADDRESS(lv_controller_def)),
};

const lv__xb_elem lv__dc_net_elem = {
    .attrs = ATTRS(AE("type", lv_net_def, type, "network", "bridge", "user")),
    .children = CHILDREN(
        INL("mac", .attrs = ATTRS(A("address", MAC, lv_net_def, mac))),
        INL("source", .attrs = ATTRS(A("network", STR, lv_net_def, source_network),
                                     A("portid", STR, lv_net_def, source_portid),
                                     A("bridge", STR, lv_net_def, source_bridge))),
        INL("target", .attrs = ATTRS(A("dev", STR, lv_net_def, target_dev))),
        INL("model", .attrs = ATTRS(AE("type", lv_net_def, model_type, "virtio", "e1000",
                                       "e1000e", "rtl8139", "virtio-transitional",
                                       "virtio-non-transitional"))),
        INL("driver", .attrs = ATTRS(AE("name", lv_net_def, driver_name, "qemu", "vhost"),
                                     A("queues", UINT, lv_net_def, driver_queues))),
        INL("link", .attrs = ATTRS(AE("state", lv_net_def, link_state, "up", "down"))),
        INL("mtu", .attrs = ATTRS(A("size", UINT, lv_net_def, mtu_size))), INFO(lv_net_def)),
};

const lv__xb_elem lv__dc_chardev_elem = {
    .attrs = ATTRS(AE("type", lv_chardev_def, type, "pty", "unix", "file"),
                   A("tty", STR, lv_chardev_def, tty)),
    .children = CHILDREN(
        INL("source", .attrs = ATTRS(AE("mode", lv_chardev_def, source_mode, "bind", "connect"),
                                     A("path", STR, lv_chardev_def, source_path),
                                     A("append", ONOFF, lv_chardev_def, source_append))),
        INL("log", .attrs = ATTRS(A("file", STR, lv_chardev_def, log_file),
                                  A("append", ONOFF, lv_chardev_def, log_append))),
        INL("target",
            .attrs = ATTRS(AE("type", lv_chardev_def, target_type, "isa-serial", "usb-serial",
                              "pci-serial", "serial", "virtio"),
                           A("port", UINT, lv_chardev_def, target_port),
                           A("name", STR, lv_chardev_def, target_name),
                           AE("state", lv_chardev_def, target_state, "connected",
                              "disconnected")),
            .children = CHILDREN(INL(
                "model", .attrs = ATTRS(AE("name", lv_chardev_def, target_model_name,
                                           "isa-serial", "usb-serial", "pci-serial"))))),
        INFO(lv_chardev_def)),
};

const lv__xb_elem lv__dc_input_elem = {
    .attrs = ATTRS(AE("type", lv_input_def, type, "mouse", "tablet", "keyboard"),
                   AE("bus", lv_input_def, bus, "ps2", "usb", "virtio")),
    .children = CHILDREN(INFO(lv_input_def)),
};

const lv__xb_elem lv__dc_graphics_elem = {
    .attrs = ATTRS(AE("type", lv_graphics_def, type, "vnc"), A("port", INT, lv_graphics_def, port),
                   A("autoport", YESNO, lv_graphics_def, autoport),
                   A("websocket", INT, lv_graphics_def, websocket),
                   A("listen", STR, lv_graphics_def, listen),
                   A("keymap", STR, lv_graphics_def, keymap),
                   AE("sharePolicy", lv_graphics_def, share_policy, "allow-exclusive",
                      "force-shared", "ignore"),
                   {.name = "passwd",
                    .type = LV__XB_STR,
                    .off = offsetof(lv_graphics_def, passwd),
                    .flags = LV__XB_SECURE}),
    .children = CHILDREN(INL(
        "listen", .attrs = ATTRS(AE("type", lv_graphics_def, listen_type, "address", "none",
                                    "socket"),
                                 A("address", STR, lv_graphics_def, listen_address),
                                 A("socket", STR, lv_graphics_def, listen_socket)))),
};

const lv__xb_elem lv__dc_audio_elem = {
    .attrs = ATTRS(A("id", UINT, lv_audio_def, id), AE("type", lv_audio_def, type, "none")),
};

const lv__xb_elem lv__dc_video_elem = {
    .children = CHILDREN(
        INL("model", .attrs = ATTRS(AE("type", lv_video_def, model_type, "vga", "cirrus",
                                       "virtio", "qxl", "bochs", "ramfb", "none"),
                                    A("ram", UINT, lv_video_def, model_ram),
                                    A("vram", UINT, lv_video_def, model_vram),
                                    A("vgamem", UINT, lv_video_def, model_vgamem),
                                    A("heads", UINT, lv_video_def, model_heads),
                                    A("primary", YESNO, lv_video_def, model_primary))),
        INFO(lv_video_def)),
};

const lv__xb_elem lv__dc_watchdog_elem = {
    .attrs = ATTRS(AE("model", lv_watchdog_def, model, "itco"),
                   AE("action", lv_watchdog_def, action, "reset")),
};

const lv__xb_elem lv__dc_memballoon_elem = {
    .attrs = ATTRS(AE("model", lv_memballoon_def, model, "virtio", "virtio-transitional",
                      "virtio-non-transitional", "none"),
                   A("autodeflate", ONOFF, lv_memballoon_def, autodeflate),
                   A("freePageReporting", ONOFF, lv_memballoon_def, free_page_reporting)),
    .children = CHILDREN(INL("stats", .attrs = ATTRS(A("period", UINT, lv_memballoon_def,
                                                       stats_period))),
                         INFO(lv_memballoon_def)),
};

const lv__xb_elem lv__dc_rng_elem = {
    .attrs = ATTRS(AE("model", lv_rng_def, model, "virtio", "virtio-transitional",
                      "virtio-non-transitional")),
    .children = CHILDREN(INL("rate", .attrs = ATTRS(A("bytes", UINT, lv_rng_def, rate_bytes),
                                                    A("period", UINT, lv_rng_def, rate_period))),
                         INL("backend",
                             .attrs = ATTRS(AE("model", lv_rng_def, backend_model, "random")),
                             .text = LV__XB_STR, .text_off = offsetof(lv_rng_def, backend_path)),
                         INFO(lv_rng_def)),
};

const lv__xb_elem lv__dc_seclabel_elem = {
    .attrs = ATTRS(AE("type", lv_seclabel_def, type, "dynamic", "static", "none"),
                   A("model", STR, lv_seclabel_def, model),
                   A("relabel", YESNO, lv_seclabel_def, relabel)),
    .children = CHILDREN(TXT("label", STR, lv_seclabel_def, label),
                         TXT("imagelabel", STR, lv_seclabel_def, imagelabel),
                         TXT("baselabel", STR, lv_seclabel_def, baselabel)),
};

/* clang-format on */
