local util = require "luvirt.cmdutil"

return {
    name = "define",
    group = "domain",
    summary = "define (but don't start) a domain from an XML file",
    description = "Define a persistent domain from libvirt domain XML. The XML is validated "
        .. "first: an error names the problem and nothing is defined. Defining an existing "
        .. "domain (same name and uuid) replaces its persistent definition. A FILE ending "
        .. "in .lua returns a Lua table definition instead (docs/lua-api.md).",
    options = {
        { name = "file", type = "file", positional = true, required = true,
          help = "file containing an XML domain description (or a Lua definition: FILE.lua)" },
    },
    run = function(ctx, opts)
        local xml = util.read_definition(ctx, opts.file)
        local dom = ctx:check(ctx.conn:define(xml))
        local name = dom:name()
        return { domain = name, uuid = dom:uuid(), file = opts.file,
                 message = ("Domain '%s' defined from %s"):format(name, opts.file) }
    end,
}
