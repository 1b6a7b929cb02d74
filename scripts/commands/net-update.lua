local netutil = require "luvirt.netutil"

-- virsh's section names; luvirt updates ip-dhcp-host only
local SECTIONS = { "bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range", "forward",
                   "forward-interface", "forward-pf", "portgroup", "dns-host", "dns-txt",
                   "dns-srv" }
local SUPPORTED = { ["ip-dhcp-host"] = true }

return {
    name = "net-update",
    group = "network",
    summary = "update parts of an existing network's configuration",
    description = "Add, delete or modify one element of a network's definition without "
        .. "redefining it. luvirt supports the section ip-dhcp-host (a static DHCP host, "
        .. "`<host mac='52:54:00:00:00:01' name='web' ip='192.168.122.10'/>`, found by its MAC, "
        .. "or by its name when it has none; delete needs the whole element, ip included); "
        .. "other sections are refused, naming them. XML is "
        .. "the element itself when it starts with '<', else a file holding it. --config "
        .. "changes the persistent definition, --live the running network (dnsmasq rereads "
        .. "its hosts), both both; --current (the default) the running network when active, "
        .. "else the definition. --parent-index picks the <ip> element (a network has one: 0).",
    options = {
        netutil.network_option(),
        { name = "command", type = "string", positional = true, required = true,
          choices = { "add", "add-last", "add-first", "delete", "modify" },
          help = "type of update (add-first, add-last (add), delete, or modify)" },
        { name = "section", type = "string", positional = true, required = true,
          choices = SECTIONS, help = "which section of network configuration to update" },
        { name = "xml", type = "string", positional = true, required = true,
          help = "name of file containing xml (or, if it starts with '<', the complete xml "
              .. "element itself) to add/modify, or to be matched for search" },
        { name = "parent-index", type = "int", help = "which parent object to search through" },
        { name = "config", type = "bool", help = "affect next network startup" },
        { name = "live", type = "bool", help = "affect running network" },
        { name = "current", type = "bool", help = "affect current state of network" },
    },
    exclusive = { { "current", "live" }, { "current", "config" } },
    run = function(ctx, opts)
        if not SUPPORTED[opts.section] then
            ctx:fail(("net-update: section '%s' is not supported; luvirt updates ip-dhcp-host only")
                :format(opts.section), "CONFIG_UNSUPPORTED")
        end
        if opts["parent-index"] and opts["parent-index"] < 0 then
            ctx:usage("invalid value for --parent-index: it must be 0 or more")
        end
        local net = netutil.network(ctx, opts.network)
        local name = net:name()
        local xml = netutil.xml_argument(ctx, opts.xml)
        ctx:check(net:update(opts.command, opts.section, xml, {
            parent_index = opts["parent-index"], live = opts.live or false,
            config = opts.config or false }))
        local what
        if opts.config then
            what = opts.live and "persistent config and live state" or "persistent config"
        elseif opts.live then
            what = "live state"
        else
            local info = ctx:check(net:info())
            what = info.active and "live state" or "persistent config"
        end
        return { network = name, command = opts.command, section = opts.section,
                 message = ("Updated network %s %s"):format(name, what) }
    end,
}
