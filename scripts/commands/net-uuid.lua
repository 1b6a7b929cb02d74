local netutil = require "luvirt.netutil"

return {
    name = "net-uuid",
    group = "network",
    summary = "convert a network name to network UUID",
    description = "Print the UUID of the network with this name.",
    options = { netutil.network_option("network name") },
    run = function(ctx, opts)
        local net = netutil.network(ctx, opts.network, "name")
        return { name = net:name(), uuid = net:uuid() }
    end,
    render = function(d) return d.uuid .. "\n" end,
}
