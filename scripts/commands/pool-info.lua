local format = require "luvirt.format"
local util = require "luvirt.cmdutil"
local su = require "luvirt.storageutil"

return {
    name = "pool-info",
    group = "pool",
    summary = "storage pool information",
    description = "Print a pool's state and, when it is active, its capacity, allocation and "
        .. "available space (from the file system or volume group under it); --bytes prints "
        .. "them in bytes.",
    options = {
        su.pool_option(),
        { name = "bytes", type = "bool", help = "return pool info in bytes" },
    },
    run = function(ctx, opts)
        local pool = su.pool(ctx, opts.pool)
        return ctx:check(pool:info())
    end,
    render = function(i, _, opts)
        local function size(n)
            if opts and opts.bytes then return ("%d"):format(n) end
            return su.capacity(n)
        end
        local rows = {
            { "Name", i.name },
            { "UUID", i.uuid },
            { "State", i.state },
            { "Persistent", util.yesno(i.persistent) },
            { "Autostart", util.yesno(i.autostart) },
        }
        if i.active then
            rows[#rows + 1] = { "Capacity", size(i.capacity) }
            rows[#rows + 1] = { "Allocation", size(i.allocation) }
            rows[#rows + 1] = { "Available", size(i.available) }
        end
        return format.fields(rows)
    end,
}
