/* UUIDs: random version 4 from getrandom(2), libvirt's two text forms. */
#include "uuid.h"

#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int lv_random_bytes(void *buf, size_t len, lv_error *err)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return lv_error_set_errno(err, errno, "cannot read random bytes (getrandom)");
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int lv_uuid_generate(unsigned char uuid[LV_UUID_LEN], lv_error *err)
{
    if (lv_random_bytes(uuid, LV_UUID_LEN, err) < 0)
        return -1;
    uuid[6] = (unsigned char)((uuid[6] & 0x0f) | 0x40); /* version 4 */
    uuid[8] = (unsigned char)((uuid[8] & 0x3f) | 0x80); /* RFC 4122 variant */
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

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int lv_uuid_parse(const char *str, unsigned char uuid[LV_UUID_LEN], lv_error *err)
{
    if (!str)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid UUID: none given");
    /* Surrounding blanks are tolerated, as libvirt does. */
    const char *s = str;
    while (is_space(*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && is_space(s[len - 1]))
        len--;

    int dashed;
    if (len == 36)
        dashed = 1;
    else if (len == 32)
        dashed = 0;
    else
        goto bad;

    unsigned char out[LV_UUID_LEN];
    size_t pos = 0;
    for (int i = 0; i < LV_UUID_LEN; i++) {
        if (dashed && (i == 4 || i == 6 || i == 8 || i == 10)) {
            if (s[pos] != '-')
                goto bad;
            pos++;
        }
        int hi = hexval(s[pos]);
        int lo = hexval(s[pos + 1]);
        if (hi < 0 || lo < 0)
            goto bad;
        out[i] = (unsigned char)(hi << 4 | lo);
        pos += 2;
    }
    if (pos != len)
        goto bad;
    memcpy(uuid, out, LV_UUID_LEN);
    return 0;

bad:;
    char shown[96];
    return lv_error_set(err, LV_ERR_INVALID_ARG,
                        "invalid UUID '%s': expected 8-4-4-4-12 or 32 hex digits",
                        lv_text_for_message(str, shown, sizeof(shown)));
}

void lv_uuid_format(const unsigned char uuid[LV_UUID_LEN], char out[LV_UUID_STRING_LEN])
{
    snprintf(out, LV_UUID_STRING_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", uuid[0],
             uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8], uuid[9],
             uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
}

int lv_uuid_is_null(const unsigned char uuid[LV_UUID_LEN])
{
    for (int i = 0; i < LV_UUID_LEN; i++)
        if (uuid[i])
            return 0;
    return 1;
}
