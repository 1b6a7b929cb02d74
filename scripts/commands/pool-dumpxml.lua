local su = require "luvirt.storageutil"

return {
    name = "pool-dumpxml",
    group = "pool",
    summary = "pool information in XML",
    description = "Print the pool's XML: the live one (with capacity, allocation and available "
        .. "of an active pool), or with --inactive the persistent definition.",
    options = {
        su.pool_option(),
        { name = "inactive", type = "bool", help = "show inactive defined XML" },
    },
    run = function(ctx, opts)
        local pool = su.pool(ctx, opts.pool)
        return { pool = pool:name(), xml = ctx:check(pool:xml { inactive = opts.inactive or false }) }
    end,
    render = function(d) return d.xml end,
}
