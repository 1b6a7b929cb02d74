local su = require "luvirt.storageutil"

return {
    name = "vol-dumpxml",
    group = "volume",
    summary = "vol information in XML",
    description = "Print a volume's XML: name, key, capacity, allocation, physical, target "
        .. "path and format, backing store.",
    options = su.vol_options(),
    run = function(ctx, opts)
        local vol = su.volume(ctx, opts.vol, opts.pool)
        return { volume = vol:name(), xml = ctx:check(vol:xml()) }
    end,
    render = function(d) return d.xml end,
}
