/* The "default" network of the system scope, as libvirt's: NAT on
 * 192.168.122.0/24 with DHCP, or the next free 192.168.N.0/24 when that one
 * collides with a host route or another network. It is defined the first
 * time the scope's networks are looked at, once: a marker file remembers it,
 * so a default the user undefined stays undefined. It is marked autostart.
 * While another operation holds the scope's lock, it waits for the next look.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "network/network_host.h"
#include "network/network_priv.h"

static bool subnet_taken(const lv_ipv4_subnet *s, const lv__net_route *routes, size_t nroutes,
                         lv__net_set *set)
{
    for (size_t i = 0; i < nroutes; i++) {
        if (lv_ipv4_subnets_overlap(s, &routes[i].subnet))
            return true;
    }
    for (size_t i = 0; i < set->count; i++) {
        lv_ipv4_subnet other;
        const lv__net_obj *o = &set->items[i];
        const lv_network_def *defs[] = {o->config, o->live};
        for (size_t j = 0; j < 2; j++) {
            if (defs[j] && lv_network_def_subnet(defs[j], &other) &&
                lv_ipv4_subnets_overlap(s, &other))
                return true;
        }
    }
    return false;
}

/* The XML of the default network on 192.168.third.0/24. */
static char *default_xml(unsigned third)
{
    return lv_asprintf("<network>\n"
                       "  <name>default</name>\n"
                       "  <forward mode='nat'/>\n"
                       "  <ip address='192.168.%u.1' netmask='255.255.255.0'>\n"
                       "    <dhcp>\n"
                       "      <range start='192.168.%u.2' end='192.168.%u.254'/>\n"
                       "    </dhcp>\n"
                       "  </ip>\n"
                       "</network>\n",
                       third, third, third);
}

static int define_default(lv_conn *c, lv_error *err)
{
    lv__net_set set;
    if (lv__net_scan(c, &set, err) < 0)
        return -1;
    int rc = 0;
    if (!lv__net_find(&set, LV_LOOKUP_NAME, "default")) {
        lv__net_route *routes = NULL;
        size_t nroutes = 0;
        lv__net_host_routes(&routes, &nroutes);
        unsigned third = 122;
        for (; third < 255; third++) {
            lv_ipv4_subnet s = {.network = (192u << 24) | (168u << 16) | (third << 8),
                                .netmask = 0xffffff00u,
                                .prefix = 24};
            s.broadcast = s.network | 0xff;
            if (!subnet_taken(&s, routes, nroutes, &set))
                break;
        }
        free(routes);
        if (third == 255) {
            lv__net_set_clear(&set);
            return 0; /* every 192.168.N.0/24 is in use: no default, as libvirt */
        }
        char *xml = default_xml(third);
        lv_network_def *def = lv_network_def_parse_xml(xml, err);
        free(xml);
        char *path = NULL;
        if (!def || lv__net_fill_generated(&set, def, err) < 0)
            rc = -1;
        else {
            path = lv__net_config_path(c, "default");
            rc = lv__net_write_def(path, def, err);
            if (rc == 0) /* as libvirt's installation marks it */
                rc = lv__net_autostart_link(c, "default", err);
        }
        free(path);
        lv_network_def_free(def);
    }
    lv__net_set_clear(&set);
    return rc;
}

int lv__net_ensure_default(lv_conn *c, lv_error *err)
{
    if (!c->scope.privileged || !c->scope.network_config)
        return 0;
    char *marker = lv_asprintf("%s/.default-done", c->scope.network_config);
    int rc = 0;
    if (access(marker, F_OK) == 0)
        goto out;
    if (lv__net_ensure_dirs(c, err) < 0) {
        rc = -1;
        goto out;
    }
    /* Not waited for: the holder may be an operation of this very process,
     * which cannot go on while the loop waits here. The next look defines it. */
    char *lock = lv__net_run_path(c, ".lock", "");
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    free(lock);
    if (fd < 0) {
        rc = lv_error_set_errno(err, errno, "cannot lock the networks of '%s'", c->uri_string);
        goto out;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK)
            rc = lv_error_set_errno(err, errno, "cannot lock the networks of '%s'", c->uri_string);
        close(fd);
        goto out;
    }
    if (access(marker, F_OK) != 0) {
        rc = define_default(c, err);
        if (rc == 0)
            rc = lv_file_write_atomic(marker, "", 0, 0644, err);
    }
    close(fd);
out:
    free(marker);
    return rc;
}
