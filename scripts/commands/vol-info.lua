local format = require "luvirt.format"
local su = require "luvirt.storageutil"

return {
    name = "vol-info",
    group = "volume",
    summary = "storage vol information",
    description = "Print a volume's type, capacity (what a guest sees) and allocation (what it "
        .. "uses on the host); --bytes prints exact byte counts; --physical the size of the "
        .. "file or device instead of the allocation.",
    options = (function()
        local o = su.vol_options()
        o[#o + 1] = { name = "bytes", type = "bool", help = "sizes are represented in bytes rather than pretty units" }
        o[#o + 1] = { name = "physical", type = "bool", help = "return the physical size of the volume in allocation field" }
        return o
    end)(),
    run = function(ctx, opts)
        local vol = su.volume(ctx, opts.vol, opts.pool)
        return ctx:check(vol:info())
    end,
    render = function(i, _, opts)
        local function size(n)
            if opts.bytes then return ("%d bytes"):format(n) end
            return su.capacity(n)
        end
        local rows = {
            { "Name", i.name },
            { "Type", i.type },
            { "Capacity", size(i.capacity) },
        }
        if opts.physical then
            rows[#rows + 1] = { "Physical", size(i.physical) }
        else
            rows[#rows + 1] = { "Allocation", size(i.allocation) }
        end
        return format.fields(rows)
    end,
}
