local util = require "luvirt.cmdutil"

return {
    name = "pool-define",
    group = "pool",
    summary = "define an inactive persistent storage pool or modify an existing persistent one from an XML file",
    description = "Define a persistent pool from libvirt pool XML (formatstorage). The XML is "
        .. "validated first: an error names the problem and nothing is defined. Defining an "
        .. "existing pool (same name and uuid) replaces its definition.",
    options = {
        { name = "file", type = "file", positional = true, required = true,
          help = "file containing an XML pool description" },
    },
    run = function(ctx, opts)
        local xml = util.read_file(ctx, opts.file)
        local pool = ctx:check(ctx.conn:define_pool(xml))
        return { pool = pool:name(), uuid = pool:uuid(), file = opts.file,
                 message = ("Pool %s defined from %s"):format(pool:name(), opts.file) }
    end,
}
