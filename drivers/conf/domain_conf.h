/* libvirt domain XML <-> C structs: parse, validate, format.
 * Owned by drivers/conf. The fields below the "shared" marker are used by the
 * drivers and must keep their names and meaning; the rest grow freely. */
#ifndef LV_CONF_DOMAIN_CONF_H
#define LV_CONF_DOMAIN_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/uuid.h"

typedef struct lv_domain_def lv_domain_def;

struct lv_domain_def {
    /* ---- shared: used by drivers ---- */
    char *virt_type; /* <domain type='...'>: "kvm", "qemu" or "test" */
    char *name;
    unsigned char uuid[LV_UUID_LEN];
    char *title;       /* NULL when none */
    char *description; /* NULL when none */
    uint64_t memory_kib;         /* <memory>: the maximum at boot */
    uint64_t current_memory_kib; /* <currentMemory>; equals memory_kib when absent */
    unsigned int vcpus;          /* <vcpu>: maximum */
    unsigned int vcpus_current;  /* <vcpu current=...>; equals vcpus when absent */
    char *os_type;               /* <os><type>: "hvm" (or "linux" for the test driver) */
    /* ---- the rest of the supported subset: see domain_conf.c ---- */
};

enum {
    /* Parsing for a define: fill in a missing uuid and missing MACs. */
    LV_DOMAIN_PARSE_GENERATE = 1 << 0,
};

enum {
    /* Format the persistent form: leave out live-only parts (id, runtime aliases). */
    LV_DOMAIN_FORMAT_INACTIVE = 1 << 0,
};

/* Parses and validates one <domain> document. Malformed XML, a missing required
 * part, an invalid value, or an element luvirt cannot honour all fail with one
 * line naming it. Never reads the network or expands entities. */
lv_domain_def *lv_domain_def_parse_xml(const char *xml, unsigned flags, lv_error *err);
/* id is the running id to print as <domain id='N'>, or -1. Returns malloc'd text. */
char *lv_domain_def_format_xml(const lv_domain_def *def, int id, unsigned flags);
lv_domain_def *lv_domain_def_copy(const lv_domain_def *def);
void lv_domain_def_free(lv_domain_def *def);

#endif
