--- Helpers shared by the net-* commands and domifaddr: the <network> option,
--- looking a network up, virsh's one-action commands, lease rows, and the
--- MAC/lease matching of `domifaddr --source lease`.
local M = {}

--- The usual positional `<network>` option.
function M.network_option(help)
    return { name = "network", type = "string", positional = true, required = true,
             completion = "network", help = help or "network name or uuid" }
end

--- The Network for a name or UUID (by: nil, "name" or "uuid"), or a failure.
function M.network(ctx, key, by)
    local net, msg, code = ctx.conn:network(key, by and { by = by } or nil)
    if not net then
        ctx:fail(msg or ("network '" .. key .. "' not found"), code or "NO_NETWORK")
    end
    return net
end

--- Declares a command that performs one action on a network and prints
--- virsh's message (virsh writes network names without quotes):
--- action{name="net-start", message="Network %s started", call=fn(net, opts)}.
function M.action(spec)
    local options = { M.network_option() }
    for _, o in ipairs(spec.options or {}) do options[#options + 1] = o end
    return {
        name = spec.name,
        group = "network",
        summary = spec.summary,
        description = spec.description,
        options = options,
        run = function(ctx, opts)
            local net = M.network(ctx, opts.network)
            local name = net:name()
            ctx:check(spec.call(net, opts, ctx))
            local data = { network = name, uuid = net:uuid(), action = spec.name,
                           message = spec.message(name, opts) }
            return data
        end,
    }
end

--- Reads a file named by an XML option, or the option itself when it starts
--- with '<' (as virsh net-update's xml argument).
function M.xml_argument(ctx, value)
    if value:sub(1, 1) == "<" then return value end
    return require("luvirt.cmdutil").read_file(ctx, value)
end

--- A lease's expiry as virsh prints it: local time, "%Y-%m-%d %H:%M:%S"
--- (0, a lease that never expires, is the epoch as for virsh).
function M.expiry_string(t)
    return os.date("%Y-%m-%d %H:%M:%S", t or 0)
end

--- Leases sorted by MAC address, case-insensitively, as virsh sorts them.
function M.sort_leases(leases)
    table.sort(leases, function(a, b)
        local ma, mb = (a.mac or ""):lower(), (b.mac or ""):lower()
        if ma ~= mb then return ma < mb end
        return (a.ipaddr or "") < (b.ipaddr or "")
    end)
    return leases
end

--- The rows of virsh net-dhcp-leases' table.
function M.lease_rows(leases)
    local rows = {}
    for i, l in ipairs(leases) do
        rows[i] = { M.expiry_string(l.expiry_time), l.mac or "-", l.protocol or "-",
                    l.ipaddr and (l.ipaddr .. "/" .. tostring(l.prefix)) or "-",
                    l.hostname or "-", l.clientid or "-" }
    end
    return rows
end

--- Normalises a MAC address for comparison ("52:54:00:AB:..." -> lower case).
function M.mac_key(mac)
    return mac and mac:lower() or nil
end

--- What `domifaddr --source lease` reports, as libvirt does: for each NIC of
--- type network (in domain order), the leases of its network held by its MAC;
--- NICs without a lease (or of another type) are left out.
---@param ifaces table  {type=, source=, target=, mac=} as luvirt.domxml.interfaces gives
---@param leases_of table  network name -> list of leases ({mac, ipaddr, prefix, protocol})
---@param only string|nil  the host-side name of the one NIC to report (domifaddr --interface)
---@return table  list of {name=, mac=, addrs={{type=, addr=, prefix=}...}}
function M.interface_addresses(ifaces, leases_of, only)
    local out = {}
    for _, nic in ipairs(ifaces) do
        if nic.type == "network" and nic.mac and nic.source and (not only or nic.target == only) then
            local want = M.mac_key(nic.mac)
            local addrs = {}
            for _, l in ipairs(leases_of[nic.source] or {}) do
                if M.mac_key(l.mac) == want and l.ipaddr then
                    addrs[#addrs + 1] = { type = l.protocol or (l.ipaddr:find(":", 1, true)
                                              and "ipv6" or "ipv4"),
                                          addr = l.ipaddr, prefix = l.prefix }
                end
            end
            if #addrs > 0 then
                out[#out + 1] = { name = nic.target or "-", mac = nic.mac, addrs = addrs }
            end
        end
    end
    return out
end

--- virsh domifaddr's text: a header, then a line per address (the name and
--- MAC only on an interface's first line unless `full`).
function M.render_addresses(ifaces, full)
    local out = { (" %-10s %-20s %-8s     %s\n"):format("Name", "MAC address", "Protocol", "Address"),
                  string.rep("-", 79), "\n" }
    for _, iface in ipairs(ifaces) do
        if #iface.addrs == 0 then
            out[#out + 1] = (" %-10s %-17s    %-12s %s\n"):format(iface.name, iface.mac or "N/A",
                                                                 "N/A", "N/A")
        end
        for j, a in ipairs(iface.addrs) do
            local addr = ("%-12s %s/%d"):format(a.type, a.addr, a.prefix)
            if full or j == 1 then
                out[#out + 1] = (" %-10s %-17s    %s\n"):format(iface.name, iface.mac or "", addr)
            else
                out[#out + 1] = (" %-10s %-17s    %s\n"):format("-", "-", addr)
            end
        end
    end
    return table.concat(out)
end

return M
