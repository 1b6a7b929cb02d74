local util = require "luvirt.cmdutil"

return {
    name = "pool-create",
    group = "pool",
    summary = "create a pool from an XML file",
    description = "Create and start a transient pool from libvirt pool XML. --build builds it "
        .. "first.",
    options = {
        { name = "file", type = "file", positional = true, required = true,
          help = "file containing an XML pool description" },
        { name = "build", type = "bool", help = "build the pool as normal" },
    },
    run = function(ctx, opts)
        local xml = util.read_file(ctx, opts.file)
        local pool = ctx:check(ctx.conn:create_pool(xml, { build = opts.build or false }))
        return { pool = pool:name(), uuid = pool:uuid(), file = opts.file,
                 message = ("Pool %s created from %s"):format(pool:name(), opts.file) }
    end,
}
