local su = require "luvirt.storageutil"

return {
    name = "vol-wipe",
    group = "volume",
    summary = "wipe a vol",
    description = "Overwrite a volume's data with zeroes (its size and format stay). A volume "
        .. "used by a running domain is refused. A progress bar shows on a terminal.",
    options = su.vol_options(),
    run = function(ctx, opts)
        local vol = su.volume(ctx, opts.vol, opts.pool)
        local name = vol:name()
        su.with_progress(ctx, "Wipe", function(progress) return vol:wipe { progress = progress } end)
        return { volume = name, message = ("Vol %s wiped"):format(name) }
    end,
}
