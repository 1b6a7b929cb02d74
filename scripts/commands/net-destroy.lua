local netutil = require "luvirt.netutil"

return netutil.action {
    name = "net-destroy",
    summary = "destroy (stop) a network",
    description = "Stop a network: its bridge, dnsmasq and firewall rules are removed; a "
        .. "persistent network stays defined, a transient one is gone. Refused while running "
        .. "guests have NICs on it, unless --force (a luvirt option; virsh has none and stops "
        .. "it regardless): those guests then lose their connection.",
    options = {
        { name = "force", type = "bool",
          help = "stop it even while running guests use it (not in virsh)" },
    },
    message = function(name) return ("Network %s destroyed"):format(name) end,
    call = function(net, opts) return net:destroy { force = opts.force or false } end,
}
