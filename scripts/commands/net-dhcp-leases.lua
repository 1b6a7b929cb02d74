local format = require "luvirt.format"
local netutil = require "luvirt.netutil"

return {
    name = "net-dhcp-leases",
    group = "network",
    summary = "print lease info for a given network",
    description = "Print the DHCP leases dnsmasq has handed out on an active network (read "
        .. "from its lease file), sorted by MAC address; --mac shows only that MAC's. Expiry "
        .. "times are local time.",
    options = {
        netutil.network_option(),
        { name = "mac", type = "string", help = "MAC address" },
    },
    run = function(ctx, opts)
        local net = netutil.network(ctx, opts.network)
        local leases = ctx:check(net:leases { mac = opts.mac })
        return ctx.cli.array(netutil.sort_leases(leases))
    end,
    render = function(leases)
        return format.table({ "Expiry Time", "MAC address", "Protocol", "IP address", "Hostname",
                              "Client ID or DUID" }, netutil.lease_rows(leases))
    end,
}
