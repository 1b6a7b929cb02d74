local format = require "luvirt.format"
local util = require "luvirt.cmdutil"

local function size(n, human)
    if n == nil then return "-" end
    if human then return util.pretty_bytes(n) end
    return ("%d"):format(n)
end

return {
    name = "domblkinfo",
    group = "monitor",
    summary = "domain block device size information",
    description = "Get the capacity (what the guest sees), allocation (what the image uses on "
        .. "the host) and physical size of a block device, named by its target (vda) or its "
        .. "source path; --all gives a table of every disk of the domain.",
    options = {
        util.domain_option(),
        { name = "device", type = "string", positional = true, help = "block device" },
        { name = "human", type = "bool", help = "Human readable output" },
        { name = "all", type = "bool", help = "display all block devices info" },
    },
    exclusive = { { "all", "device" } },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        if not opts.all then
            if not opts.device then ctx:usage("command 'domblkinfo' requires <device> option") end
            local info = ctx:check(dom:block_info(opts.device))
            return { device = opts.device, capacity = info.capacity,
                     allocation = info.allocation, physical = info.physical }
        end
        local xml = ctx:check(dom:xml())
        local rows = {}
        for _, d in ipairs(require("luvirt.domxml").disks(xml)) do
            local row = { device = d.target }
            -- an empty drive (a cdrom without a medium) has no sizes
            if d.source and d.target then
                local info = ctx:check(dom:block_info(d.target))
                row.capacity, row.allocation, row.physical =
                    info.capacity, info.allocation, info.physical
            end
            rows[#rows + 1] = row
        end
        return ctx.cli.array(rows)
    end,
    render = function(d, _, opts)
        if not opts.all then
            return format.fields {
                { "Capacity", size(d.capacity, opts.human) },
                { "Allocation", size(d.allocation, opts.human) },
                { "Physical", size(d.physical, opts.human) },
            }
        end
        local rows = {}
        for i, r in ipairs(d) do
            rows[i] = { r.device or "-", size(r.capacity, opts.human),
                        size(r.allocation, opts.human), size(r.physical, opts.human) }
        end
        return format.table({ "Target", "Capacity", "Allocation", "Physical" }, rows)
    end,
}
