/* Defaults and checks after the walk of the domain XML: libvirt's defaults
 * filled in, and what a table cannot check (required parts, ranges,
 * cross-references, the console/serial pairing). */
#include "domain_conf_priv.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/mac.h"
#include "core/names.h"

/* ---- defaults and checks after the walk -------------------------------------------------- */

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s && list[i]; i++) {
        if (!strcmp(s, list[i]))
            return true;
    }
    return false;
}

static void set_default(char **field, const char *value)
{
    if (!*field)
        *field = lv_strdup(value);
}

static int missing(lv_error *err, const char *what)
{
    return lv_error_set(err, LV_ERR_XML, "XML error: missing %s", what);
}

/* Device names: vda, sdb, hdc, sdaa ... a prefix and lower-case letters. */
static const char *bus_for_target(const char *dev)
{
    if (!strncmp(dev, "vd", 2))
        return "virtio";
    if (!strncmp(dev, "sd", 2))
        return "scsi";
    if (!strncmp(dev, "hd", 2))
        return "ide";
    return NULL;
}

static bool valid_target_dev(const char *dev)
{
    size_t n = strlen(dev);

    if (n < 3 || n > 8 || !bus_for_target(dev))
        return false;
    for (size_t i = 2; i < n; i++) {
        if (dev[i] < 'a' || dev[i] > 'z')
            return false;
    }
    return true;
}

static int post_parse_disks(lv_domain_def *def, lv_error *err)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        lv_disk_def *d = &def->disks[i];
        const char *src = NULL;

        set_default(&d->type, "file");
        set_default(&d->device, "disk");
        if (!d->target_dev)
            return missing(err, "attribute 'dev' of element <target> in <disk>");
        if (!valid_target_dev(d->target_dev))
            return lv_error_set(err, LV_ERR_INVALID_ARG,
                                "invalid disk target '%s': expected a name such as vda, sda "
                                "or hdc",
                                d->target_dev);
        set_default(&d->target_bus, bus_for_target(d->target_dev));
        if (lv__dc_streq(d->type, "file")) {
            src = d->source_file;
            if (d->source_dev || d->source_pool || d->source_volume || d->source_mode)
                return lv_error_set(err, LV_ERR_XML,
                                    "XML error: disk '%s' of type 'file' takes only <source "
                                    "file>",
                                    d->target_dev);
        } else if (lv__dc_streq(d->type, "block")) {
            src = d->source_dev;
            if (d->source_file || d->source_pool || d->source_volume || d->source_mode)
                return lv_error_set(err, LV_ERR_XML,
                                    "XML error: disk '%s' of type 'block' takes only <source "
                                    "dev>",
                                    d->target_dev);
        } else {
            src = d->source_volume;
            if (d->source_file || d->source_dev)
                return lv_error_set(err, LV_ERR_XML,
                                    "XML error: disk '%s' of type 'volume' takes only <source "
                                    "pool volume>",
                                    d->target_dev);
            if (!!d->source_pool != !!d->source_volume)
                return lv_error_set(err, LV_ERR_XML,
                                    "XML error: disk '%s' of type 'volume' needs both 'pool' "
                                    "and 'volume' in <source>",
                                    d->target_dev);
        }
        if (!src && lv__dc_streq(d->device, "disk"))
            return lv_error_set(err, LV_ERR_XML, "XML error: missing <source> for disk '%s'",
                                d->target_dev);
        if (lv__dc_streq(d->device, "cdrom")) {
            if (lv__dc_streq(d->target_bus, "virtio"))
                return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                    "unsupported configuration: cdrom '%s' cannot use bus "
                                    "'virtio'",
                                    d->target_dev);
            d->readonly = true;
            if (lv__dc_streq(d->target_tray, "closed")) /* the default, and libvirt leaves it out */
                lv__dc_clear_str(&d->target_tray);
        } else if (d->target_tray) {
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: 'tray' is only valid for a cdrom (disk '%s')",
                                d->target_dev);
        }
        if (d->target_removable != LV_TRISTATE_ABSENT && !lv__dc_streq(d->target_bus, "usb"))
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: 'removable' is only valid on bus 'usb' (disk '%s')",
                                d->target_dev);
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(def->disks[j].target_dev, d->target_dev))
                return lv_error_set(err, LV_ERR_INVALID_ARG,
                                    "target '%s' duplicated for disk sources '%s' and '%s'",
                                    d->target_dev,
                                    def->disks[j].source_file     ? def->disks[j].source_file
                                    : def->disks[j].source_dev    ? def->disks[j].source_dev
                                    : def->disks[j].source_volume ? def->disks[j].source_volume
                                                                  : "(none)",
                                    src ? src : "(none)");
        }
    }
    return 0;
}

static int post_parse_controllers(lv_domain_def *def, lv_error *err)
{
    for (size_t i = 0; i < def->ncontrollers; i++) {
        lv_controller_def *c = &def->controllers[i];
        const char *const *models = NULL;

        if (!c->type)
            return missing(err, "attribute 'type' of element <controller>");
        if (!c->index.set) {
            /* as libvirt: the first index not used by a controller of that type */
            unsigned int idx = 0;
            for (bool again = true; again;) {
                again = false;
                for (size_t j = 0; j < def->ncontrollers; j++) {
                    const lv_controller_def *o = &def->controllers[j];
                    if (j != i && o->index.set && o->index.value == idx &&
                        !strcmp(o->type, c->type)) {
                        idx++;
                        again = true;
                    }
                }
            }
            c->index.set = true;
            c->index.value = idx;
        }
        if (lv__dc_streq(c->type, "pci"))
            models = lv__dc_pci_models;
        else if (lv__dc_streq(c->type, "usb"))
            models = lv__dc_usb_models;
        else if (lv__dc_streq(c->type, "scsi"))
            models = lv__dc_scsi_models;
        else if (lv__dc_streq(c->type, "virtio-serial"))
            models = lv__dc_vioser_models;
        if (c->model && (!models || !in_list(c->model, models)))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: controller model '%s' is not "
                                "supported for controller type '%s'",
                                c->model, c->type);
        for (size_t j = 0; j < i; j++) {
            const lv_controller_def *o = &def->controllers[j];
            /* USB companion controllers share the index of their master */
            if (o->master_startport.set || c->master_startport.set)
                continue;
            if (!strcmp(o->type, c->type) && o->index.value == c->index.value)
                return lv_error_set(err, LV_ERR_INVALID_ARG,
                                    "controller type '%s' index %u is defined twice", c->type,
                                    c->index.value);
        }
    }
    return 0;
}

static int post_parse_nets(lv_domain_def *def, unsigned flags, lv_error *err)
{
    for (size_t i = 0; i < def->nnets; i++) {
        lv_net_def *n = &def->nets[i];

        if (!n->type)
            return missing(err, "attribute 'type' of element <interface>");
        if (lv__dc_streq(n->type, "network") && !n->source_network)
            return missing(err, "attribute 'network' of <source> in <interface type='network'>");
        if (lv__dc_streq(n->type, "bridge") && !n->source_bridge)
            return missing(err, "attribute 'bridge' of <source> in <interface type='bridge'>");
        if (lv__dc_streq(n->type, "user") &&
            (n->source_network || n->source_bridge || n->source_portid))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: <source> in <interface "
                                "type='user'> is not supported");
        if (lv__dc_streq(n->type, "bridge") && n->source_network)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: <interface type='bridge'> takes <source bridge>, "
                                "not 'network'");
        if (!n->mac && (flags & LV_DOMAIN_PARSE_GENERATE)) {
            unsigned char mac[LV_MAC_LEN];
            char buf[LV_MAC_STRING_LEN];
            if (lv_mac_generate(mac, err) < 0)
                return -1;
            lv_mac_format(mac, buf);
            n->mac = lv_strdup(buf);
        }
    }
    return 0;
}

static int check_chardev(lv_chardev_def *c, const char *kind, lv_error *err)
{
    if (!c->type)
        return lv_error_set(err, LV_ERR_XML, "XML error: missing attribute 'type' of <%s>", kind);
    if ((lv__dc_streq(c->type, "file") ||
         (lv__dc_streq(c->type, "unix") && strcmp(kind, "channel"))) &&
        !c->source_path)
        return lv_error_set(err, LV_ERR_XML, "XML error: <%s type='%s'> needs <source path='...'>",
                            kind, c->type);
    if (c->source_mode && !lv__dc_streq(c->type, "unix"))
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <source mode> is only valid for <%s type='unix'>", kind);
    if (c->source_append != LV_TRISTATE_ABSENT && !lv__dc_streq(c->type, "file"))
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <source append> is only valid for <%s type='file'>", kind);
    if (lv__dc_streq(c->type, "unix") && c->source_path)
        set_default(&c->source_mode, "bind");
    return 0;
}

static int post_parse_chardevs(lv_domain_def *def, lv_error *err)
{
    static const char *const serial_targets[] = {"isa-serial", "usb-serial", "pci-serial", NULL};
    static const char *const console_targets[] = {"serial", "virtio", NULL};

    for (size_t i = 0; i < def->nserials; i++) {
        lv_chardev_def *c = &def->serials[i];
        if (check_chardev(c, "serial", err) < 0)
            return -1;
        if (c->target_type && !in_list(c->target_type, serial_targets))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: serial target type '%s' is not "
                                "supported",
                                c->target_type);
        if (c->target_name || c->target_state)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: <target name/state> is only valid for a channel");
        if (!c->target_port.set) {
            c->target_port.set = true;
            c->target_port.value = (unsigned int)i;
        }
    }
    for (size_t i = 0; i < def->nconsoles; i++) {
        lv_chardev_def *c = &def->consoles[i];
        if (check_chardev(c, "console", err) < 0)
            return -1;
        if (c->target_type && !in_list(c->target_type, console_targets))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: console target type '%s' is not "
                                "supported",
                                c->target_type);
        if (c->target_model_name || c->target_name || c->target_state)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: <target> of a console takes only 'type' and 'port'");
        set_default(&c->target_type, "serial");
        if (!c->target_port.set) {
            c->target_port.set = true;
            c->target_port.value = 0;
        }
    }
    for (size_t i = 0; i < def->nchannels; i++) {
        lv_chardev_def *c = &def->channels[i];
        if (check_chardev(c, "channel", err) < 0)
            return -1;
        if (!c->target_type)
            return missing(err, "attribute 'type' of <target> in <channel>");
        if (!lv__dc_streq(c->target_type, "virtio"))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: channel target type '%s' is not "
                                "supported",
                                c->target_type);
        if (!c->target_name)
            return missing(err, "attribute 'name' of <target> in <channel>");
        if (c->target_port.set || c->target_model_name)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: <target> of a channel takes only 'type', 'name' and "
                                "'state'");
    }
    return 0;
}

static void copy_chardev_source(lv_chardev_def *dst, const lv_chardev_def *src)
{
    dst->type = lv_strdup(src->type);
    dst->source_mode = lv_strdup(src->source_mode);
    dst->source_path = lv_strdup(src->source_path);
    dst->source_append = src->source_append;
}

/* As libvirt does on x86: the first console of target type 'serial' and the first
 * serial port are the same device, and each implies the other. */
static void console_compat(lv_domain_def *def)
{
    if (def->nserials && (!def->nconsoles || (def->consoles[0].target_type &&
                                              strcmp(def->consoles[0].target_type, "serial")))) {
        /* a console for serial port 0 goes first */
        def->consoles = lv_realloc(def->consoles, (def->nconsoles + 1) * sizeof(*def->consoles));
        memmove(&def->consoles[1], &def->consoles[0], def->nconsoles * sizeof(*def->consoles));
        def->nconsoles++;
        lv_chardev_def *c = &def->consoles[0];
        memset(c, 0, sizeof(*c));
        copy_chardev_source(c, &def->serials[0]);
        c->target_type = lv_strdup("serial");
        c->target_port.set = true;
    } else if (!def->nserials && def->nconsoles &&
               (!def->consoles[0].target_type ||
                lv__dc_streq(def->consoles[0].target_type, "serial"))) {
        lv_chardev_def *s = lv_malloc0(sizeof(*s));
        copy_chardev_source(s, &def->consoles[0]);
        def->serials = s;
        def->nserials = 1;
    }
}

static int post_parse_devices(lv_domain_def *def, unsigned flags, lv_error *err)
{
    if (post_parse_disks(def, err) < 0 || post_parse_controllers(def, err) < 0 ||
        post_parse_nets(def, flags, err) < 0)
        return -1;
    for (size_t i = 0; i < def->nserials; i++) {
        if (!def->serials[i].type)
            return missing(err, "attribute 'type' of element <serial>");
    }
    for (size_t i = 0; i < def->nconsoles; i++) {
        if (!def->consoles[i].type)
            return missing(err, "attribute 'type' of element <console>");
    }
    console_compat(def);
    if (post_parse_chardevs(def, err) < 0)
        return -1;

    for (size_t i = 0; i < def->ninputs; i++) {
        lv_input_def *in = &def->inputs[i];
        if (!in->type)
            return missing(err, "attribute 'type' of element <input>");
        set_default(&in->bus, lv__dc_streq(in->type, "tablet") ? "usb" : "ps2");
        if (lv__dc_streq(in->type, "tablet") && lv__dc_streq(in->bus, "ps2"))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: a tablet cannot use bus 'ps2'");
    }
    for (size_t i = 0; i < def->ngraphics; i++) {
        lv_graphics_def *g = &def->graphics[i];
        if (!g->type)
            return missing(err, "attribute 'type' of element <graphics>");
        if (g->port.set && g->port.value < -1)
            return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid VNC port %d", g->port.value);
        if (g->autoport == LV_TRISTATE_ABSENT && (!g->port.set || g->port.value == -1))
            g->autoport = LV_TRISTATE_YES;
        if (g->autoport == LV_TRISTATE_YES && !g->port.set) {
            g->port.set = true;
            g->port.value = -1;
        }
        if (g->autoport == LV_TRISTATE_NO && !g->port.set)
            return missing(err, "attribute 'port' of <graphics> with autoport='no'");
        /* libvirt keeps the listen attribute and the first <listen> in step */
        if (g->listen && !g->listen_type) {
            g->listen_type = lv_strdup("address");
            g->listen_address = lv_strdup(g->listen);
        } else if (!g->listen && lv__dc_streq(g->listen_type, "address") && g->listen_address) {
            g->listen = lv_strdup(g->listen_address);
        } else if (g->listen && g->listen_address && strcmp(g->listen, g->listen_address)) {
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: graphics 'listen' attribute '%s' does not match "
                                "<listen address='%s'>",
                                g->listen, g->listen_address);
        }
        set_default(&g->listen_type, "address");
        if (lv__dc_streq(g->listen_type, "socket") && !g->listen_socket)
            return missing(err, "attribute 'socket' of <listen type='socket'>");
    }
    for (size_t i = 0; i < def->naudios; i++) {
        if (!def->audios[i].type)
            return missing(err, "attribute 'type' of element <audio>");
        if (!def->audios[i].id.set) {
            def->audios[i].id.set = true;
            def->audios[i].id.value = (unsigned int)i + 1;
        }
    }
    bool primary = false;
    for (size_t i = 0; i < def->nvideos; i++) {
        lv_video_def *v = &def->videos[i];
        if (!v->model_type)
            return missing(err, "attribute 'type' of <model> in <video>");
        if (!v->model_heads.set) {
            v->model_heads.set = true;
            v->model_heads.value = 1;
        }
        if (v->model_primary == LV_TRISTATE_YES) {
            if (primary)
                return lv_error_set(err, LV_ERR_XML, "XML error: only one <video> can be primary");
            primary = true;
        }
    }
    if (def->nvideos && !primary && def->videos[0].model_primary == LV_TRISTATE_ABSENT)
        def->videos[0].model_primary = LV_TRISTATE_YES;
    for (size_t i = 0; i < def->nwatchdogs; i++) {
        if (!def->watchdogs[i].model)
            return missing(err, "attribute 'model' of element <watchdog>");
        set_default(&def->watchdogs[i].action, "reset");
    }
    if (def->nwatchdogs > 1)
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: only one <watchdog> is supported");
    if (def->memballoon && !def->memballoon->model)
        return missing(err, "attribute 'model' of element <memballoon>");
    for (size_t i = 0; i < def->nrngs; i++) {
        if (!def->rngs[i].model)
            return missing(err, "attribute 'model' of element <rng>");
        if (!def->rngs[i].backend_model)
            return missing(err, "<backend model='random'> in <rng>");
    }
    return 0;
}

/* Every <boot order> among the devices, or NULL when the device kind has none. */
static int check_boot_order(const lv_domain_def *def, lv_error *err)
{
    const lv_device_info *infos[512];
    size_t n = 0;

#define COLLECT(arr, count)                                                                        \
    for (size_t i_ = 0; i_ < (count); i_++) {                                                      \
        if ((arr)[i_].info.boot_order.set && n < sizeof(infos) / sizeof(infos[0]))                 \
            infos[n++] = &(arr)[i_].info;                                                          \
    }
    COLLECT(def->disks, def->ndisks);
    COLLECT(def->nets, def->nnets);
    COLLECT(def->controllers, def->ncontrollers);
    COLLECT(def->serials, def->nserials);
    COLLECT(def->consoles, def->nconsoles);
    COLLECT(def->channels, def->nchannels);
    COLLECT(def->inputs, def->ninputs);
    COLLECT(def->videos, def->nvideos);
    COLLECT(def->rngs, def->nrngs);
#undef COLLECT
    if (def->memballoon && def->memballoon->info.boot_order.set)
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: <boot> in <memballoon> is not supported");
    for (size_t i = 0; i < n; i++) {
        if (infos[i]->boot_order.value == 0)
            return lv_error_set(err, LV_ERR_INVALID_ARG, "boot order must be at least 1");
        for (size_t j = 0; j < i; j++) {
            if (infos[j]->boot_order.value == infos[i]->boot_order.value)
                return lv_error_set(err, LV_ERR_INVALID_ARG, "boot order %u is used twice",
                                    infos[i]->boot_order.value);
        }
    }
    if (n && def->os.nboot)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: per-device boot elements cannot be used together with "
                            "<os><boot dev=...>");
    return (int)n;
}

int lv__dc_post_parse(lv_domain_def *def, unsigned flags, lv_error *err)
{
    int nboot_order;

    if (!def->virt_type)
        return missing(err, "attribute 'type' of element <domain>");
    if (!def->name)
        return missing(err, "element <name>");
    if (lv_name_validate("domain", def->name, err) < 0)
        return -1;
    if (lv_uuid_is_null(def->uuid) && (flags & LV_DOMAIN_PARSE_GENERATE) &&
        lv_uuid_generate(def->uuid, err) < 0)
        return -1;
    if (def->title && strpbrk(def->title, "\r\n"))
        return lv_error_set(err, LV_ERR_INVALID_ARG, "a domain title must be a single line");

    if (!def->memory_kib)
        return missing(err, "element <memory>");
    if (!def->current_memory_kib)
        def->current_memory_kib = def->memory_kib;
    if (def->current_memory_kib > def->memory_kib)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "currentMemory (%" PRIu64 " KiB) is larger than memory (%" PRIu64
                            " KiB)",
                            def->current_memory_kib, def->memory_kib);
    if (def->max_memory_kib && def->max_memory_kib < def->memory_kib)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "maxMemory (%" PRIu64 " KiB) is smaller than memory (%" PRIu64 " KiB)",
                            def->max_memory_kib, def->memory_kib);
    if (!def->vcpus)
        def->vcpus = def->vcpus_current = 1;
    if (def->vcpus_current > def->vcpus)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "vcpu current (%u) is larger than the maximum vcpus (%u)",
                            def->vcpus_current, def->vcpus);
    if (lv__dc_streq(def->vcpu_placement, "auto") && def->vcpu_cpuset)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <vcpu placement='auto'> cannot take a cpuset");

    if (!def->os_type)
        return missing(err, "element <type> in <os>");
    if (lv__dc_streq(def->os_type, "linux") && !lv__dc_streq(def->virt_type, "test"))
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: os type 'linux' is only supported by "
                            "the test driver");
    if ((def->os.initrd || def->os.cmdline) && !def->os.kernel)
        return lv_error_set(err, LV_ERR_XML, "XML error: <initrd> and <cmdline> need <kernel>");
    if (def->os.nvram && !def->os.loader && !def->os.firmware)
        return lv_error_set(err, LV_ERR_XML, "XML error: <nvram> needs <loader> or firmware");
    for (size_t i = 0; i < def->os.nboot; i++) {
        if (!def->os.boot[i].dev)
            return missing(err, "attribute 'dev' of element <boot> in <os>");
    }
    for (size_t i = 0; i < def->os.nfirmware_features; i++) {
        if (!def->os.firmware_features[i].name ||
            def->os.firmware_features[i].enabled == LV_TRISTATE_ABSENT)
            return missing(err, "attribute 'name' or 'enabled' of <feature> in <firmware>");
    }
    if (def->cpu.nfeatures) {
        for (size_t i = 0; i < def->cpu.nfeatures; i++) {
            if (!def->cpu.features[i].name)
                return missing(err, "attribute 'name' of <feature> in <cpu>");
            if (!def->cpu.features[i].policy)
                def->cpu.features[i].policy = lv_strdup("require");
        }
    }
    if (def->cpu.topology_sockets.set || def->cpu.topology_cores.set ||
        def->cpu.topology_threads.set || def->cpu.topology_dies.set) {
        lv_cpu_def *c = &def->cpu;
        if (!c->topology_sockets.set || !c->topology_cores.set || !c->topology_threads.set)
            return missing(err, "'sockets', 'cores' or 'threads' in <cpu><topology>");
        if (!c->topology_dies.set) {
            c->topology_dies.set = true;
            c->topology_dies.value = 1;
        }
        unsigned long long total = (unsigned long long)c->topology_sockets.value *
                                   c->topology_dies.value * c->topology_cores.value *
                                   c->topology_threads.value;
        if (total != def->vcpus)
            return lv_error_set(err, LV_ERR_INVALID_ARG,
                                "CPU topology (%llu vcpus) does not match the maximum vcpu "
                                "count (%u)",
                                total, def->vcpus);
    }
    if (def->cpu.model && !def->cpu.mode)
        def->cpu.mode = lv_strdup("custom");
    if (lv__dc_streq(def->cpu.mode, "custom") && !def->cpu.model)
        return missing(err, "<model> in <cpu mode='custom'>");

    set_default(&def->clock.offset, "utc");
    if (lv__dc_streq(def->clock.offset, "variable")) {
        if (!def->clock.adjustment)
            def->clock.adjustment = lv_strdup("0");
        set_default(&def->clock.basis, "utc");
    } else if (def->clock.adjustment || def->clock.basis) {
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: 'adjustment' and 'basis' need <clock offset='variable'>");
    }
    if (lv__dc_streq(def->clock.offset, "timezone") != (def->clock.timezone != NULL))
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <clock offset='timezone'> goes with a 'timezone' "
                            "attribute, and only with it");
    for (size_t i = 0; i < def->clock.ntimers; i++) {
        if (!def->clock.timers[i].name)
            return missing(err, "attribute 'name' of element <timer>");
    }
    set_default(&def->on_poweroff, "destroy");
    set_default(&def->on_reboot, "restart");
    set_default(&def->on_crash, "destroy");

    if (post_parse_devices(def, flags, err) < 0)
        return -1;
    nboot_order = check_boot_order(def, err);
    if (nboot_order < 0)
        return -1;
    if (!def->os.nboot && !nboot_order && lv__dc_streq(def->os_type, "hvm")) {
        def->os.boot = lv_malloc0(sizeof(*def->os.boot));
        def->os.boot[0].dev = lv_strdup("hd");
        def->os.nboot = 1;
    }
    for (size_t i = 0; i < def->nseclabels; i++) {
        if (!def->seclabels[i].type && !def->seclabels[i].model)
            return missing(err, "attribute 'type' or 'model' of element <seclabel>");
    }
    return 0;
}
