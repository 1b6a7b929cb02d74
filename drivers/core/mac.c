/* MAC addresses: QEMU's 52:54:00 prefix for generated ones. */
#include "mac.h"

#include <stdio.h>
#include <string.h>

#include "names.h"
#include "uuid.h"

int lv_mac_generate(unsigned char mac[LV_MAC_LEN], lv_error *err)
{
    unsigned char tail[3];
    if (lv_random_bytes(tail, sizeof(tail), err) < 0)
        return -1;
    mac[0] = 0x52;
    mac[1] = 0x54;
    mac[2] = 0x00;
    memcpy(mac + 3, tail, sizeof(tail));
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Six groups of one or two hex digits separated by all ':' or all '-'. */
int lv_mac_parse(const char *str, unsigned char mac[LV_MAC_LEN], lv_error *err)
{
    if (!str)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid MAC address: none given");
    unsigned char out[LV_MAC_LEN];
    char shown[96];
    const char *p = str;
    char sep = 0;
    for (int i = 0; i < LV_MAC_LEN; i++) {
        if (i > 0) {
            if (!sep && (*p == ':' || *p == '-'))
                sep = *p;
            if (!sep || *p != sep)
                goto bad;
            p++;
        }
        int hi = hexval(p[0]);
        if (hi < 0)
            goto bad;
        int lo = hexval(p[1]);
        if (lo < 0) {
            out[i] = (unsigned char)hi;
            p += 1;
        } else {
            out[i] = (unsigned char)(hi << 4 | lo);
            p += 2;
        }
    }
    if (*p != '\0')
        goto bad;
    if (out[0] & 0x01)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "invalid MAC address '%s': expected a unicast address, found "
                            "multicast",
                            lv_text_for_message(str, shown, sizeof(shown)));
    memcpy(mac, out, LV_MAC_LEN);
    return 0;

bad:
    return lv_error_set(err, LV_ERR_INVALID_ARG,
                        "invalid MAC address '%s': expected six hex bytes like "
                        "52:54:00:12:34:56",
                        lv_text_for_message(str, shown, sizeof(shown)));
}

void lv_mac_format(const unsigned char mac[LV_MAC_LEN], char out[LV_MAC_STRING_LEN])
{
    snprintf(out, LV_MAC_STRING_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
             mac[3], mac[4], mac[5]);
}
