local util = require "luvirt.cmdutil"
local su = require "luvirt.storageutil"

return {
    name = "vol-create",
    group = "volume",
    summary = "create a vol from an XML file",
    description = "Create a volume in a pool from libvirt volume XML (formatstorage: name, "
        .. "capacity, allocation, target format, backingStore). Nothing is left behind when "
        .. "it fails.",
    options = {
        su.pool_option("pool name"),
        { name = "file", type = "file", positional = true, required = true,
          help = "file containing an XML vol description" },
        { name = "prealloc-metadata", type = "bool", help = "preallocate metadata (for qcow2 instead of full allocation)" },
    },
    run = function(ctx, opts)
        local pool = su.pool(ctx, opts.pool)
        local xml = util.read_file(ctx, opts.file)
        local vol = ctx:check(pool:create_volume(xml,
            { prealloc_metadata = opts["prealloc-metadata"] or false }))
        return { volume = vol:name(), pool = pool:name(), path = ctx:check(vol:path()),
                 file = opts.file,
                 message = ("Vol %s created from %s"):format(vol:name(), opts.file) }
    end,
}
