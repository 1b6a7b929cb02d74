local format = require "luvirt.format"
local netutil = require "luvirt.netutil"
local util = require "luvirt.cmdutil"

return {
    name = "net-info",
    group = "network",
    summary = "network information",
    description = "Print basic information about a network: name, UUID, whether it is "
        .. "active, persistent and autostarted, and its bridge.",
    options = { netutil.network_option() },
    run = function(ctx, opts)
        local net = netutil.network(ctx, opts.network)
        return ctx:check(net:info())
    end,
    render = function(i)
        -- virsh's net-info ends without the blank line dominfo has
        return (format.fields {
            { "Name", i.name },
            { "UUID", i.uuid },
            { "Active", util.yesno(i.active) },
            { "Persistent", util.yesno(i.persistent) },
            { "Autostart", util.yesno(i.autostart) },
            { "Bridge", i.bridge },
        }):sub(1, -2)
    end,
}
