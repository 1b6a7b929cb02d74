/* libvirt domain XML <-> C structs: parse, validate, format.
 * Owned by drivers/conf. The fields below the "shared" marker are used by the
 * drivers and must keep their names and meaning; the rest grow freely.
 *
 * The rest mirrors the XML one field per attribute, named element_attribute
 * (<driver cache='none'/> in a disk is lv_disk_def.driver_cache). Enumerated
 * values are kept as the strings the XML uses ("virtio", "qcow2"), already
 * checked against the supported set, so drivers compare with strcmp (fields
 * are NULL when absent). docs/xml-domain.md lists what is accepted. */
#ifndef LV_CONF_DOMAIN_CONF_H
#define LV_CONF_DOMAIN_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/uuid.h"

typedef struct lv_domain_def lv_domain_def;

/* An optional number: set is false when the attribute was absent. */
typedef struct lv_opt_uint {
    bool set;
    unsigned int value;
} lv_opt_uint;

typedef struct lv_opt_int {
    bool set;
    int value;
} lv_opt_int;

/* yes/no or on/off attributes (the XML word depends on the attribute). */
typedef enum lv_tristate {
    LV_TRISTATE_ABSENT = 0,
    LV_TRISTATE_YES, /* "yes" or "on" */
    LV_TRISTATE_NO,  /* "no" or "off" */
} lv_tristate;

typedef enum lv_address_type {
    LV_ADDRESS_NONE = 0,
    LV_ADDRESS_PCI,
    LV_ADDRESS_DRIVE,
    LV_ADDRESS_VIRTIO_SERIAL,
    LV_ADDRESS_USB,
} lv_address_type;

/* <address type='...'/> of a device. */
typedef struct lv_device_address {
    lv_address_type type;
    /* pci */
    unsigned int domain, bus, slot, function;
    lv_tristate multifunction;
    /* drive: controller, bus, target, unit; virtio-serial: controller, bus, port;
     * usb: bus, port (a dotted hub path such as "1" or "1.2") */
    unsigned int controller, target, unit;
    char *port;
} lv_device_address;

/* What every device may carry: <boot order>, <alias>, <address>. */
typedef struct lv_device_info {
    lv_opt_uint boot_order;
    char *alias; /* runtime name, or a user alias "ua-..." */
    lv_device_address address;
} lv_device_info;

typedef struct lv_disk_def {
    char *type;        /* file, block, volume */
    char *device;      /* disk, cdrom */
    char *driver_name; /* qemu */
    char *driver_type; /* raw, qcow2 */
    char *driver_cache, *driver_error_policy, *driver_rerror_policy, *driver_io;
    char *driver_discard, *driver_detect_zeroes;
    char *source_file;                               /* type file */
    char *source_dev;                                /* type block */
    char *source_pool, *source_volume, *source_mode; /* type volume */
    lv_opt_uint source_index;                        /* runtime */
    bool backing_store;                              /* an empty <backingStore/> (runtime) */
    char *target_dev;
    char *target_bus;  /* virtio, sata, scsi, ide, usb (filled in from dev when absent) */
    char *target_tray; /* cdrom: open, closed */
    lv_tristate target_removable;
    bool readonly, shareable;
    char *serial;
    lv_device_info info;
} lv_disk_def;

typedef struct lv_controller_def {
    char *type;        /* pci, usb, sata, scsi, ide, virtio-serial */
    lv_opt_uint index; /* always set after parsing */
    char *model;
    lv_opt_uint ports, vectors;
    char *model_name; /* <model name=.../> */
    lv_opt_uint target_chassis_nr, target_chassis, target_port, target_bus_nr, target_index;
    lv_tristate target_hotplug;
    lv_opt_uint master_startport;
    lv_device_info info;
} lv_controller_def;

typedef struct lv_net_def {
    char *type; /* network, bridge, user */
    char *mac;  /* "52:54:00:12:34:56", normalised */
    char *source_network, *source_portid, *source_bridge;
    char *target_dev;
    char *model_type; /* virtio, e1000, e1000e, rtl8139 */
    char *driver_name;
    lv_opt_uint driver_queues;
    char *link_state; /* up, down */
    lv_opt_uint mtu_size;
    lv_device_info info;
} lv_net_def;

/* <serial>, <console> and <channel>. */
typedef struct lv_chardev_def {
    char *type; /* pty, unix, file */
    char *tty;  /* console, runtime */
    char *source_mode, *source_path;
    lv_tristate source_append;
    char *target_type;
    lv_opt_uint target_port;
    char *target_name;  /* channel: org.qemu.guest_agent.0 */
    char *target_state; /* channel, runtime */
    char *target_model_name;
    char *log_file;
    lv_tristate log_append;
    lv_device_info info;
} lv_chardev_def;

typedef struct lv_input_def {
    char *type; /* mouse, tablet, keyboard */
    char *bus;  /* ps2, usb, virtio */
    lv_device_info info;
} lv_input_def;

typedef struct lv_graphics_def {
    char *type;      /* vnc */
    lv_opt_int port; /* -1 with autoport */
    lv_tristate autoport;
    lv_opt_int websocket;
    char *listen;
    char *keymap;
    char *share_policy;
    char *passwd;      /* only formatted with LV_DOMAIN_FORMAT_SECURE */
    char *listen_type; /* <listen type=...>: address, none, socket */
    char *listen_address, *listen_socket;
} lv_graphics_def;

typedef struct lv_audio_def {
    lv_opt_uint id;
    char *type; /* none */
} lv_audio_def;

typedef struct lv_video_def {
    char *model_type; /* vga, cirrus, virtio, qxl, bochs, ramfb, none */
    lv_opt_uint model_ram, model_vram, model_vgamem, model_heads;
    lv_tristate model_primary;
    lv_device_info info;
} lv_video_def;

typedef struct lv_memballoon_def {
    char *model; /* virtio, none */
    lv_tristate autodeflate, free_page_reporting;
    lv_opt_uint stats_period;
    lv_device_info info;
} lv_memballoon_def;

/* Only the watchdog every q35 machine has anyway, as newer libvirt writes it. */
typedef struct lv_watchdog_def {
    char *model;  /* itco */
    char *action; /* reset */
} lv_watchdog_def;

typedef struct lv_rng_def {
    char *model; /* virtio */
    lv_opt_uint rate_bytes, rate_period;
    char *backend_model; /* random */
    char *backend_path;  /* /dev/urandom, /dev/random, /dev/hwrng */
    lv_device_info info;
} lv_rng_def;

typedef struct lv_seclabel_def {
    char *type; /* dynamic, static, none */
    char *model;
    lv_tristate relabel;
    char *label, *imagelabel, *baselabel;
} lv_seclabel_def;

typedef struct lv_boot_dev {
    char *dev; /* hd, cdrom, network, fd */
} lv_boot_dev;

typedef struct lv_firmware_feature {
    lv_tristate enabled;
    char *name;
} lv_firmware_feature;

typedef struct lv_os_def {
    char *arch, *machine;
    char *firmware; /* efi, bios */
    lv_firmware_feature *firmware_features;
    size_t nfirmware_features;
    char *loader; /* path */
    lv_tristate loader_readonly, loader_secure;
    char *loader_type;   /* rom, pflash */
    char *loader_format; /* raw, qcow2 */
    char *nvram, *nvram_template, *nvram_format;
    char *kernel, *initrd, *cmdline;
    lv_boot_dev *boot;
    size_t nboot;
    lv_tristate bootmenu_enable;
    lv_opt_uint bootmenu_timeout;
    lv_tristate bios_useserial;
    lv_opt_int bios_reboot_timeout;
} lv_os_def;

typedef struct lv_features_def {
    bool acpi, apic, pae, hap, vmcoreinfo;
    lv_tristate apic_eoi, hap_state, vmcoreinfo_state;
    char *vmport_state, *smm_state, *pvspinlock_state; /* on, off */
    char *ioapic_driver;                               /* kvm, qemu */
    char *kvm_hidden_state;
    char *hyperv_mode; /* custom, passthrough */
    lv_tristate hv_relaxed, hv_vapic, hv_spinlocks, hv_vpindex, hv_runtime, hv_synic, hv_stimer,
        hv_reset, hv_frequencies, hv_reenlightenment, hv_tlbflush, hv_ipi, hv_evmcs;
    lv_opt_uint hv_spinlocks_retries;
    lv_tristate hv_stimer_direct, hv_vendor_id;
    char *hv_vendor_id_value;
    bool present; /* a <features> element at all */
} lv_features_def;

typedef struct lv_cpu_feature {
    char *policy; /* force, require, optional, disable, forbid */
    char *name;
} lv_cpu_feature;

typedef struct lv_cpu_def {
    char *mode;  /* custom, host-model, host-passthrough, maximum */
    char *match; /* minimum, exact, strict */
    char *check; /* none, partial, full */
    lv_tristate migratable;
    char *model;
    char *model_fallback; /* allow, forbid */
    char *vendor;
    lv_opt_uint topology_sockets, topology_dies, topology_cores, topology_threads;
    lv_cpu_feature *features;
    size_t nfeatures;
} lv_cpu_def;

typedef struct lv_timer_def {
    char *name; /* rtc, pit, hpet, kvmclock, tsc, hypervclock */
    lv_tristate present;
    char *tickpolicy, *track, *mode;
    lv_opt_uint frequency;
} lv_timer_def;

typedef struct lv_clock_def {
    char *offset; /* utc, localtime, variable, timezone */
    char *adjustment, *basis, *timezone;
    lv_timer_def *timers;
    size_t ntimers;
} lv_clock_def;

struct lv_domain_def {
    /* ---- shared: used by drivers ---- */
    char *virt_type; /* <domain type='...'>: "kvm", "qemu" or "test" */
    char *name;
    unsigned char uuid[LV_UUID_LEN];
    char *title;                 /* NULL when none */
    char *description;           /* NULL when none */
    uint64_t memory_kib;         /* <memory>: the maximum at boot */
    uint64_t current_memory_kib; /* <currentMemory>; equals memory_kib when absent */
    unsigned int vcpus;          /* <vcpu>: maximum */
    unsigned int vcpus_current;  /* <vcpu current=...>; equals vcpus when absent */
    char *os_type;               /* <os><type>: "hvm" (or "linux" for the test driver) */
    /* ---- the rest of the supported subset: see domain_conf.c ---- */
    char *metadata;          /* the children of <metadata>, verbatim XML; NULL when none */
    uint64_t max_memory_kib; /* <maxMemory>; 0 when none */
    unsigned int max_memory_slots;
    char *vcpu_placement;     /* static, auto */
    char *vcpu_cpuset;        /* normalised, e.g. "0-3,6"; NULL when none */
    char *resource_partition; /* <resource><partition> */
    lv_os_def os;
    lv_features_def features;
    lv_cpu_def cpu;
    lv_clock_def clock;
    char *on_poweroff, *on_reboot, *on_crash; /* destroy, restart, preserve, ... */
    lv_tristate pm_suspend_to_mem, pm_suspend_to_disk;
    char *emulator;

    lv_disk_def *disks;
    size_t ndisks;
    lv_controller_def *controllers;
    size_t ncontrollers;
    lv_net_def *nets;
    size_t nnets;
    lv_chardev_def *serials;
    size_t nserials;
    lv_chardev_def *consoles;
    size_t nconsoles;
    lv_chardev_def *channels;
    size_t nchannels;
    lv_input_def *inputs;
    size_t ninputs;
    lv_graphics_def *graphics;
    size_t ngraphics;
    lv_audio_def *audios;
    size_t naudios;
    lv_video_def *videos;
    size_t nvideos;
    lv_watchdog_def *watchdogs;
    size_t nwatchdogs;
    lv_memballoon_def *memballoon; /* NULL when none */
    lv_rng_def *rngs;
    size_t nrngs;
    lv_seclabel_def *seclabels;
    size_t nseclabels;
};

enum {
    /* Parsing for a define: fill in a missing uuid and missing MACs. */
    LV_DOMAIN_PARSE_GENERATE = 1 << 0,
};

enum {
    /* Format the persistent form: leave out live-only parts (id, runtime aliases,
     * pty paths, vnet target names, disk source indexes, dynamic seclabels, the
     * port of an autoport VNC display). */
    LV_DOMAIN_FORMAT_INACTIVE = 1 << 0,
    /* Include secrets (the VNC passwd). Use it for the files a driver stores. */
    LV_DOMAIN_FORMAT_SECURE = 1 << 1,
};

/* Parses and validates one <domain> document. Malformed XML, a missing required
 * part, an invalid value, or an element luvirt cannot honour all fail with one
 * line naming it. Never reads the network or expands entities.
 * Error codes: LV_ERR_XML (malformed, missing part), LV_ERR_INVALID_ARG (bad
 * value: name, size, uuid, mac, duplicate target...), LV_ERR_CONFIG_UNSUPPORTED
 * ("unsupported configuration: element <hostdev> is not supported"). */
lv_domain_def *lv_domain_def_parse_xml(const char *xml, unsigned flags, lv_error *err);
/* The same for a <domain> element inside a larger document (a test-driver file). */
struct _xmlNode;
lv_domain_def *lv_domain_def_parse_node(struct _xmlNode *node, unsigned flags, lv_error *err);
/* id is the running id to print as <domain id='N'>, or -1. Returns malloc'd text. */
char *lv_domain_def_format_xml(const lv_domain_def *def, int id, unsigned flags);
/* A deep copy (secrets included). Never NULL: aborts only when out of memory. */
lv_domain_def *lv_domain_def_copy(const lv_domain_def *def);
void lv_domain_def_free(lv_domain_def *def);

/* Set (text NULL or "": remove) the title or description after checking it can be
 * written as XML and read back: valid UTF-8, no control characters but TAB, LF,
 * CR; a title is one line. On failure def is unchanged. */
int lv_domain_def_set_title(lv_domain_def *def, const char *text, lv_error *err);
int lv_domain_def_set_description(lv_domain_def *def, const char *text, lv_error *err);

/* The disk whose <target dev> is dev, or NULL. */
lv_disk_def *lv_domain_def_find_disk(const lv_domain_def *def, const char *dev);

#endif
