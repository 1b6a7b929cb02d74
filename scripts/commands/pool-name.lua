local su = require "luvirt.storageutil"

return {
    name = "pool-name",
    group = "pool",
    summary = "convert a pool UUID to pool name",
    description = "Print the name of the pool with this UUID.",
    options = { { name = "pool", type = "string", positional = true, required = true,
                  completion = "pool", help = "pool uuid" } },
    run = function(ctx, opts)
        local pool = ctx:check(ctx.conn:pool(opts.pool, { by = "uuid" }))
        return { name = pool:name(), uuid = pool:uuid() }
    end,
    render = function(d) return d.name .. "\n\n" end,
}
