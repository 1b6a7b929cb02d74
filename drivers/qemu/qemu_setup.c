/* What a start sends over QMP before `cont`, and what comes back.
 *
 * Some settings cannot be given on qemu's command line (docs/qemu-argv.md): the
 * VNC password, <link state='down'/>, the balloon target for a <currentMemory>
 * below <memory>, the balloon stats period; and the port qemu picks for an
 * autoport VNC display is only known once it runs. The shell turns the live
 * definition into a list of QMP commands (RUN/NAME.setup, 0600, so the
 * password stays out of ps); the monitor process, which has no XML parser,
 * sends them in order and fails the start when one fails, except the ones
 * marked "learn", whose answer it records in the status file instead
 * (vnc_port). The shell folds that back into the live definition whenever it
 * reads it (lv__qemu_fold_status).
 *
 * RUN/NAME.setup:
 *   {"commands": [{"execute": "set_password",
 *                  "arguments": {"protocol": "vnc", "password": "..."}},
 *                 ...,
 *                 {"execute": "query-vnc", "learn": "vnc_port"}]} */
#include "qemu_run.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/alloc.h"

static bool streq(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

static json_object *add_command(json_object *list, const char *cmd, json_object *args)
{
    json_object *c = json_object_new_object();
    json_object_object_add(c, "execute", json_object_new_string(cmd));
    if (args)
        json_object_object_add(c, "arguments", args);
    json_object_array_add(list, c);
    return c;
}

char *lv__qemu_setup_commands(const lv_domain_def *def)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < def->ngraphics; i++) {
        const lv_graphics_def *g = &def->graphics[i];
        if (!streq(g->type, "vnc") || !g->passwd)
            continue;
        json_object *a = json_object_new_object();
        json_object_object_add(a, "protocol", json_object_new_string("vnc"));
        json_object_object_add(a, "password", json_object_new_string(g->passwd));
        add_command(list, "set_password", a);
    }
    for (size_t i = 0; i < def->nnets; i++) {
        const lv_net_def *n = &def->nets[i];
        if (!streq(n->link_state, "down") || !n->info.alias)
            continue;
        json_object *a = json_object_new_object();
        json_object_object_add(a, "name", json_object_new_string(n->info.alias));
        json_object_object_add(a, "up", json_object_new_boolean(false));
        add_command(list, "set_link", a);
    }
    const lv_memballoon_def *b = def->memballoon;
    bool balloon = b && !streq(b->model, "none");
    if (balloon && def->current_memory_kib && def->current_memory_kib < def->memory_kib) {
        json_object *a = json_object_new_object();
        json_object_object_add(a, "value",
                               json_object_new_int64((int64_t)def->current_memory_kib * 1024));
        add_command(list, "balloon", a);
    }
    if (balloon && b->stats_period.set) {
        char qom[128];
        snprintf(qom, sizeof(qom), "/machine/peripheral/%s",
                 b->info.alias ? b->info.alias : "balloon0");
        json_object *a = json_object_new_object();
        json_object_object_add(a, "path", json_object_new_string(qom));
        json_object_object_add(a, "property",
                               json_object_new_string("guest-stats-polling-interval"));
        json_object_object_add(a, "value", json_object_new_int((int)b->stats_period.value));
        add_command(list, "qom-set", a);
    }
    for (size_t i = 0; i < def->ngraphics; i++) {
        const lv_graphics_def *g = &def->graphics[i];
        bool autoport =
            g->autoport == LV_TRISTATE_YES || (g->port.set && g->port.value < 0) || !g->port.set;
        if (streq(g->type, "vnc") && autoport) {
            json_object *c = add_command(list, "query-vnc", NULL);
            json_object_object_add(c, "learn", json_object_new_string("vnc_port"));
            break;
        }
    }
    if (json_object_array_length(list) == 0) {
        json_object_put(list);
        return NULL;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "commands", list);
    char *text = lv_strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return text;
}

void lv__qemu_fold_status(lv_domain_def *live, const lv__qemu_status *s)
{
    if (s->vnc_port <= 0)
        return;
    for (size_t i = 0; i < live->ngraphics; i++) {
        lv_graphics_def *g = &live->graphics[i];
        if (streq(g->type, "vnc")) {
            g->port.set = true;
            g->port.value = s->vnc_port;
            return;
        }
    }
}
