local util = require "luvirt.cmdutil"

return {
    name = "create",
    group = "domain",
    summary = "create a domain from an XML file",
    description = "Start a transient domain from libvirt domain XML: it disappears when it "
        .. "stops. The XML is validated first.",
    options = {
        { name = "file", type = "file", positional = true, required = true,
          help = "file containing an XML domain description (or a Lua definition: FILE.lua)" },
        { name = "paused", type = "bool", help = "leave the guest paused after creation" },
    },
    run = function(ctx, opts)
        local xml = util.read_definition(ctx, opts.file)
        local dom = ctx:check(ctx.conn:create(xml, { paused = opts.paused or false }))
        local name = dom:name()
        return { domain = name, uuid = dom:uuid(), file = opts.file,
                 message = ("Domain '%s' created from %s"):format(name, opts.file) }
    end,
}
