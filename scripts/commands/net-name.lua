local netutil = require "luvirt.netutil"

return {
    name = "net-name",
    group = "network",
    summary = "convert a network UUID to network name",
    description = "Print the name of the network with this UUID.",
    options = { netutil.network_option("network uuid") },
    run = function(ctx, opts)
        local net = netutil.network(ctx, opts.network, "uuid")
        return { name = net:name(), uuid = net:uuid() }
    end,
    render = function(d) return d.name .. "\n" end,
}
