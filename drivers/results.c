/* Freeing the result types of driver.h. */
#include "driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"

void lv_domain_info_clear(lv_domain_info *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->title);
    free(info->os_type);
    memset(info, 0, sizeof(*info));
}

void lv_domain_info_free(lv_domain_info *info)
{
    lv_domain_info_clear(info);
    free(info);
}

void lv_domain_list_free(lv_domain_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        lv_domain_info_clear(&list->items[i]);
    free(list->items);
    free(list);
}


lv_params *lv_params_new(void)
{
    return LV_NEW(lv_params);
}

void lv_params_free(lv_params *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++) {
        free(p->items[i].key);
        free(p->items[i].s);
    }
    free(p->items);
    free(p);
}

static lv_param *params_add(lv_params *p, const char *fmt, va_list ap)
{
    if (p->count == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->items = lv_realloc(p->items, p->cap * sizeof(*p->items));
    }
    lv_param *it = &p->items[p->count++];
    memset(it, 0, sizeof(*it));
    char buf[256];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    it->key = lv_strdup(buf);
    return it;
}

void lv_params_add_uint(lv_params *p, uint64_t v, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    lv_param *it = params_add(p, key, ap);
    va_end(ap);
    it->type = LV_PARAM_UINT;
    it->u = v;
}

void lv_params_add_int(lv_params *p, int64_t v, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    lv_param *it = params_add(p, key, ap);
    va_end(ap);
    it->type = LV_PARAM_INT;
    it->i = v;
}

void lv_params_add_string(lv_params *p, const char *v, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    lv_param *it = params_add(p, key, ap);
    va_end(ap);
    it->type = LV_PARAM_STRING;
    it->s = lv_strdup(v ? v : "");
}

const lv_param *lv_params_get(const lv_params *p, const char *key)
{
    for (size_t i = 0; p && i < p->count; i++)
        if (strcmp(p->items[i].key, key) == 0)
            return &p->items[i];
    return NULL;
}

static const char *const event_names[LV_EVENT__COUNT] = {
    "defined", "undefined", "started", "suspended", "resumed",
    "stopped", "shutdown",  "pmsuspended", "crashed", "reboot",
};

/* As virsh event prints them (libvirt's virshDomainEvent*Strings). */
static const char *const *const detail_names[LV_EVENT__COUNT] = {
    (const char *const[]){"added", "updated", "renamed", "from snapshot", NULL},
    (const char *const[]){"removed", "renamed", NULL},
    (const char *const[]){"booted", "migrated", "restored", "from snapshot", "wakeup", NULL},
    (const char *const[]){"paused", "migrated", "ioerror", "watchdog", "restored",
                          "from snapshot", "api error", "postcopy", "postcopy failed", NULL},
    (const char *const[]){"unpaused", "migrated", "from snapshot", "postcopy", NULL},
    (const char *const[]){"shutdown", "destroyed", "crashed", "migrated", "saved", "failed",
                          "from snapshot", NULL},
    (const char *const[]){"finished", "guest", "host", NULL},
    (const char *const[]){"memory", "disk", NULL},
    (const char *const[]){"panicked", "crashloaded", NULL},
    (const char *const[]){"", NULL},
};

const char *lv_event_string(int event)
{
    if (event < 0 || event >= LV_EVENT__COUNT)
        return "unknown";
    return event_names[event];
}

const char *lv_event_detail_string(int event, int detail)
{
    if (event < 0 || event >= LV_EVENT__COUNT || detail < 0)
        return "unknown";
    const char *const *names = detail_names[event];
    for (int i = 0; names[i]; i++)
        if (i == detail)
            return names[i];
    return "unknown";
}

void lv_console_free(lv_console *console)
{
    if (!console)
        return;
    if (console->fd >= 0)
        close(console->fd);
    if (console->lock_fd >= 0)
        close(console->lock_fd); /* releases the flock */
    free(console);
}

bool lv_domain_list_wants(unsigned flags, bool active)
{
    if (!(flags & (LV_LIST_ACTIVE | LV_LIST_INACTIVE)))
        return true;
    return (flags & (active ? LV_LIST_ACTIVE : LV_LIST_INACTIVE)) != 0;
}

static int compare_info_names(const void *a, const void *b)
{
    const lv_domain_info *x = a, *y = b;
    return strcmp(x->name, y->name);
}

void lv_domain_list_sort(lv_domain_list *list)
{
    if (list->count > 1)
        qsort(list->items, list->count, sizeof(*list->items), compare_info_names);
}

int lv_domain_id_parse(const char *s)
{
    if (!*s)
        return -1;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > INT_MAX)
            return -1;
    }
    return (int)v;
}
