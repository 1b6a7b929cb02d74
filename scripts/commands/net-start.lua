local netutil = require "luvirt.netutil"

return netutil.action {
    name = "net-start",
    summary = "start a (previously defined) inactive network",
    description = "Start a defined network: its bridge, its dnsmasq (DHCP and DNS) and its "
        .. "firewall rules come up (docs/networks.md says what is created and how to see it). "
        .. "On failure everything started so far is removed again.",
    message = function(name) return ("Network %s started"):format(name) end,
    call = function(net) return net:start() end,
}
