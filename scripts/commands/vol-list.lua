local format = require "luvirt.format"
local su = require "luvirt.storageutil"

return {
    name = "vol-list",
    group = "volume",
    summary = "list vols",
    description = "List a pool's volumes by name with their paths; --details adds type, "
        .. "capacity and allocation. The list is the pool's as last read (pool-refresh reads "
        .. "it again).",
    options = {
        su.pool_option(),
        { name = "details", type = "bool", help = "display extended details for volumes" },
    },
    run = function(ctx, opts)
        local pool = su.pool(ctx, opts.pool)
        return ctx.cli.array(ctx:check(pool:volume_infos()))
    end,
    render = function(rows, _, opts)
        local cells = {}
        if not opts.details then
            for i, r in ipairs(rows) do cells[i] = { r.name, r.path } end
            return format.table({ "Name", "Path" }, cells)
        end
        for i, r in ipairs(rows) do
            cells[i] = { r.name, r.path, r.type, su.capacity(r.capacity), su.capacity(r.allocation) }
        end
        return format.table({ "Name", "Path", "Type", "Capacity", "Allocation" }, cells)
    end,
}
