local netutil = require "luvirt.netutil"
local util = require "luvirt.cmdutil"

return {
    name = "domifaddr",
    group = "monitor",
    summary = "Get network interfaces' addresses for a running domain",
    description = "Print the IP addresses of a running domain's NICs. luvirt takes them from "
        .. "DHCP leases (--source lease, the default): each NIC of type network is matched by "
        .. "its MAC address against the leases of its network; NICs without a lease are not "
        .. "listed. --source agent and --source arp (a guest agent, the host's ARP table) are "
        .. "not supported and refused. --interface shows one NIC (its host-side name, e.g. "
        .. "vnet0); --full repeats the name and MAC on every line.",
    options = {
        util.domain_option(),
        { name = "interface", type = "string", help = "network interface name" },
        { name = "full", type = "bool", help = "always display names and MACs of interfaces" },
        { name = "source", type = "string", choices = { "lease", "agent", "arp" },
          help = "address source: 'lease', 'agent', or 'arp'" },
    },
    run = function(ctx, opts)
        local source = opts.source or "lease"
        if source ~= "lease" then
            ctx:fail(("domifaddr --source %s is not supported: luvirt reads addresses from its "
                .. "networks' DHCP leases only (--source lease)"):format(source), "NO_SUPPORT")
        end
        local dom = ctx:domain(opts.domain)
        if not dom:id() then
            ctx:fail(("domain '%s' is not running"):format(dom:name()), "OPERATION_INVALID")
        end
        local xml = ctx:check(dom:xml())
        local ifaces = require("luvirt.domxml").interfaces(xml)
        -- the leases of each network a NIC is on, read once per network
        local leases_of = {}
        for _, nic in ipairs(ifaces) do
            if nic.type == "network" and nic.source and not leases_of[nic.source]
                    and (not opts.interface or nic.target == opts.interface) then
                local net = netutil.network(ctx, nic.source, "name")
                leases_of[nic.source] = ctx:check(net:leases())
            end
        end
        local found = netutil.interface_addresses(ifaces, leases_of, opts.interface)
        for _, i in ipairs(found) do ctx.cli.array(i.addrs) end
        return ctx.cli.array(found)
    end,
    render = function(found, _, opts)
        return netutil.render_addresses(found, opts.full)
    end,
}
