/* The domain state machine shared by every driver: libvirt's states and, per
 * state, its reasons, with the words virsh prints for them. */
#ifndef LV_CORE_DOMAIN_STATE_H
#define LV_CORE_DOMAIN_STATE_H

typedef enum lv_domain_state {
    LV_DOMAIN_NOSTATE = 0,
    LV_DOMAIN_RUNNING,
    LV_DOMAIN_BLOCKED,
    LV_DOMAIN_PAUSED,
    LV_DOMAIN_SHUTDOWN, /* being shut down */
    LV_DOMAIN_SHUTOFF,
    LV_DOMAIN_CRASHED,
    LV_DOMAIN_PMSUSPENDED,
    LV_DOMAIN_STATE__COUNT
} lv_domain_state;

typedef enum lv_running_reason {
    LV_RUNNING_UNKNOWN = 0,
    LV_RUNNING_BOOTED,
    LV_RUNNING_MIGRATED,
    LV_RUNNING_RESTORED,
    LV_RUNNING_FROM_SNAPSHOT,
    LV_RUNNING_UNPAUSED,
    LV_RUNNING_MIGRATION_CANCELED,
    LV_RUNNING_SAVE_CANCELED,
    LV_RUNNING_WAKEUP,
    LV_RUNNING_CRASHED,
    LV_RUNNING_POSTCOPY,
} lv_running_reason;

typedef enum lv_paused_reason {
    LV_PAUSED_UNKNOWN = 0,
    LV_PAUSED_USER,
    LV_PAUSED_MIGRATION,
    LV_PAUSED_SAVE,
    LV_PAUSED_DUMP,
    LV_PAUSED_IOERROR,
    LV_PAUSED_WATCHDOG,
    LV_PAUSED_FROM_SNAPSHOT,
    LV_PAUSED_SHUTTING_DOWN,
    LV_PAUSED_SNAPSHOT,
    LV_PAUSED_CRASHED,
    LV_PAUSED_STARTING_UP,
    LV_PAUSED_POSTCOPY,
    LV_PAUSED_POSTCOPY_FAILED,
} lv_paused_reason;

typedef enum lv_shutoff_reason {
    LV_SHUTOFF_UNKNOWN = 0,
    LV_SHUTOFF_SHUTDOWN,
    LV_SHUTOFF_DESTROYED,
    LV_SHUTOFF_CRASHED,
    LV_SHUTOFF_MIGRATED,
    LV_SHUTOFF_SAVED,
    LV_SHUTOFF_FAILED,
    LV_SHUTOFF_FROM_SNAPSHOT,
    LV_SHUTOFF_DAEMON,
} lv_shutoff_reason;

typedef enum lv_shutdown_reason {
    LV_SHUTDOWN_UNKNOWN = 0,
    LV_SHUTDOWN_USER,
} lv_shutdown_reason;

typedef enum lv_crashed_reason {
    LV_CRASHED_UNKNOWN = 0,
    LV_CRASHED_PANICKED,
} lv_crashed_reason;

/* "running", "shut off", "paused", ... exactly as virsh prints them. */
const char *lv_domain_state_string(lv_domain_state state);
/* "booted", "destroyed", "user", ... as `virsh domstate --reason` prints them
 * (inside the parentheses); "unknown" for anything out of range. */
const char *lv_domain_reason_string(lv_domain_state state, int reason);
/* Short machine names for Lua and JSON: "running", "shutoff", "paused", ... */
const char *lv_domain_state_key(lv_domain_state state);

#endif
