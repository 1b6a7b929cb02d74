local su = require "luvirt.storageutil"

return su.pool_action {
    name = "pool-destroy",
    summary = "destroy (stop) a pool",
    description = "Stop a pool: its volumes are left as they are (use pool-delete to remove "
        .. "the storage). A transient pool is gone afterwards.",
    message = "Pool %s destroyed",
    call = function(pool) return pool:destroy() end,
}
