/* Character devices: -chardev backends, and the <serial>, <console> and <channel>
 * devices on them. */
#include "qemu_command_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* ---- chardevs ----------------------------------------------------------------------------- */

/* -chardev BACKEND,id=ID,... for a <serial>, <console> or <channel>. console is
 * true for the one chardev that carries the guest console (launch->console_*). */
static int build_chardev(lv__qcmd *c, const lv_chardev_def *ch, const char *id, bool console,
                         const char *default_path, const char *what)
{
    const char *type = ch->type ? ch->type : "pty";
    lv_strbuf sb;

    if (console && lv__qc_streq(type, "pty") && c->l->console_socket) {
        lv__qc_kv_begin(&sb, "socket");
        lv__qc_kv(&sb, "id", id);
        lv__qc_kv(&sb, "path", c->l->console_socket);
        lv__qc_kv(&sb, "server", "on");
        lv__qc_kv(&sb, "wait", "off");
        if (c->l->console_log) {
            lv__qc_kv(&sb, "logfile", c->l->console_log);
            lv__qc_kv(&sb, "logappend", "on");
        }
        lv__qc_opt_sb(c, "-chardev", &sb);
        return 0;
    }
    if (lv__qc_streq(type, "pty")) {
        lv__qc_kv_begin(&sb, "pty");
        lv__qc_kv(&sb, "id", id);
    } else if (lv__qc_streq(type, "unix")) {
        const char *path = ch->source_path ? ch->source_path : default_path;
        if (!path)
            return lv__qc_fail(c,
                               "%s: a unix source without a path (and no runtime directory to put "
                               "one in)",
                               what);
        lv__qc_kv_begin(&sb, "socket");
        lv__qc_kv(&sb, "id", id);
        lv__qc_kv(&sb, "path", path);
        if (!ch->source_mode || lv__qc_streq(ch->source_mode, "bind")) {
            lv__qc_kv(&sb, "server", "on");
            lv__qc_kv(&sb, "wait", "off");
        }
    } else if (lv__qc_streq(type, "file")) {
        if (!ch->source_path)
            return lv__qc_fail(c, "%s: a file source without a path", what);
        lv__qc_kv_begin(&sb, "file");
        lv__qc_kv(&sb, "id", id);
        lv__qc_kv(&sb, "path", ch->source_path);
        if (ch->source_append != LV_TRISTATE_ABSENT)
            lv__qc_kv_onoff(&sb, "append", ch->source_append == LV_TRISTATE_YES);
    } else {
        return lv__qc_fail(c, "%s: type '%s'", what, type);
    }
    if (ch->log_file) {
        lv__qc_kv(&sb, "logfile", ch->log_file);
        if (ch->log_append != LV_TRISTATE_ABSENT)
            lv__qc_kv_onoff(&sb, "logappend", ch->log_append == LV_TRISTATE_YES);
    }
    lv__qc_opt_sb(c, "-chardev", &sb);
    return 0;
}

/* The chardev that is the guest console: serials[0], else consoles[0]. */
static const lv_chardev_def *console_chardev(const lv_domain_def *def)
{
    if (def->nserials)
        return &def->serials[0];
    if (def->nconsoles)
        return &def->consoles[0];
    return NULL;
}

int lv__qc_build_serials(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;
    const lv_chardev_def *con = console_chardev(def);

    for (size_t i = 0; i < def->nserials; i++) {
        const lv_chardev_def *s = &def->serials[i];
        const char *ttype = s->target_type ? s->target_type : "isa-serial";
        char what[64];
        lv_strbuf sb;
        int rc = 0;

        bool pci_addr = lv__qc_streq(ttype, "pci-serial") && s->info.address.type == LV_ADDRESS_PCI;
        if (pci_addr != (phase == 0))
            continue;
        snprintf(what, sizeof(what), "serial %zu", i);
        if (s->target_model_name && !lv__qc_streq(s->target_model_name, ttype))
            return lv__qc_fail(c, "%s: <model name='%s'> on a %s target", what,
                               s->target_model_name, ttype);
        char *alias = lv__qc_dev_alias(&s->info, "serial", i);
        char *cid = lv__qc_char_id(alias);
        if (build_chardev(c, s, cid, s == con, NULL, what) < 0) {
            free(cid);
            free(alias);
            return -1;
        }
        if (lv__qc_streq(ttype, "isa-serial")) {
            lv__qc_kv_begin(&sb, "isa-serial");
            lv__qc_kv(&sb, "chardev", cid);
            lv__qc_kv(&sb, "id", alias);
            unsigned port = s->target_port.set ? s->target_port.value : (unsigned)i;
            lv__qc_kvf(&sb, "index", "%u", port);
            if (port > 3)
                rc = lv__qc_fail(c, "%s: isa-serial port %u (a PC has ports 0-3)", what, port);
            else if (s->info.address.type != LV_ADDRESS_NONE)
                rc = lv__qc_fail(c, "%s: an isa-serial takes no <address>", what);
        } else if (lv__qc_streq(ttype, "usb-serial")) {
            lv__qc_kv_begin(&sb, "usb-serial");
            rc = lv__qc_add_usb_address(c, &sb, &s->info, what);
            lv__qc_kv(&sb, "chardev", cid);
            lv__qc_kv(&sb, "id", alias);
        } else if (lv__qc_streq(ttype, "pci-serial")) {
            lv__qc_kv_begin(&sb, "pci-serial");
            rc = lv__qc_add_pci_address(c, &sb, &s->info, what);
            lv__qc_kv(&sb, "chardev", cid);
            lv__qc_kv(&sb, "id", alias);
        } else {
            lv__qc_kv_begin(&sb, "");
            rc = lv__qc_fail(c, "%s: target type '%s'", what, ttype);
        }
        free(cid);
        free(alias);
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        lv__qc_opt_sb(c, "-device", &sb);
    }
    return 0;
}

int lv__qc_build_consoles(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_chardev_def *con = console_chardev(def);

    for (size_t i = 0; i < def->nconsoles; i++) {
        const lv_chardev_def *s = &def->consoles[i];
        const char *ttype = s->target_type ? s->target_type : "serial";
        char what[64];
        lv_strbuf sb;

        snprintf(what, sizeof(what), "console %zu", i);
        if (lv__qc_streq(ttype, "serial")) {
            /* the console view of a <serial>: that serial's device already */
            unsigned port = s->target_port.set ? s->target_port.value : 0;
            if (port >= def->nserials)
                return lv__qc_fail(c,
                                   "%s: a serial console on port %u, and there is no such "
                                   "<serial>",
                                   what, port);
            continue;
        }
        if (!lv__qc_streq(ttype, "virtio"))
            return lv__qc_fail(c, "%s: target type '%s'", what, ttype);
        char *alias = lv__qc_dev_alias(&s->info, "console", i);
        char *cid = lv__qc_char_id(alias);
        int rc = build_chardev(c, s, cid, s == con, NULL, what);
        if (rc == 0) {
            lv__qc_kv_begin(&sb, "virtconsole");
            rc = lv__qc_add_vioser_address(c, &sb, &s->info, what);
            lv__qc_kv(&sb, "chardev", cid);
            lv__qc_kv(&sb, "id", alias);
            if (rc < 0)
                lv_strbuf_clear(&sb);
            else
                lv__qc_opt_sb(c, "-device", &sb);
        }
        free(cid);
        free(alias);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int lv__qc_build_channels(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;

    for (size_t i = 0; i < def->nchannels; i++) {
        const lv_chardev_def *ch = &def->channels[i];
        char what[64];
        lv_strbuf sb;

        snprintf(what, sizeof(what), "channel %zu", i);
        if (ch->target_type && !lv__qc_streq(ch->target_type, "virtio"))
            return lv__qc_fail(c, "%s: target type '%s'", what, ch->target_type);
        char *alias = lv__qc_dev_alias(&ch->info, "channel", i);
        char *cid = lv__qc_char_id(alias);
        char *defpath = NULL;
        if (c->l->runtime_dir)
            defpath =
                ch->target_name
                    ? lv_asprintf("%s/%s.%s.sock", c->l->runtime_dir, def->name, ch->target_name)
                    : lv_asprintf("%s/%s.%s.sock", c->l->runtime_dir, def->name, alias);
        int rc = build_chardev(c, ch, cid, false, defpath, what);
        if (rc == 0) {
            lv__qc_kv_begin(&sb, "virtserialport");
            rc = lv__qc_add_vioser_address(c, &sb, &ch->info, what);
            lv__qc_kv(&sb, "chardev", cid);
            lv__qc_kv(&sb, "id", alias);
            if (ch->target_name)
                lv__qc_kv(&sb, "name", ch->target_name);
            if (rc < 0)
                lv_strbuf_clear(&sb);
            else
                lv__qc_opt_sb(c, "-device", &sb);
        }
        free(defpath);
        free(cid);
        free(alias);
        if (rc < 0)
            return -1;
    }
    return 0;
}
