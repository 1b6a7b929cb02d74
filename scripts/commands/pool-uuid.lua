local su = require "luvirt.storageutil"

return {
    name = "pool-uuid",
    group = "pool",
    summary = "convert a pool name to pool UUID",
    description = "Print the UUID of the pool with this name.",
    options = { su.pool_option("pool name") },
    run = function(ctx, opts)
        local pool = ctx:check(ctx.conn:pool(opts.pool, { by = "name" }))
        return { name = pool:name(), uuid = pool:uuid() }
    end,
    render = function(d) return d.uuid .. "\n\n" end,
}
