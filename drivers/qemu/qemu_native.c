/* domxml-to-native qemu-argv: the command line start would run for a domain
 * XML, built the same way (aliases assigned, the two QMP monitors on inherited
 * fds 3 and 4, the console socket and log, the pidfile under this scope), as
 * shell text. What only exists at start time shows as a placeholder: a TAP
 * device's fd is "fd=TAPFD0" (fd=TAPFD1, ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "qemu_command.h"
#include "qemu_run.h"

#define TAP_FD_BASE 1000 /* fake fds, replaced by placeholders in the text */

static char *placeholders(const char *text, size_t ntaps)
{
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    const char *p = text;
    while (*p) {
        bool done = false;
        if (strncmp(p, "fd=", 3) == 0 && (p == text || p[-1] == ',' || p[-1] == ' ')) {
            char *end = NULL;
            long v = strtol(p + 3, &end, 10);
            if (end != p + 3 && v >= TAP_FD_BASE && (size_t)(v - TAP_FD_BASE) < ntaps &&
                (*end == ',' || *end == ' ' || *end == '\n' || *end == '\'' || !*end)) {
                lv_strbuf_addf(&sb, "fd=TAPFD%ld", v - TAP_FD_BASE);
                p = end;
                done = true;
            }
        }
        if (!done)
            lv_strbuf_addn(&sb, p++, 1);
    }
    return lv_strbuf_steal(&sb);
}

void lv__qemu_domxml_to_native(lv_conn *c, const char *format, const char *xml, lv_string_cb cb,
                               void *opaque)
{
    lv_error err;
    lv__qemu_state *st = c->priv;
    if (!format || strcmp(format, "qemu-argv") != 0) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "unsupported native format '%s' (the qemu driver converts to qemu-argv)",
                     format ? format : "");
        cb(opaque, NULL, &err);
        return;
    }
    if (!xml) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "no domain XML given");
        cb(opaque, NULL, &err);
        return;
    }
    lv_domain_def *def = lv_domain_def_parse_xml(xml, LV_DOMAIN_PARSE_GENERATE, &err);
    if (!def) {
        cb(opaque, NULL, &err);
        return;
    }
    lv_qemu_assign_aliases(def);
    char *console = lv__qemu_path(st->paths.run, def->name, ".console");
    char *console_log = lv__qemu_path(st->paths.log, def->name, ".console.log");
    char *pidfile = lv__qemu_path(st->paths.run, def->name, ".pid");
    int *taps = def->nnets ? lv_malloc0(def->nnets * sizeof(int)) : NULL;
    for (size_t i = 0; i < def->nnets; i++)
        taps[i] = TAP_FD_BASE + (int)i;
    lv_qemu_monitor monitors[2] = {{.fd = 3}, {.fd = 4}};
    lv_qemu_launch launch = {
        .monitors = monitors,
        .nmonitors = 2,
        .console_socket = console,
        .console_log = console_log,
        .pidfile = pidfile,
        .runtime_dir = st->paths.run,
        .net_fds = taps,
        .nnet_fds = def->nnets,
    };
    char **argv = NULL;
    int rc = lv_qemu_build_argv(def, &launch, &argv, &err);
    char *text = NULL;
    if (rc == 0) {
        char *raw = lv_qemu_argv_to_text(argv, 0);
        text = placeholders(raw, def->nnets);
        free(raw);
    }
    lv_qemu_argv_free(argv);
    free(taps);
    free(console);
    free(console_log);
    free(pidfile);
    lv_domain_def_free(def);
    if (rc < 0)
        cb(opaque, NULL, &err);
    else
        cb(opaque, text, NULL);
}
