local util = require "luvirt.cmdutil"
local su = require "luvirt.storageutil"

return {
    name = "vol-create-from",
    group = "volume",
    summary = "create a vol, using another volume as input",
    description = "Create a volume from XML (its name, capacity and format) filled with the "
        .. "data of an existing volume, converting the format if the XML asks for another "
        .. "(qemu-img convert). A progress bar shows on a terminal.",
    options = {
        su.pool_option("pool name"),
        { name = "file", type = "file", positional = true, required = true,
          help = "file containing an XML vol description" },
        { name = "vol", type = "string", positional = true, required = true,
          help = "input vol name or key" },
        { name = "inputpool", type = "string", completion = "pool",
          help = "pool name or uuid of the input volume's pool" },
        { name = "prealloc-metadata", type = "bool", help = "preallocate metadata (for qcow2 instead of full allocation)" },
    },
    run = function(ctx, opts)
        local pool = su.pool(ctx, opts.pool)
        local xml = util.read_file(ctx, opts.file)
        local src = su.volume(ctx, opts.vol, opts.inputpool)
        local vol = su.with_progress(ctx, "Copy", function(progress)
            return pool:create_volume_from(xml, src,
                { progress = progress, prealloc_metadata = opts["prealloc-metadata"] or false })
        end)
        return { volume = vol:name(), pool = pool:name(), source = src:name(),
                 path = ctx:check(vol:path()),
                 message = ("Vol %s created from input vol %s"):format(vol:name(), src:name()) }
    end,
}
