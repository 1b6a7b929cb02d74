/* Synchronous wrappers over the network entry points (drivers/network.h) for
 * the network driver's tests, beside the domain ones of the qemu tests. */
#ifndef LV_NET_TEST_HELPERS_H
#define LV_NET_TEST_HELPERS_H

#include "../qemu/qemu_test_helpers.h"

#include "network.h"

typedef struct net_result {
    result base;
    lv_net_info *info;
    lv_net_list *list;
    lv_net_lease_list *leases;
} net_result;

static void net_cb(void *opaque, lv_net_info *info, const lv_error *err)
{
    net_result *r = opaque;
    record_err(&r->base, err);
    r->info = info;
}

static void net_list_cb(void *opaque, lv_net_list *list, const lv_error *err)
{
    net_result *r = opaque;
    record_err(&r->base, err);
    r->list = list;
}

static void net_leases_cb(void *opaque, lv_net_lease_list *list, const lv_error *err)
{
    net_result *r = opaque;
    record_err(&r->base, err);
    r->leases = list;
}

static inline int net_list(lv_conn *c, unsigned flags, lv_net_list **out)
{
    net_result r = {0};
    lv_net_list_all(c, flags, net_list_cb, &r);
    int ret = finish(&r.base);
    if (out)
        *out = r.list;
    else
        lv_net_list_free(r.list);
    return ret;
}

static inline int net_lookup(lv_conn *c, const char *key, lv_net_info **out)
{
    net_result r = {0};
    lv_net_lookup(c, LV_LOOKUP_ANY, key, net_cb, &r);
    int ret = finish(&r.base);
    if (out)
        *out = r.info;
    else
        lv_net_info_free(r.info);
    return ret;
}

static inline int net_define(lv_conn *c, const char *xml, lv_net_info **out)
{
    net_result r = {0};
    lv_net_define_xml(c, xml, 0, net_cb, &r);
    int ret = finish(&r.base);
    if (out)
        *out = r.info;
    else
        lv_net_info_free(r.info);
    return ret;
}

static inline int net_create(lv_conn *c, const char *xml, lv_net_info **out)
{
    net_result r = {0};
    lv_net_create_xml(c, xml, 0, net_cb, &r);
    int ret = finish(&r.base);
    if (out)
        *out = r.info;
    else
        lv_net_info_free(r.info);
    return ret;
}

static inline int net_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, char **out)
{
    result r = {0};
    lv_net_get_xml(c, uuid, flags, string_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.str;
    else
        free(r.str);
    return ret;
}

static inline int net_autostart(lv_conn *c, const unsigned char *uuid, bool on)
{
    result r = {0};
    lv_net_set_autostart(c, uuid, on, done_cb, &r);
    return finish(&r);
}

static inline int net_update(lv_conn *c, const unsigned char *uuid, lv_net_update_command cmd,
                             const char *section, const char *xml, unsigned flags)
{
    result r = {0};
    lv_net_update(c, uuid, cmd, section, -1, xml, flags, done_cb, &r);
    return finish(&r);
}

static inline int net_leases(lv_conn *c, const unsigned char *uuid, const char *mac,
                             lv_net_lease_list **out)
{
    net_result r = {0};
    lv_net_dhcp_leases(c, uuid, mac, 0, net_leases_cb, &r);
    int ret = finish(&r.base);
    if (out)
        *out = r.leases;
    else
        lv_net_lease_list_free(r.leases);
    return ret;
}

#endif
