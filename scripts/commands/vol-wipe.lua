local su = require "luvirt.storageutil"

return {
    name = "vol-wipe",
    group = "volume",
    summary = "wipe a vol",
    description = "Overwrite a volume's data with zeroes (its size and format stay; --algorithm "
        .. "takes only zero, virsh's default). A volume "
        .. "used by a running domain is refused. A progress bar shows on a terminal.",
    options = (function()
        local o = su.vol_options()
        o[#o + 1] = { name = "algorithm", type = "string", choices = { "zero" },
                      help = "perform selected wiping algorithm (only zero)" }
        return o
    end)(),
    run = function(ctx, opts)
        local vol = su.volume(ctx, opts.vol, opts.pool)
        local name = vol:name()
        su.with_progress(ctx, "Wipe", function(progress) return vol:wipe { progress = progress } end)
        return { volume = name, message = ("Vol %s wiped"):format(name) }
    end,
}
