/* TAP devices for guest NICs: created on /dev/net/tun, attached to a bridge
 * and brought up with one netlink request, handed to qemu as an fd.
 *
 * The device is not persistent: it exists while an fd on it is open, so it
 * goes away with the qemu that holds it (or with us, when the start fails),
 * and nothing is left to clean up on any path. Synchronous syscalls only: none
 * of them waits on anything but the kernel. */
#include "network.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/mac.h"

#ifndef IFF_TUN_EXCL
#define IFF_TUN_EXCL 0x8000
#endif

/* A name the kernel takes for a link (dev_valid_name), a "%d" template included. */
static bool valid_ifname(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
        return false;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

static int ifname_mtu(const char *name, unsigned *mtu, lv_error *err)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return lv_error_set_errno(err, errno, "cannot open a socket to ask for the MTU of '%s'",
                                  name);
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    int rc = ioctl(s, SIOCGIFMTU, &ifr);
    int e = errno;
    close(s);
    if (rc < 0)
        return lv_error_set_errno(err, e, "cannot read the MTU of '%s'", name);
    *mtu = (unsigned)ifr.ifr_mtu;
    return 0;
}

/* ---- netlink: one RTM_NEWLINK that sets master, MTU and up ------------- */

struct link_request {
    struct nlmsghdr nh;
    struct ifinfomsg ifi;
    char attrs[64];
};

static void add_u32_attr(struct link_request *req, unsigned short type, uint32_t value)
{
    struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));
    rta->rta_type = type;
    rta->rta_len = RTA_LENGTH(sizeof(value));
    memcpy(RTA_DATA(rta), &value, sizeof(value));
    req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Sends req and reads the kernel's ack: 0, or -errno. */
static int netlink_ask(struct link_request *req)
{
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0)
        return -errno;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    req->nh.nlmsg_seq = 1;
    int rc = -EPROTO;
    if (sendto(s, req, req->nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
        rc = -errno;
        goto out;
    }
    for (;;) {
        union {
            struct nlmsghdr nh;
            char buf[4096];
        } reply;
        ssize_t n = recv(s, &reply, sizeof(reply), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            goto out;
        }
        for (struct nlmsghdr *nh = &reply.nh; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
            if (nh->nlmsg_seq != req->nh.nlmsg_seq || nh->nlmsg_type != NLMSG_ERROR)
                continue;
            if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                goto out;
            rc = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
            goto out;
        }
    }
out:
    close(s);
    return rc;
}

static int attach_and_up(const char *tap, unsigned tap_index, const char *bridge,
                         unsigned bridge_index, unsigned mtu, lv_error *err)
{
    struct link_request req;
    memset(&req, 0, sizeof(req));
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    req.nh.nlmsg_type = RTM_NEWLINK;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    req.ifi.ifi_family = AF_UNSPEC;
    req.ifi.ifi_index = (int)tap_index;
    req.ifi.ifi_flags = IFF_UP;
    req.ifi.ifi_change = IFF_UP;
    add_u32_attr(&req, IFLA_MTU, mtu);
    add_u32_attr(&req, IFLA_MASTER, bridge_index);
    int rc = netlink_ask(&req);
    if (rc == -EOPNOTSUPP || rc == -EINVAL)
        return lv_error_set(err, LV_ERR_OPERATION_FAILED,
                            "cannot attach TAP device '%s' to '%s': '%s' is not a bridge, or "
                            "does not take MTU %u (%s)",
                            tap, bridge, bridge, mtu, strerror(-rc));
    if (rc < 0)
        return lv_error_set_errno(err, -rc, "cannot attach TAP device '%s' to bridge '%s'", tap,
                                  bridge);
    return 0;
}

/* ---- the TAP device ------------------------------------------------------ */

/* The host side's MAC: the guest's with the first byte 0xFE (as libvirt), so
 * it is never lower than the bridge's own address and a bridge that takes its
 * lowest port's address keeps the one it has. */
static int set_host_mac(int fd, const char *tap, const char *guest_mac, lv_error *err)
{
    unsigned char mac[LV_MAC_LEN];
    if (lv_mac_parse(guest_mac, mac, err) < 0)
        return -1;
    mac[0] = 0xfe;
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tap);
    ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
    memcpy(ifr.ifr_hwaddr.sa_data, mac, LV_MAC_LEN);
    if (ioctl(fd, SIOCSIFHWADDR, &ifr) < 0)
        return lv_error_set_errno(err, errno, "cannot set the MAC of TAP device '%s'", tap);
    return 0;
}

int lv_network_open_tap(const char *bridge, const char *ifname_template, unsigned mtu,
                        const char *guest_mac, char **ifname, lv_error *err)
{
    *ifname = NULL;
    if (!ifname_template)
        ifname_template = "vnet%d";
    if (!bridge || !valid_ifname(bridge))
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid bridge name '%s'",
                            bridge ? bridge : "");
    if (!valid_ifname(ifname_template))
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "invalid TAP device name '%s' (at most %d characters, no '/', ':' "
                            "or blanks)",
                            ifname_template, IFNAMSIZ - 1);
    unsigned bridge_index = if_nametoindex(bridge);
    if (bridge_index == 0)
        return lv_error_set(err, LV_ERR_OPERATION_FAILED, "bridge '%s' does not exist", bridge);
    if (mtu == 0 && ifname_mtu(bridge, &mtu, err) < 0)
        return -1;

    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return lv_error_set_errno(err, errno, "cannot open /dev/net/tun to create a TAP device");
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname_template);
    /* qemu's virtio-net wants the vnet header; EXCL: a fixed name that exists
     * is an error, never someone else's device taken over. */
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        if (e == EBUSY || e == EEXIST)
            return lv_error_set(err, LV_ERR_OPERATION_FAILED,
                                "cannot create TAP device '%s': a device of that name exists",
                                ifname_template);
        return lv_error_set_errno(err, e, "cannot create TAP device '%s'", ifname_template);
    }
    char name[IFNAMSIZ];
    snprintf(name, sizeof(name), "%s", ifr.ifr_name);
    unsigned tap_index = if_nametoindex(name);
    if (tap_index == 0) {
        int e = errno;
        close(fd);
        return lv_error_set_errno(err, e, "TAP device '%s' vanished after its creation", name);
    }
    if ((guest_mac && set_host_mac(fd, name, guest_mac, err) < 0) ||
        attach_and_up(name, tap_index, bridge, bridge_index, mtu, err) < 0) {
        close(fd); /* the last fd: the kernel removes the device */
        return -1;
    }
    *ifname = lv_strdup(name);
    return fd;
}
