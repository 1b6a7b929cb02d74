local su = require "luvirt.storageutil"

local options = su.vol_options()
table.insert(options, 2, { name = "file", type = "file", positional = true, required = true,
                           help = "file" })
options[#options + 1] = { name = "offset", type = "string", help = "volume offset to download from" }
options[#options + 1] = { name = "length", type = "string", help = "amount of data to download" }
options[#options + 1] = { name = "sparse", type = "bool", help = "preserve sparseness of volume" }

return {
    name = "vol-download",
    group = "volume",
    summary = "download volume contents to a file",
    description = "Copy a volume's raw contents into a local file (created or truncated), from "
        .. "--offset, at most --length bytes; --sparse leaves holes where the volume reads "
        .. "zeroes. A progress bar shows on a terminal.",
    options = options,
    run = function(ctx, opts)
        local offset = opts.offset and su.size(ctx, "offset", opts.offset) or nil
        local length = opts.length and su.size(ctx, "length", opts.length) or nil
        local vol = su.volume(ctx, opts.vol, opts.pool)
        su.with_progress(ctx, "Download", function(progress)
            return vol:download(opts.file, { progress = progress, offset = offset, length = length,
                                             sparse = opts.sparse or false })
        end)
        return { volume = vol:name(), file = opts.file }
    end,
    render = function() return nil end,
}
