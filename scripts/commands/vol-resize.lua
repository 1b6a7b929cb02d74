local su = require "luvirt.storageutil"

local options = su.vol_options()
table.insert(options, 2, { name = "capacity", type = "string", positional = true, required = true,
                           help = "new capacity for the vol, as scaled integer (default bytes)" })
options[#options + 1] = { name = "allocate", type = "bool", help = "allocate the new capacity, rather than leaving it sparse" }
options[#options + 1] = { name = "delta", type = "bool", help = "use capacity as a delta to current size, rather than the new size" }
options[#options + 1] = { name = "shrink", type = "bool", help = "allow the resize to shrink the volume" }

return {
    name = "vol-resize",
    group = "volume",
    summary = "resize a vol",
    description = "Change a volume's capacity (qemu-img resize). Making it smaller needs "
        .. "--shrink (data past the new end is lost) and is refused while a running domain "
        .. "uses it. With --delta the capacity is added (or with --shrink taken away). A "
        .. "leading '-' in the capacity means --delta --shrink, as virsh.",
    options = options,
    run = function(ctx, opts)
        local text, delta, shrink = opts.capacity, opts.delta or false, opts.shrink or false
        if text:sub(1, 1) == "-" then
            text = text:sub(2)
            delta, shrink = true, true
        end
        local bytes = su.size(ctx, "capacity", text)
        local vol = su.volume(ctx, opts.vol, opts.pool)
        local name = vol:name()
        ctx:check(vol:resize(bytes, { delta = delta, shrink = shrink,
                                      allocate = opts.allocate or false }))
        return { volume = name, capacity = ctx:check(vol:info()).capacity,
                 message = ("Size of volume '%s' successfully changed to %s"):format(name, opts.capacity) }
    end,
}
