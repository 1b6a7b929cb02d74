local su = require "luvirt.storageutil"

local options = su.vol_options()
table.insert(options, 2, { name = "file", type = "file", positional = true, required = true,
                           help = "file" })
options[#options + 1] = { name = "offset", type = "string", help = "volume offset to upload to" }
options[#options + 1] = { name = "length", type = "string", help = "amount of data to upload" }
options[#options + 1] = { name = "sparse", type = "bool", help = "preserve sparseness of volume" }

return {
    name = "vol-upload",
    group = "volume",
    summary = "upload file contents to a volume",
    description = "Copy a local file's bytes into a volume (its raw contents: for a qcow2 "
        .. "volume, the qcow2 file itself), from --offset, at most --length bytes. A file "
        .. "larger than the volume is refused before anything is written; a failure part-way "
        .. "(disk full) is reported. --sparse skips the file's zero blocks, leaving holes in the "
        .. "volume. A progress bar shows on a terminal.",
    options = options,
    run = function(ctx, opts)
        local offset = opts.offset and su.size(ctx, "offset", opts.offset) or nil
        local length = opts.length and su.size(ctx, "length", opts.length) or nil
        local vol = su.volume(ctx, opts.vol, opts.pool)
        su.with_progress(ctx, "Upload", function(progress)
            return vol:upload(opts.file, { progress = progress, offset = offset, length = length,
                                           sparse = opts.sparse or false })
        end)
        return { volume = vol:name(), file = opts.file }
    end,
    render = function() return nil end,
}
