local su = require "luvirt.storageutil"

return su.pool_action {
    name = "pool-refresh",
    summary = "refresh a pool",
    description = "Read the pool's volumes again from its target: volumes added or removed "
        .. "behind luvirt's back appear or go.",
    message = "Pool %s refreshed",
    call = function(pool) return pool:refresh() end,
}
