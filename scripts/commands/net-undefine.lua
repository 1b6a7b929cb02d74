local netutil = require "luvirt.netutil"

return netutil.action {
    name = "net-undefine",
    summary = "undefine a persistent network",
    description = "Remove the persistent definition of a network (and its autostart mark). "
        .. "A running network keeps running, as a transient one, until it is destroyed.",
    message = function(name) return ("Network %s has been undefined"):format(name) end,
    call = function(net) return net:undefine() end,
}
