#include "domain_state.h"

#include <stddef.h>

static const char *const state_strings[LV_DOMAIN_STATE__COUNT] = {
    "no state", "running", "idle", "paused", "in shutdown", "shut off", "crashed", "pmsuspended",
};

static const char *const state_keys[LV_DOMAIN_STATE__COUNT] = {
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended",
};

static const char *const running_reasons[] = {
    "unknown",  "booted", "migrated", "restored", "from snapshot", "unpaused",
    "migration canceled", "save canceled", "event wakeup", "crashed", "post-copy",
};
static const char *const paused_reasons[] = {
    "unknown", "user", "migrating", "saving", "dumping", "I/O error", "watchdog",
    "from snapshot", "shutting down", "creating snapshot", "crashed", "starting up",
    "post-copy", "post-copy failed",
};
static const char *const shutoff_reasons[] = {
    "unknown", "shutdown", "destroyed", "crashed", "migrated",
    "saved", "failed", "from snapshot", "daemon",
};
static const char *const shutdown_reasons[] = {"unknown", "user"};
static const char *const crashed_reasons[] = {"unknown", "panicked"};
static const char *const blocked_reasons[] = {"unknown"};
static const char *const nostate_reasons[] = {"unknown"};
static const char *const pmsuspended_reasons[] = {"unknown"};

#define TABLE(t) {t, sizeof(t) / sizeof(t[0])}
static const struct {
    const char *const *names;
    size_t count;
} reason_tables[LV_DOMAIN_STATE__COUNT] = {
    TABLE(nostate_reasons),  TABLE(running_reasons),  TABLE(blocked_reasons),
    TABLE(paused_reasons),   TABLE(shutdown_reasons), TABLE(shutoff_reasons),
    TABLE(crashed_reasons),  TABLE(pmsuspended_reasons),
};

const char *lv_domain_state_string(lv_domain_state state)
{
    if ((int)state < 0 || state >= LV_DOMAIN_STATE__COUNT)
        return "no state";
    return state_strings[state];
}

const char *lv_domain_state_key(lv_domain_state state)
{
    if ((int)state < 0 || state >= LV_DOMAIN_STATE__COUNT)
        return "nostate";
    return state_keys[state];
}

const char *lv_domain_reason_string(lv_domain_state state, int reason)
{
    if ((int)state < 0 || state >= LV_DOMAIN_STATE__COUNT)
        return "unknown";
    if (reason < 0 || (size_t)reason >= reason_tables[state].count)
        return "unknown";
    return reason_tables[state].names[reason];
}
