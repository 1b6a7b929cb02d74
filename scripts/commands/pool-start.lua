local su = require "luvirt.storageutil"

return su.pool_action {
    name = "pool-start",
    summary = "start a (previously defined) inactive pool",
    description = "Start an inactive pool: its volumes are read from its target. --build builds "
        .. "it first.",
    pool_help = "name or uuid of the inactive pool",
    message = "Pool %s started",
    options = {
        { name = "build", type = "bool", help = "build the pool as normal" },
    },
    call = function(pool, opts) return pool:start { build = opts.build or false } end,
}
