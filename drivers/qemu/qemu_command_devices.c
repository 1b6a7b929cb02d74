/* The other devices: input, audio, graphics (VNC), video, memory balloon, RNG,
 * watchdog; and the checks of what the definition asks that is not done. */
#include "qemu_command_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* ---- input, graphics, video --------------------------------------------------------------- */

int lv__qc_build_inputs(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;

    for (size_t i = 0; i < def->ninputs; i++) {
        const lv_input_def *in = &def->inputs[i];
        const char *bus = in->bus ? in->bus : (lv__qc_streq(in->type, "tablet") ? "usb" : "ps2");
        char what[64];
        lv_strbuf sb;
        int rc;

        if (!lv__qc_in_phase(&in->info, phase))
            continue;
        snprintf(what, sizeof(what), "input %s on %s", in->type, bus);
        if (lv__qc_streq(bus, "ps2")) {
            /* the PC's own i8042 */
            if (lv__qc_streq(in->type, "tablet"))
                return lv__qc_fail(c, "%s: there is no PS/2 tablet", what);
            if (in->info.address.type != LV_ADDRESS_NONE)
                return lv__qc_fail(c, "%s: takes no <address>", what);
            continue;
        }
        char *alias = lv__qc_dev_alias(&in->info, "input", i);
        if (lv__qc_streq(bus, "usb")) {
            lv__qc_kv_begin(&sb, lv__qc_streq(in->type, "tablet")  ? "usb-tablet"
                                 : lv__qc_streq(in->type, "mouse") ? "usb-mouse"
                                                                   : "usb-kbd");
            lv__qc_kv(&sb, "id", alias);
            rc = lv__qc_add_usb_address(c, &sb, &in->info, what);
        } else {
            lv__qc_kv_begin(&sb, lv__qc_streq(in->type, "tablet")  ? "virtio-tablet-pci"
                                 : lv__qc_streq(in->type, "mouse") ? "virtio-mouse-pci"
                                                                   : "virtio-keyboard-pci");
            lv__qc_kv(&sb, "id", alias);
            rc = lv__qc_add_pci_address(c, &sb, &in->info, what);
        }
        free(alias);
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        lv__qc_opt_sb(c, "-device", &sb);
    }
    return 0;
}

int lv__qc_build_audio(lv__qcmd *c)
{
    for (size_t i = 0; i < c->def->naudios; i++) {
        const lv_audio_def *a = &c->def->audios[i];
        lv__qc_arg(c, "-audiodev");
        lv__qc_argf(c, "none,id=audio%u", a->id.set ? a->id.value : (unsigned)i + 1);
    }
    return 0;
}

int lv__qc_build_graphics(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    lv_strbuf sb;

    if (def->ngraphics == 0) {
        lv__qc_arg(c, "-display");
        lv__qc_arg(c, "none");
        return 0;
    }
    if (def->ngraphics > 1)
        return lv__qc_fail(c, "more than one <graphics> (qemu has one VNC server)");
    const lv_graphics_def *g = &def->graphics[0];
    const char *ltype = g->listen_type ? g->listen_type : "address";
    bool autoport = g->autoport == LV_TRISTATE_YES || (g->port.set && g->port.value == -1) ||
                    (!g->port.set && g->autoport != LV_TRISTATE_NO);

    lv_strbuf_init(&sb);
    if (lv__qc_streq(ltype, "none")) {
        lv_strbuf_add(&sb, "none");
    } else if (lv__qc_streq(ltype, "socket")) {
        char *path = g->listen_socket    ? lv_strdup(g->listen_socket)
                     : c->l->runtime_dir ? lv_asprintf("%s/%s.vnc", c->l->runtime_dir, def->name)
                                         : NULL;
        if (!path)
            return lv__qc_fail(c,
                               "<graphics type='vnc'> on a socket without a path (and no runtime "
                               "directory to put one in)");
        lv_strbuf_add(&sb, "unix:");
        lv__qc_add_escaped(&sb, path);
        free(path);
        if (g->websocket.set)
            return lv_strbuf_clear(&sb),
                   lv__qc_fail(c, "<graphics type='vnc' websocket> with a socket listener");
    } else {
        const char *addr = g->listen_address ? g->listen_address
                           : g->listen       ? g->listen
                                             : "127.0.0.1";
        char host[300];
        if (strchr(addr, ':'))
            snprintf(host, sizeof(host), "[%s]", addr); /* IPv6 */
        else
            snprintf(host, sizeof(host), "%s", addr);
        if (!autoport) {
            if (g->port.value < 5900 || g->port.value > 65535)
                return lv__qc_fail(c, "<graphics type='vnc' port='%d'> (VNC ports start at 5900)",
                                   g->port.value);
            lv__qc_add_escaped(&sb, host);
            lv_strbuf_addf(&sb, ":%d", g->port.value - 5900);
        } else if (c->l->vnc_port >= 5900) {
            lv__qc_add_escaped(&sb, host);
            lv_strbuf_addf(&sb, ":%d", c->l->vnc_port - 5900);
        } else {
            lv__qc_add_escaped(&sb, host);
            lv_strbuf_add(&sb, ":0");
            lv__qc_kv(&sb, "to", "99");
        }
        if (g->websocket.set && g->websocket.value == -1)
            lv__qc_kv(&sb, "websocket", "on");
        else if (g->websocket.set)
            lv__qc_kvf(&sb, "websocket", "%d", g->websocket.value);
    }
    if (g->share_policy)
        lv__qc_kv(&sb, "share", g->share_policy);
    if (g->passwd)
        lv__qc_kv(&sb, "password", "on");
    if (def->naudios)
        lv__qc_kvf(&sb, "audiodev", "audio%u", def->audios[0].id.set ? def->audios[0].id.value : 1);
    lv__qc_opt_sb(c, "-vnc", &sb);
    if (g->keymap) {
        lv__qc_arg(c, "-k");
        lv__qc_arg(c, g->keymap);
    }
    return 0;
}

int lv__qc_build_videos(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;
    bool have_vga = false;

    for (size_t i = 0; i < def->nvideos; i++) {
        const lv_video_def *v = &def->videos[i];
        const char *m = v->model_type ? v->model_type : "vga";
        bool primary = v->model_primary == LV_TRISTATE_YES ||
                       (i == 0 && v->model_primary == LV_TRISTATE_ABSENT);
        char what[64];
        lv_strbuf sb;
        int rc = 0;

        if (!lv__qc_in_phase(&v->info, phase))
            continue;
        snprintf(what, sizeof(what), "video %zu (%s)", i, m);
        if (lv__qc_streq(m, "none"))
            continue;
        if (!primary &&
            (lv__qc_streq(m, "vga") || lv__qc_streq(m, "cirrus") || lv__qc_streq(m, "ramfb")))
            return lv__qc_fail(c, "%s: only the primary video device can be %s", what, m);
        if (primary && have_vga)
            return lv__qc_fail(c, "%s: a second primary video device", what);
        if (primary)
            have_vga = true;
        char *alias = lv__qc_dev_alias(&v->info, "video", i);
        if (lv__qc_streq(m, "vga")) {
            lv__qc_kv_begin(&sb, "VGA");
            lv__qc_kv(&sb, "id", alias);
            if (v->model_vram.set)
                lv__qc_kvf(&sb, "vgamem_mb", "%u", v->model_vram.value / 1024);
        } else if (lv__qc_streq(m, "cirrus")) {
            lv__qc_kv_begin(&sb, "cirrus-vga");
            lv__qc_kv(&sb, "id", alias);
        } else if (lv__qc_streq(m, "virtio")) {
            lv__qc_kv_begin(&sb, primary ? "virtio-vga" : "virtio-gpu-pci");
            lv__qc_kv(&sb, "id", alias);
            if (v->model_heads.set)
                lv__qc_kvf(&sb, "max_outputs", "%u", v->model_heads.value);
        } else if (lv__qc_streq(m, "qxl")) {
            lv__qc_kv_begin(&sb, primary ? "qxl-vga" : "qxl");
            lv__qc_kv(&sb, "id", alias);
            if (v->model_ram.set)
                lv__qc_kvf(&sb, "ram_size", "%llu", (unsigned long long)v->model_ram.value * 1024);
            if (v->model_vram.set)
                lv__qc_kvf(&sb, "vram_size", "%llu",
                           (unsigned long long)v->model_vram.value * 1024);
            if (v->model_vgamem.set)
                lv__qc_kvf(&sb, "vgamem_mb", "%u", v->model_vgamem.value / 1024);
            if (v->model_heads.set)
                lv__qc_kvf(&sb, "max_outputs", "%u", v->model_heads.value);
        } else if (lv__qc_streq(m, "bochs")) {
            lv__qc_kv_begin(&sb, "bochs-display");
            lv__qc_kv(&sb, "id", alias);
            if (v->model_vram.set)
                lv__qc_kvf(&sb, "vgamem", "%llu", (unsigned long long)v->model_vram.value * 1024);
        } else if (lv__qc_streq(m, "ramfb")) {
            lv__qc_kv_begin(&sb, "ramfb");
            lv__qc_kv(&sb, "id", alias);
            if (v->info.address.type != LV_ADDRESS_NONE)
                rc = lv__qc_fail(c, "%s: takes no <address>", what);
        } else {
            lv__qc_kv_begin(&sb, "");
            rc = lv__qc_fail(c, "%s: model", what);
        }
        if (rc == 0 && !lv__qc_streq(m, "ramfb"))
            rc = lv__qc_add_pci_address(c, &sb, &v->info, what);
        free(alias);
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        lv__qc_opt_sb(c, "-device", &sb);
    }
    return 0;
}

/* ---- the rest of the devices -------------------------------------------------------------- */

int lv__qc_build_balloon(lv__qcmd *c, int phase)
{
    const lv_memballoon_def *b = c->def->memballoon;
    lv_strbuf sb;

    if (!b || !b->model || lv__qc_streq(b->model, "none") || !lv__qc_in_phase(&b->info, phase))
        return 0;
    char *alias = lv__qc_dev_alias(&b->info, "balloon", 0);
    lv__qc_kv_begin_virtio(&sb, "virtio-balloon-pci", b->model);
    lv__qc_kv(&sb, "id", alias);
    free(alias);
    if (lv__qc_add_pci_address(c, &sb, &b->info, "memballoon") < 0) {
        lv_strbuf_clear(&sb);
        return -1;
    }
    if (b->autodeflate != LV_TRISTATE_ABSENT)
        lv__qc_kv_onoff(&sb, "deflate-on-oom", b->autodeflate == LV_TRISTATE_YES);
    if (b->free_page_reporting != LV_TRISTATE_ABSENT)
        lv__qc_kv_onoff(&sb, "free-page-reporting", b->free_page_reporting == LV_TRISTATE_YES);
    lv__qc_opt_sb(c, "-device", &sb);
    return 0;
}

int lv__qc_build_rngs(lv__qcmd *c, int phase)
{
    for (size_t i = 0; i < c->def->nrngs; i++) {
        const lv_rng_def *r = &c->def->rngs[i];
        lv_strbuf sb;
        char what[32];

        if (!lv__qc_in_phase(&r->info, phase))
            continue;
        snprintf(what, sizeof(what), "rng %zu", i);
        if (r->backend_model && !lv__qc_streq(r->backend_model, "random"))
            return lv__qc_fail(c, "%s: backend model '%s'", what, r->backend_model);
        char *alias = lv__qc_dev_alias(&r->info, "rng", i);
        char *obj = lv_asprintf("obj%s", alias);
        lv__qc_kv_begin(&sb, "rng-random");
        lv__qc_kv(&sb, "id", obj);
        lv__qc_kv(&sb, "filename", r->backend_path ? r->backend_path : "/dev/urandom");
        lv__qc_opt_sb(c, "-object", &sb);
        lv__qc_kv_begin_virtio(&sb, "virtio-rng-pci", r->model);
        lv__qc_kv(&sb, "rng", obj);
        lv__qc_kv(&sb, "id", alias);
        free(obj);
        free(alias);
        if (r->rate_bytes.set) {
            lv__qc_kvf(&sb, "max-bytes", "%u", r->rate_bytes.value);
            lv__qc_kvf(&sb, "period", "%u", r->rate_period.set ? r->rate_period.value : 1000);
        }
        if (lv__qc_add_pci_address(c, &sb, &r->info, what) < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        lv__qc_opt_sb(c, "-device", &sb);
    }
    return 0;
}

int lv__qc_build_watchdogs(lv__qcmd *c)
{
    for (size_t i = 0; i < c->def->nwatchdogs; i++) {
        const lv_watchdog_def *w = &c->def->watchdogs[i];
        if (!w->model || !lv__qc_streq(w->model, "itco"))
            return lv__qc_fail(c, "<watchdog model='%s'>", w->model ? w->model : "");
        if (!c->q35)
            return lv__qc_fail(
                c, "<watchdog model='itco'> needs a q35 machine (it is the ICH9's own)");
        lv__qc_arg(c, "-global");
        lv__qc_arg(c, "ICH9-LPC.noreboot=off");
        lv__qc_arg(c, "-action");
        lv__qc_argf(c, "watchdog=%s", w->action ? w->action : "reset");
    }
    return 0;
}

/* ---- checks of the rest ------------------------------------------------------------------- */

int lv__qc_check_misc(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_features_def *f = &def->features;

    if (def->os_type && !lv__qc_streq(def->os_type, "hvm"))
        return lv__qc_fail(c, "<os><type>%s</type> (qemu runs hvm guests)", def->os_type);
    if (def->vcpu_placement && lv__qc_streq(def->vcpu_placement, "auto"))
        return lv__qc_fail(c, "<vcpu placement='auto'> (numad placement is not done)");
    if (def->vcpu_cpuset)
        return lv__qc_fail(c, "<vcpu cpuset='%s'> (CPU pinning is not done yet)", def->vcpu_cpuset);
    if (f->hap && f->hap_state == LV_TRISTATE_NO)
        return lv__qc_fail(c, "<hap state='off'> (qemu uses EPT/NPT whenever KVM has it)");
    for (size_t i = 0; i < def->nseclabels; i++) {
        const lv_seclabel_def *s = &def->seclabels[i];
        if (s->type && lv__qc_streq(s->type, "static"))
            return lv__qc_fail(c, "<seclabel type='static'> (no security driver applies labels)");
    }
    return 0;
}
