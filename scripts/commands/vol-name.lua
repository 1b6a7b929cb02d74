local su = require "luvirt.storageutil"

return {
    name = "vol-name",
    group = "volume",
    summary = "returns the volume name for a given volume key or path",
    description = "Print the name of the volume with this key or path.",
    options = { { name = "vol", type = "string", positional = true, required = true,
                  help = "volume key or path" } },
    run = function(ctx, opts)
        local vol = su.volume(ctx, opts.vol)
        return { volume = vol:name(), pool = vol:pool():name() }
    end,
    render = function(d) return d.volume .. "\n\n" end,
}
