local su = require "luvirt.storageutil"

return {
    name = "vol-pool",
    group = "volume",
    summary = "returns the storage pool for a given volume key or path",
    description = "Print the name (--uuid: the UUID) of the pool that holds the volume with "
        .. "this key or path.",
    options = {
        { name = "vol", type = "string", positional = true, required = true,
          help = "volume key or path" },
        { name = "uuid", type = "bool", help = "return the pool uuid rather than pool name" },
    },
    run = function(ctx, opts)
        local vol = su.volume(ctx, opts.vol)
        local pool = vol:pool()
        return { volume = vol:name(), pool = pool:name(), uuid = pool:uuid() }
    end,
    render = function(d, _, opts) return (opts.uuid and d.uuid or d.pool) .. "\n\n" end,
}
