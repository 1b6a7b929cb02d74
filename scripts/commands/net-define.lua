local util = require "luvirt.cmdutil"

return {
    name = "net-define",
    group = "network",
    summary = "define an inactive persistent virtual network or modify an existing persistent one from an XML file",
    description = "Define a persistent virtual network from libvirt network XML (docs/networks.md "
        .. "lists the subset luvirt honours). The XML is validated first: an error names the "
        .. "problem and nothing is defined. Defining an existing network (same name and uuid) "
        .. "replaces its persistent definition; a running network keeps running as it was "
        .. "started until it is restarted.",
    options = {
        { name = "file", type = "file", positional = true, required = true,
          help = "file containing an XML network description" },
    },
    run = function(ctx, opts)
        local xml = util.read_file(ctx, opts.file)
        local net = ctx:check(ctx.conn:define_network(xml))
        local name = net:name()
        return { network = name, uuid = net:uuid(), file = opts.file,
                 message = ("Network %s defined from %s"):format(name, opts.file) }
    end,
}
