local netutil = require "luvirt.netutil"

return netutil.action {
    name = "net-autostart",
    summary = "autostart a network",
    description = "Mark a persistent network to be started automatically, as libvirt records "
        .. "it (net-list --autostart and net-info show the mark); --disable unmarks it. luvirt "
        .. "has no daemon: a marked network is not yet started by itself at boot.",
    options = {
        { name = "disable", type = "bool", help = "disable autostarting" },
    },
    message = function(name, opts)
        return ("Network %s %s as autostarted"):format(name, opts.disable and "unmarked" or "marked")
    end,
    call = function(net, opts) return net:set_autostart(not opts.disable) end,
}
