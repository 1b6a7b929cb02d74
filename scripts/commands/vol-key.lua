local su = require "luvirt.storageutil"

return {
    name = "vol-key",
    group = "volume",
    summary = "returns the volume key for a given volume name or path",
    description = "Print a volume's key (its path for dir and fs pools, VG/LV for logical ones).",
    options = su.vol_options("volume name or path"),
    run = function(ctx, opts)
        local vol = su.volume(ctx, opts.vol, opts.pool)
        return { volume = vol:name(), key = ctx:check(vol:key()) }
    end,
    render = function(d) return d.key .. "\n\n" end,
}
