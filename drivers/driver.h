/* The driver interface. A driver is a set of small tables of asynchronous
 * function pointers, one table per area, filled with designated initializers.
 * A NULL pointer means "not supported by this driver"; the lv_* wrappers in
 * driver.c turn that into an LV_ERR_NO_SUPPORT error, and refuse mutating
 * calls on read-only connections, so drivers need not.
 *
 * Every operation completes by calling its callback exactly once. It may do so
 * before returning (the test driver does); callers must cope with both.
 * Results handed to a callback belong to the callback (free them with the
 * matching lv_*_free). err is NULL on success and only valid during the call.
 * Nothing here includes lua.h: the bindings sit above this. */
#ifndef LV_DRIVER_H
#define LV_DRIVER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "core/domain_state.h"
#include "core/error.h"
#include "core/uri.h"
#include "core/uuid.h"

typedef struct lv_conn lv_conn;
typedef struct lv_driver lv_driver;
/* Filled in by drivers/storage.h and drivers/network.h. */
typedef struct lv_storage_driver lv_storage_driver;
typedef struct lv_network_driver lv_network_driver;
struct lv_net_info;

/* ---- results ----------------------------------------------------------- */

typedef struct lv_domain_info {
    char *name;
    unsigned char uuid[LV_UUID_LEN];
    int id; /* -1 when not running */
    lv_domain_state state;
    int reason; /* an lv_*_reason of that state */
    bool persistent;
    bool autostart;
    bool managed_save;
    char *title;   /* NULL when none */
    char *os_type; /* "hvm", "linux" */
    unsigned int vcpus;
    uint64_t max_memory_kib;
    uint64_t memory_kib;
    uint64_t cpu_time_ns;
} lv_domain_info;

typedef struct lv_domain_list {
    size_t count;
    lv_domain_info *items;
} lv_domain_list;

typedef struct lv_node_info {
    char model[32]; /* "x86_64" */
    uint64_t memory_kib;
    unsigned int cpus;
    unsigned int mhz;
    unsigned int nodes;
    unsigned int sockets; /* per node */
    unsigned int cores;   /* per socket */
    unsigned int threads; /* per core */
} lv_node_info;

typedef struct lv_version_info {
    char hypervisor[32];        /* "QEMU", "Test" */
    unsigned long hv_version;   /* major * 1000000 + minor * 1000 + release */
} lv_version_info;

/* A flat list of typed key/value pairs, as libvirt's typed parameters: domain
 * stats ("cpu.time", "block.0.rd.reqs"), memory stats ("actual", "rss"), block
 * info ("capacity"). Keys keep their insertion order. */
typedef enum lv_param_type {
    LV_PARAM_UINT = 0,
    LV_PARAM_INT,
    LV_PARAM_STRING,
} lv_param_type;

typedef struct lv_param {
    char *key;
    lv_param_type type;
    uint64_t u;
    int64_t i;
    char *s;
} lv_param;

typedef struct lv_params {
    size_t count, cap;
    lv_param *items;
} lv_params;

lv_params *lv_params_new(void);
void lv_params_free(lv_params *p);
/* key is a printf format. */
void lv_params_add_uint(lv_params *p, uint64_t v, const char *key, ...)
    __attribute__((format(printf, 3, 4)));
void lv_params_add_int(lv_params *p, int64_t v, const char *key, ...)
    __attribute__((format(printf, 3, 4)));
void lv_params_add_string(lv_params *p, const char *v, const char *key, ...)
    __attribute__((format(printf, 3, 4)));
const lv_param *lv_params_get(const lv_params *p, const char *key);

/* An open serial console: a connected stream socket (the caller's to read,
 * write and close; set fd to -1 after handing it to a uv handle) and the lock
 * that makes this process its one client, released by lv_console_free. */
typedef struct lv_console {
    int fd;
    int lock_fd;
} lv_console;
void lv_console_free(lv_console *console);

void lv_domain_info_clear(lv_domain_info *info);
/* Helpers every driver's list and lookup share (results.c). */
/* Does a domain that is (or is not) active pass LV_LIST_* flags? Neither flag: all. */
bool lv_domain_list_wants(unsigned flags, bool active);
/* Sorts a list by name, the order `list` and conn:domains() promise. */
void lv_domain_list_sort(lv_domain_list *list);
/* A whole string of decimal digits that fits an int; -1 otherwise. */
int lv_domain_id_parse(const char *s);
void lv_domain_info_free(lv_domain_info *info);
void lv_domain_list_free(lv_domain_list *list);

/* ---- lifecycle events --------------------------------------------------- */

/* libvirt's lifecycle events (VIR_DOMAIN_EVENT_*) with their details, plus its
 * separate reboot event as LV_EVENT_REBOOT (detail 0). */
typedef enum lv_event {
    LV_EVENT_DEFINED = 0, /* added 0, updated 1, renamed 2 */
    LV_EVENT_UNDEFINED,   /* removed 0, renamed 1 */
    LV_EVENT_STARTED,     /* booted 0 */
    LV_EVENT_SUSPENDED,   /* paused 0, ioerror 2 */
    LV_EVENT_RESUMED,     /* unpaused 0 */
    LV_EVENT_STOPPED,     /* shutdown 0, destroyed 1, crashed 2, failed 5 */
    LV_EVENT_SHUTDOWN,    /* finished 0 */
    LV_EVENT_PMSUSPENDED, /* memory 0 */
    LV_EVENT_CRASHED,     /* panicked 0 */
    LV_EVENT_REBOOT,
    LV_EVENT__COUNT
} lv_event;

enum {
    LV_EVENT_DEFINED_ADDED = 0,
    LV_EVENT_DEFINED_UPDATED = 1,
    LV_EVENT_DEFINED_RENAMED = 2,
    LV_EVENT_UNDEFINED_REMOVED = 0,
    LV_EVENT_UNDEFINED_RENAMED = 1,
    LV_EVENT_STARTED_BOOTED = 0,
    LV_EVENT_SUSPENDED_PAUSED = 0,
    LV_EVENT_SUSPENDED_IOERROR = 2,
    LV_EVENT_RESUMED_UNPAUSED = 0,
    LV_EVENT_STOPPED_SHUTDOWN = 0,
    LV_EVENT_STOPPED_DESTROYED = 1,
    LV_EVENT_STOPPED_CRASHED = 2,
    LV_EVENT_STOPPED_FAILED = 5,
    LV_EVENT_SHUTDOWN_FINISHED = 0,
    LV_EVENT_CRASHED_PANICKED = 0,
};

/* "defined", "stopped", "reboot"... and the detail as virsh event prints it
 * ("added", "destroyed"); "unknown" when out of range. */
const char *lv_event_string(int event);
const char *lv_event_detail_string(int event, int detail);

/* ---- callbacks ---------------------------------------------------------- */

typedef void (*lv_done_cb)(void *opaque, const lv_error *err);
typedef void (*lv_conn_cb)(void *opaque, lv_conn *conn, const lv_error *err);
/* Takes ownership of info (NULL on error). */
typedef void (*lv_domain_cb)(void *opaque, lv_domain_info *info, const lv_error *err);
typedef void (*lv_domain_list_cb)(void *opaque, lv_domain_list *list, const lv_error *err);
/* Takes ownership of str (malloc'd; NULL on error). */
typedef void (*lv_string_cb)(void *opaque, char *str, const lv_error *err);
typedef void (*lv_node_cb)(void *opaque, const lv_node_info *info, const lv_error *err);
typedef void (*lv_version_cb)(void *opaque, const lv_version_info *info, const lv_error *err);
/* Takes ownership of params (NULL on error). */
typedef void (*lv_params_cb)(void *opaque, lv_params *params, const lv_error *err);
/* Takes ownership of console (NULL on error). */
typedef void (*lv_console_cb)(void *opaque, lv_console *console, const lv_error *err);
/* A lifecycle event of a domain. dom (borrowed, valid during the call) is the
 * domain as it is after the change. */
typedef void (*lv_domain_event_cb)(void *opaque, lv_conn *conn, const lv_domain_info *dom,
                                   int event, int detail);

/* ---- flags -------------------------------------------------------------- */

enum {
    LV_CONNECT_READONLY = 1 << 0,
};

enum { /* domain_list */
    LV_LIST_ACTIVE = 1 << 0,
    LV_LIST_INACTIVE = 1 << 1, /* both or neither: all */
};

enum { /* domain_start, domain_create_xml */
    LV_START_PAUSED = 1 << 0,
};

enum { /* domain_get_xml */
    LV_XML_INACTIVE = 1 << 0, /* the persistent definition, not the live one */
};

enum { /* domain_destroy */
    LV_DESTROY_GRACEFUL = 1 << 0,
};

enum { /* qemu_monitor_command */
    LV_QMP_PASSTHROUGH_HMP = 1 << 0,
};

enum { /* domain_shutdown */
    LV_SHUTDOWN_WAIT = 1 << 0, /* complete only once the domain is shut off */
};
/* With LV_SHUTDOWN_WAIT: give up (LV_ERR_TIMEOUT, the guest keeps running) after
 * secs seconds; 0 means the driver's default (qemu: 300 s). */
#define LV_SHUTDOWN_TIMEOUT(secs) (((unsigned)(secs) & 0xffffffu) << 8)
#define LV_SHUTDOWN_TIMEOUT_MASK 0xffffff00u


enum { /* domain_get_stats: groups, as virsh domstats --state --cpu-total ...; 0: all */
    LV_STATS_STATE = 1 << 0,     /* state.state, state.reason */
    LV_STATS_CPU_TOTAL = 1 << 1, /* cpu.time, cpu.user, cpu.system (ns) */
    LV_STATS_BALLOON = 1 << 2,   /* balloon.current, balloon.maximum (KiB), guest stats */
    LV_STATS_VCPU = 1 << 3,      /* vcpu.current, vcpu.maximum, vcpu.N.state, vcpu.N.time */
    LV_STATS_INTERFACE = 1 << 4, /* net.count, net.N.name, net.N.rx.bytes ... */
    LV_STATS_BLOCK = 1 << 5,     /* block.count, block.N.name, block.N.rd.reqs ... */
    LV_STATS_ALL = (1 << 6) - 1,
};

enum { /* open_console */
    LV_CONSOLE_FORCE = 1 << 0, /* take the console over from another client */
};

enum { /* domain_set_metadata (as libvirt's VIR_DOMAIN_AFFECT_*) */
    LV_AFFECT_LIVE = 1 << 0,   /* the running definition */
    LV_AFFECT_CONFIG = 1 << 1, /* the persistent definition; neither: live when active */
};

typedef enum lv_lookup_by {
    LV_LOOKUP_ANY = 0, /* as virsh does: an id if numeric, a uuid if it parses, else a name */
    LV_LOOKUP_NAME,
    LV_LOOKUP_UUID,
    LV_LOOKUP_ID,
} lv_lookup_by;

typedef enum lv_metadata_kind {
    LV_METADATA_DESCRIPTION = 0,
    LV_METADATA_TITLE,
} lv_metadata_kind;

/* ---- tables ------------------------------------------------------------- */

/* Domains are addressed by UUID: stable across renames, unlike names and ids. */
typedef struct lv_domain_driver {
    void (*list)(lv_conn *c, unsigned flags, lv_domain_list_cb cb, void *opaque);
    void (*lookup)(lv_conn *c, lv_lookup_by by, const char *key, lv_domain_cb cb, void *opaque);
    /* define/create parse and validate the XML; info describes the result. */
    void (*define_xml)(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                       void *opaque);
    void (*create_xml)(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                       void *opaque);
    void (*undefine)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
    void (*start)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                  void *opaque);
    void (*shutdown)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
    void (*destroy)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque);
    void (*reboot)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                   void *opaque);
    void (*reset)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                  void *opaque);
    void (*suspend)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque);
    void (*resume)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                   void *opaque);
    void (*get_info)(lv_conn *c, const unsigned char *uuid, lv_domain_cb cb, void *opaque);
    void (*get_xml)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                    void *opaque);
    void (*set_autostart)(lv_conn *c, const unsigned char *uuid, bool autostart, lv_done_cb cb,
                          void *opaque);
    /* text NULL removes it. Changes the live and/or persistent definition as flags say
     * (0: live when running, else persistent, as libvirt's "current"). */
    void (*set_metadata)(lv_conn *c, const unsigned char *uuid, lv_metadata_kind kind,
                         const char *text, unsigned flags, lv_done_cb cb, void *opaque);
    void (*rename)(lv_conn *c, const unsigned char *uuid, const char *new_name, lv_done_cb cb,
                   void *opaque);
    /* QMP passthrough (qemu-monitor-command): cmd is a JSON command object as
     * the user wrote it, or with LV_QMP_PASSTHROUGH_HMP a human monitor command
     * line. The result is qemu's whole reply as JSON text (an error reply is a
     * result, not an lv_error), or the HMP output. The domain must be active. */
    void (*qemu_monitor_command)(lv_conn *c, const unsigned char *uuid, const char *cmd,
                                 unsigned flags, lv_string_cb cb, void *opaque);
    /* Stats of the groups asked (LV_STATS_*, 0: all) with virsh domstats's keys.
     * An inactive domain has only state.* (and what needs no running guest). */
    void (*get_stats)(lv_conn *c, const unsigned char *uuid, unsigned groups, lv_params_cb cb,
                      void *opaque);
    /* The balloon's view, virsh dommemstat's keys in KiB: actual, swap_in,
     * swap_out, major_fault, minor_fault, unused, available, usable,
     * last_update (s), disk_caches, rss. Those the guest does not report are
     * left out. The domain must be active. */
    void (*memory_stats)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_params_cb cb,
                         void *opaque);
    /* capacity, allocation, physical (bytes) of the disk whose target ("vda") or
     * source path is disk, as virsh domblkinfo. */
    void (*block_info)(lv_conn *c, const unsigned char *uuid, const char *disk, unsigned flags,
                       lv_params_cb cb, void *opaque);
    /* The guest's serial console (the first serial port, or dev "serial0").
     * One client at a time; LV_CONSOLE_FORCE ends the other one's session. */
    void (*open_console)(lv_conn *c, const unsigned char *uuid, const char *dev, unsigned flags,
                         lv_console_cb cb, void *opaque);
    /* The path of the console's log file (this run's, or the last run's). */
    void (*console_log)(lv_conn *c, const unsigned char *uuid, lv_string_cb cb, void *opaque);
} lv_domain_driver;

struct lv_driver {
    const char *name; /* "test", "qemu" */
    /* Does this driver serve the URI? Only looks at it; no I/O. */
    bool (*probe)(const lv_uri *uri);
    /* Opens a connection: must fill conn->priv; conn->loop, conn->uri, conn->flags
     * are set by the caller. Calls cb with conn on success; on failure the caller
     * frees conn. */
    void (*open)(lv_conn *conn, lv_done_cb cb, void *opaque);
    /* Releases conn->priv. Synchronous: pending operations have completed. */
    void (*close)(lv_conn *conn);
    void (*hostname)(lv_conn *c, lv_string_cb cb, void *opaque);
    void (*version)(lv_conn *c, lv_version_cb cb, void *opaque);
    void (*node_info)(lv_conn *c, lv_node_cb cb, void *opaque);
    void (*capabilities)(lv_conn *c, lv_string_cb cb, void *opaque);
    /* Starts (on) or stops watching for changes made elsewhere, so events can be
     * emitted; called when an event handler is set or removed. May be NULL (the
     * driver emits for its own operations only). While off, nothing of it may
     * keep the loop alive. */
    void (*watch_events)(lv_conn *conn, bool on);
    /* Domain XML -> the driver's native form (qemu: "qemu-argv", the command
     * line start would run, as shell text). */
    void (*domxml_to_native)(lv_conn *c, const char *format, const char *xml, lv_string_cb cb,
                             void *opaque);
    const lv_domain_driver *domain;
    /* Pools and volumes (drivers/storage.h), virtual networks
     * (drivers/network.h); NULL: the driver has none. */
    const lv_storage_driver *storage;
    const lv_network_driver *network;
};

/* Where a connection's scope keeps the files of storage pools and networks,
 * set by the hypervisor driver at open (qemu: per scope, see qemu_paths.c)
 * and used by the storage and network drivers. All NULL when the driver has
 * none (test driver). Directories are created by their user, on first use. */
typedef struct lv_scope_dirs {
    char *storage_config; /* pool definitions; autostart/ inside */
    char *storage_run;    /* which pools are active */
    char *network_config; /* network definitions; autostart/ inside */
    char *network_run;    /* network state, dnsmasq config, pid and leases */
    char *images;         /* the target of the default pool */
    bool privileged;      /* the host-wide scope (qemu:///system) */
} lv_scope_dirs;
void lv_scope_dirs_clear(lv_scope_dirs *dirs);

struct lv_conn {
    const lv_driver *driver;
    uv_loop_t *loop;
    lv_uri uri;
    char *uri_string; /* canonical */
    unsigned flags;   /* LV_CONNECT_* */
    void *priv;       /* the driver's */
    lv_domain_event_cb event_cb; /* lv_conn_set_domain_event_handler */
    void *event_opaque;
    lv_scope_dirs scope;  /* the hypervisor driver's open fills it */
    void *storage_priv;   /* the storage driver's per-connection state */
    void *network_priv;   /* the network driver's per-connection state */
    /* lv_conn_set_network_event_handler (drivers/network.h); the cb's type
     * is lv_net_event_cb, kept opaque here so driver.h needs no network.h. */
    void (*net_event_cb)(void *opaque, lv_conn *conn, const struct lv_net_info *net, int event,
                         int detail);
    void *net_event_opaque;
};

/* ---- entry points used by the bindings ---------------------------------- */

/* Known drivers, for `version` and error messages. NULL-terminated. */
const lv_driver *const *lv_driver_registry(void);

/* Parses uri, picks the driver, opens. An unknown or not-yet-served URI fails
 * with one line naming it. */
void lv_conn_open(uv_loop_t *loop, const char *uri, unsigned flags, lv_conn_cb cb,
                  void *opaque);
void lv_conn_close(lv_conn *conn);
bool lv_conn_is_readonly(const lv_conn *conn);
/* The refusals every checked entry point (driver.c, network_api.c,
 * storage_api.c) makes before calling the driver: fills err and returns true
 * when the driver lacks `op` (`present` false) or when a `write` meets a
 * read-only connection. */
bool lv_conn_refuses(lv_conn *c, bool present, const char *op, bool write, lv_error *err);

/* One lifecycle event handler per connection (NULL: none). While one is set,
 * the driver watches for changes made by other processes too (qemu: the run
 * and config folders) and holds the loop; without one nothing of it does. */
void lv_conn_set_domain_event_handler(lv_conn *conn, lv_domain_event_cb cb, void *opaque);
/* For drivers: hands an event to the connection's handler, if any. Drivers
 * may emit from inside an operation (before its callback), so a handler must
 * not close the connection; queue the event and act later (the bindings do). */
void lv_conn_emit_domain_event(lv_conn *conn, const lv_domain_info *dom, int event, int detail);

void lv_conn_hostname(lv_conn *c, lv_string_cb cb, void *opaque);
void lv_conn_version(lv_conn *c, lv_version_cb cb, void *opaque);
void lv_conn_node_info(lv_conn *c, lv_node_cb cb, void *opaque);
void lv_conn_capabilities(lv_conn *c, lv_string_cb cb, void *opaque);
void lv_conn_domxml_to_native(lv_conn *c, const char *format, const char *xml, lv_string_cb cb,
                              void *opaque);

void lv_domain_list_all(lv_conn *c, unsigned flags, lv_domain_list_cb cb, void *opaque);
void lv_domain_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_domain_cb cb,
                      void *opaque);
void lv_domain_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                          void *opaque);
void lv_domain_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb,
                          void *opaque);
void lv_domain_undefine(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                        void *opaque);
void lv_domain_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
void lv_domain_shutdown(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                        void *opaque);
void lv_domain_destroy(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                       void *opaque);
void lv_domain_reboot(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque);
void lv_domain_reset(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
void lv_domain_suspend(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                       void *opaque);
void lv_domain_resume(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque);
void lv_domain_get_info(lv_conn *c, const unsigned char *uuid, lv_domain_cb cb, void *opaque);
void lv_domain_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                       void *opaque);
void lv_domain_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart,
                             lv_done_cb cb, void *opaque);
void lv_domain_set_metadata(lv_conn *c, const unsigned char *uuid, lv_metadata_kind kind,
                            const char *text, unsigned flags, lv_done_cb cb, void *opaque);
void lv_domain_rename(lv_conn *c, const unsigned char *uuid, const char *new_name,
                      lv_done_cb cb, void *opaque);
/* QMP/HMP passthrough (see the op); refused on read-only connections, as libvirt. */
void lv_domain_qemu_monitor_command(lv_conn *c, const unsigned char *uuid, const char *cmd,
                                    unsigned flags, lv_string_cb cb, void *opaque);

void lv_domain_get_stats(lv_conn *c, const unsigned char *uuid, unsigned groups,
                         lv_params_cb cb, void *opaque);
void lv_domain_memory_stats(lv_conn *c, const unsigned char *uuid, unsigned flags,
                            lv_params_cb cb, void *opaque);
void lv_domain_block_info(lv_conn *c, const unsigned char *uuid, const char *disk,
                          unsigned flags, lv_params_cb cb, void *opaque);
void lv_domain_open_console(lv_conn *c, const unsigned char *uuid, const char *dev,
                            unsigned flags, lv_console_cb cb, void *opaque);
void lv_domain_console_log(lv_conn *c, const unsigned char *uuid, lv_string_cb cb,
                           void *opaque);

#endif
