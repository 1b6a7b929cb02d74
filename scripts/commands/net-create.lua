local util = require "luvirt.cmdutil"

return {
    name = "net-create",
    group = "network",
    summary = "create a network from an XML file",
    description = "Create and start a transient virtual network from libvirt network XML: it "
        .. "goes away when it is destroyed. Nothing is left behind when it cannot start "
        .. "(no bridge, dnsmasq or firewall rule).",
    options = {
        { name = "file", type = "file", positional = true, required = true,
          help = "file containing an XML network description" },
    },
    run = function(ctx, opts)
        local xml = util.read_file(ctx, opts.file)
        local net = ctx:check(ctx.conn:create_network(xml))
        local name = net:name()
        return { network = name, uuid = net:uuid(), file = opts.file,
                 message = ("Network %s created from %s"):format(name, opts.file) }
    end,
}
