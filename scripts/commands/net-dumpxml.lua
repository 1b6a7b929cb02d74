local netutil = require "luvirt.netutil"
local dumpxml = require "luvirt.dumpxml"

return {
    name = "net-dumpxml",
    group = "network",
    summary = "network information in XML",
    description = "Print the network's libvirt XML: the live definition of an active network "
        .. "(with what luvirt chose when it started: bridge name, MAC), or with --inactive the "
        .. "persistent one. --xpath prints only what an XPath expression selects (the subset "
        .. "dumpxml takes).",
    options = {
        netutil.network_option(),
        { name = "inactive", type = "bool", help = "show inactive defined XML" },
        dumpxml.xpath_option(),
    },
    run = function(ctx, opts)
        local net = netutil.network(ctx, opts.network)
        local xml = ctx:check(net:xml { inactive = opts.inactive or false })
        if not opts.xpath then
            if ctx.json then return { network = net:name(), xml = xml } end
            return xml
        end
        return dumpxml.select(ctx, xml, opts.xpath)
    end,
    render = dumpxml.render,
}
