#ifndef LV_CORE_MAC_H
#define LV_CORE_MAC_H

#include "error.h"

#define LV_MAC_LEN 6
#define LV_MAC_STRING_LEN 18

/* Random address under QEMU's 52:54:00 prefix. */
int lv_mac_generate(unsigned char mac[LV_MAC_LEN], lv_error *err);
/* "52:54:00:12:34:56" (also '-' separated); rejects multicast addresses. */
int lv_mac_parse(const char *str, unsigned char mac[LV_MAC_LEN], lv_error *err);
void lv_mac_format(const unsigned char mac[LV_MAC_LEN], char out[LV_MAC_STRING_LEN]);

#endif
