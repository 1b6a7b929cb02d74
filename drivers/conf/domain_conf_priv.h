/* Private to lvconf: what the pieces of the domain XML code share.
 *
 *   domain_conf.c          entry points: parse, format, copy, free, setters
 *   domain_conf_custom.c   elements a table cannot describe: <address>, sizes, <vcpu>,
 *                          <metadata>
 *   domain_conf_devices.c  the element tables of <devices> and <seclabel>
 *   domain_conf_domain.c   the table of <domain>: top level, <os>, <features>, <cpu>,
 *                          <clock>, <pm>, <devices>
 *   domain_conf_post_parse.c  libvirt's defaults and the checks a table cannot make
 *
 * Not installed, not for other libraries: domain_conf.h is the interface. */
#ifndef LV_DOMAIN_CONF_PRIV_H
#define LV_DOMAIN_CONF_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "domain_conf.h"
#include "xml_bind.h"

/* ---- table helpers --------------------------------------------------------------------- */

/* The tables read best laid out by hand. */
/* clang-format off */

#define ATTRS(...)                                                                                 \
    (const lv__xb_attr[])                                                                          \
    {                                                                                              \
        __VA_ARGS__, { 0 }                                                                         \
    }
#define CHILDREN(...)                                                                              \
    (const lv__xb_child[])                                                                         \
    {                                                                                              \
        __VA_ARGS__, { 0 }                                                                         \
    }
#define VALUES(...)                                                                                \
    (const char *const[])                                                                          \
    {                                                                                              \
        __VA_ARGS__, NULL                                                                          \
    }
#define ELEM(...) (&(const lv__xb_elem){__VA_ARGS__})

/* An attribute of struct st stored in field fld. */
#define A(nm, ty, st, fld) {.name = nm, .type = LV__XB_##ty, .off = offsetof(st, fld)}
#define AE(nm, st, fld, ...)                                                                       \
    {.name = nm, .type = LV__XB_ENUM, .off = offsetof(st, fld), .values = VALUES(__VA_ARGS__)}
#define AHEX(nm, st, fld, w) {.name = nm, .type = LV__XB_HEX, .off = offsetof(st, fld), .width = w}
/* A child element whose fields live in the same struct. */
#define INL(nm, ...) {.name = nm, .kind = LV__XB_INLINE, .elem = ELEM(__VA_ARGS__)}
/* <nm>text</nm> */
#define TXT(nm, ty, st, fld) INL(nm, .text = LV__XB_##ty, .text_off = offsetof(st, fld))
#define TXTE(nm, st, fld, ...)                                                                     \
    INL(nm, .text = LV__XB_ENUM, .text_off = offsetof(st, fld), .text_values = VALUES(__VA_ARGS__))
/* <nm/>, a bool */
#define FLAG(nm, st, fld) INL(nm, .has_flag = true, .flag_off = offsetof(st, fld))
#define LIST(nm, st, fld, cnt, type, e)                                                            \
    {.name = nm,                                                                                   \
     .kind = LV__XB_LIST,                                                                          \
     .off = offsetof(st, fld),                                                                     \
     .count_off = offsetof(st, cnt),                                                               \
     .size = sizeof(type),                                                                         \
     .elem = e}
#define ONE(nm, st, fld, type, e)                                                                  \
    {.name = nm, .kind = LV__XB_ONE, .off = offsetof(st, fld), .size = sizeof(type), .elem = e}
#define CUSTOM(nm, st, fld, c)                                                                     \
    {.name = nm, .kind = LV__XB_CUSTOM, .off = offsetof(st, fld), .custom = c}
/* A custom element that works on the whole struct. */
#define WHOLE(nm, c) {.name = nm, .kind = LV__XB_CUSTOM, .off = 0, .custom = c}

/* <boot order>, <alias>: first of a device's info; <address> comes last. */
#define INFO_BOOT_ALIAS(st)                                                                        \
    INL("boot", .attrs = ATTRS(A("order", UINT, st, info.boot_order))),                            \
        INL("alias", .attrs = ATTRS(A("name", STR, st, info.alias)))
#define INFO_ADDRESS(st) CUSTOM("address", st, info.address, &lv__dc_address_custom)
#define INFO(st) INFO_BOOT_ALIAS(st), INFO_ADDRESS(st)

/* clang-format on */

static inline bool lv__dc_streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static inline void lv__dc_clear_str(char **s)
{
    free(*s);
    *s = NULL;
}

/* ---- domain_conf_custom.c ---------------------------------------------------------------- */

extern const lv__xb_custom lv__dc_address_custom;    /* <address> of a device */
extern const lv__xb_custom lv__dc_memory_custom;     /* <memory>, <currentMemory> */
extern const lv__xb_custom lv__dc_max_memory_custom; /* <maxMemory>, on the whole def */
extern const lv__xb_custom lv__dc_vcpu_custom;       /* <vcpu>, on the whole def */
extern const lv__xb_custom lv__dc_metadata_custom;   /* <metadata>, kept verbatim */

/* ---- domain_conf_devices.c --------------------------------------------------------------- */

extern const lv__xb_elem lv__dc_disk_elem;
extern const lv__xb_elem lv__dc_controller_elem;
extern const lv__xb_elem lv__dc_net_elem;
extern const lv__xb_elem lv__dc_chardev_elem; /* <serial>, <console>, <channel> */
extern const lv__xb_elem lv__dc_input_elem;
extern const lv__xb_elem lv__dc_graphics_elem;
extern const lv__xb_elem lv__dc_audio_elem;
extern const lv__xb_elem lv__dc_video_elem;
extern const lv__xb_elem lv__dc_watchdog_elem;
extern const lv__xb_elem lv__dc_memballoon_elem;
extern const lv__xb_elem lv__dc_rng_elem;
extern const lv__xb_elem lv__dc_seclabel_elem;

/* The controller models each controller type takes, NULL-terminated. */
extern const char *const lv__dc_pci_models[];
extern const char *const lv__dc_usb_models[];
extern const char *const lv__dc_scsi_models[];
extern const char *const lv__dc_vioser_models[];

/* ---- domain_conf_domain.c ---------------------------------------------------------------- */

extern const lv__xb_elem lv__dc_domain_elem;

/* ---- domain_conf_post_parse.c ------------------------------------------------------------ */

/* After the walk: fills in libvirt's defaults and checks what a table cannot
 * (required parts, ranges, cross-references). */
int lv__dc_post_parse(lv_domain_def *def, unsigned flags, lv_error *err);

#endif
