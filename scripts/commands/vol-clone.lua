local su = require "luvirt.storageutil"

local options = su.vol_options("orig vol name or key")
table.insert(options, 2, { name = "newname", type = "string", positional = true, required = true,
                           help = "clone name" })
options[#options + 1] = { name = "prealloc-metadata", type = "bool",
                          help = "preallocate metadata (for qcow2 instead of full allocation)" }

return {
    name = "vol-clone",
    group = "volume",
    summary = "clone a volume.",
    description = "Copy a volume to a new one in the same pool, with the same capacity and "
        .. "format (a qcow2 overlay's data is copied with its backing chain flattened). A "
        .. "progress bar shows on a terminal.",
    options = options,
    run = function(ctx, opts)
        local src = su.volume(ctx, opts.vol, opts.pool)
        local name = src:name()
        local vol = su.with_progress(ctx, "Clone", function(progress)
            return src:clone(opts.newname,
                { progress = progress, prealloc_metadata = opts["prealloc-metadata"] or false })
        end)
        return { volume = vol:name(), source = name, pool = src:pool():name(),
                 path = ctx:check(vol:path()),
                 message = ("Vol %s cloned from %s"):format(vol:name(), name) }
    end,
}
