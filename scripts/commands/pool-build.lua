local su = require "luvirt.storageutil"

return su.pool_action {
    name = "pool-build",
    summary = "build a pool",
    description = "Build a pool: a dir pool's folder is made; fs: the file system is made on the "
        .. "source device (only with --overwrite when one is there); logical: the volume group.",
    message = "Pool %s built",
    options = {
        { name = "overwrite", type = "bool", help = "overwrite any existing data" },
        { name = "no-overwrite", type = "bool", help = "do not overwrite any existing data" },
    },
    exclusive = { { "overwrite", "no-overwrite" } },
    call = function(pool, opts)
        return pool:build { overwrite = opts.overwrite or false,
                            no_overwrite = opts["no-overwrite"] or false }
    end,
}
