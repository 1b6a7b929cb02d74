local su = require "luvirt.storageutil"

return {
    name = "vol-path",
    group = "volume",
    summary = "returns the volume path for a given volume name or key",
    description = "Print a volume's path on the host.",
    options = su.vol_options("volume name or key"),
    run = function(ctx, opts)
        local vol = su.volume(ctx, opts.vol, opts.pool)
        return { volume = vol:name(), path = ctx:check(vol:path()) }
    end,
    render = function(d) return d.path .. "\n\n" end,
}
