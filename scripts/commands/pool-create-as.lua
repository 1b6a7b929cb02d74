local su = require "luvirt.storageutil"
local storagexml = require "luvirt.storagexml"

local options = su.pool_as_options()
options[#options + 1] = { name = "build", type = "bool", help = "build the pool as normal" }
options[#options + 1] = { name = "overwrite", type = "bool", help = "overwrite any existing data" }
options[#options + 1] = { name = "no-overwrite", type = "bool", help = "do not overwrite any existing data" }

return {
    name = "pool-create-as",
    group = "pool",
    summary = "create a pool from a set of args",
    description = "Create and start a transient pool from its type and options (as "
        .. "pool-define-as; it is gone once destroyed). --build builds it first (a dir pool: "
        .. "makes its folder). With --print-xml the XML is printed and nothing is created.",
    options = options,
    exclusive = { { "overwrite", "no-overwrite" } },
    run = function(ctx, opts)
        local xml = storagexml.pool_xml(su.pool_def(opts))
        if opts["print-xml"] then return { xml = xml } end
        if (opts.overwrite or opts["no-overwrite"]) and not opts.build then
            ctx:usage("--overwrite and --no-overwrite need --build")
        end
        local pool = ctx:check(ctx.conn:create_pool(xml, { build = opts.build or false }))
        return { pool = pool:name(), uuid = pool:uuid(),
                 message = ("Pool %s created"):format(pool:name()) }
    end,
    render = function(d, ctx)
        if d.xml then return d.xml end
        if not ctx.quiet then return d.message .. "\n\n" end
    end,
}
