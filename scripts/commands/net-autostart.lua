local netutil = require "luvirt.netutil"

return netutil.action {
    name = "net-autostart",
    summary = "autostart a network",
    description = "Configure a network to be started automatically (at the first use of its "
        .. "scope after the host boots); --disable unmarks it. Only a persistent network "
        .. "can be autostarted.",
    options = {
        { name = "disable", type = "bool", help = "disable autostarting" },
    },
    message = function(name, opts)
        return ("Network %s %s as autostarted"):format(name, opts.disable and "unmarked" or "marked")
    end,
    call = function(net, opts) return net:set_autostart(not opts.disable) end,
}
