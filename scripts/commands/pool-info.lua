local format = require "luvirt.format"
local util = require "luvirt.cmdutil"
local su = require "luvirt.storageutil"

return {
    name = "pool-info",
    group = "pool",
    summary = "storage pool information",
    description = "Print a pool's state and, when it is active, its capacity, allocation and "
        .. "available space (from the file system or volume group under it).",
    options = { su.pool_option() },
    run = function(ctx, opts)
        local pool = su.pool(ctx, opts.pool)
        return ctx:check(pool:info())
    end,
    render = function(i)
        local rows = {
            { "Name", i.name },
            { "UUID", i.uuid },
            { "State", i.state },
            { "Persistent", util.yesno(i.persistent) },
            { "Autostart", util.yesno(i.autostart) },
        }
        if i.active then
            rows[#rows + 1] = { "Capacity", su.capacity(i.capacity) }
            rows[#rows + 1] = { "Allocation", su.capacity(i.allocation) }
            rows[#rows + 1] = { "Available", su.capacity(i.available) }
        end
        return format.fields(rows)
    end,
}
