local su = require "luvirt.storageutil"

return su.pool_action {
    name = "pool-delete",
    summary = "delete a pool",
    description = "Remove an inactive pool's storage (a dir pool's empty folder); its "
        .. "definition stays (pool-undefine removes it).",
    message = "Pool %s deleted",
    call = function(pool) return pool:delete() end,
}
