local su = require "luvirt.storageutil"

return su.pool_action {
    name = "pool-undefine",
    summary = "undefine an inactive pool",
    description = "Remove a pool's persistent definition; its storage is left as it is.",
    message = "Pool %s has been undefined",
    call = function(pool) return pool:undefine() end,
}
