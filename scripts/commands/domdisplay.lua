local util = require "luvirt.cmdutil"

local WILDCARD = { ["0.0.0.0"] = true, ["::"] = true }

-- the URI of one graphics device, as virsh domdisplay writes it, or nil
local function display_uri(g, include_password)
    if g.type ~= "vnc" and g.type ~= "spice" then return nil end
    if g.socket then return ("%s+unix://%s"):format(g.type, g.socket) end
    local port = g.port
    if not port or port <= 0 then return nil end
    -- VNC clients take the display number (port - 5900)
    if g.type == "vnc" then port = port - 5900 end
    local host = g.listen
    if not host or WILDCARD[host] then host = "localhost" end
    if host:find(":", 1, true) then host = "[" .. host .. "]" end
    local auth = (include_password and g.passwd) and (":" .. g.passwd .. "@") or ""
    return ("%s://%s%s:%d"):format(g.type, auth, host, port)
end

return {
    name = "domdisplay",
    group = "domain",
    summary = "domain display connection URI",
    description = "Output the URI of the graphical display (vnc://host:N, N the display "
        .. "number) from the domain's live XML. --all prints every display, --type only "
        .. "those of one type. The password (--include-password) is only in the XML kept "
        .. "by the driver, so it is usually not shown.",
    options = {
        util.domain_option(),
        { name = "include-password", type = "bool",
          help = "includes the password into the connection URI if available" },
        { name = "type", type = "string", choices = { "vnc", "spice" },
          help = "select particular graphical display (e.g. \"vnc\", \"spice\")" },
        { name = "all", type = "bool", help = "show all possible graphical displays" },
    },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        if not dom:id() then ctx:fail("Domain is not running", "OPERATION_INVALID") end
        local xml = ctx:check(dom:xml())
        local uris = {}
        for _, g in ipairs(require("luvirt.domxml").graphics(xml)) do
            if not opts.type or g.type == opts.type then
                uris[#uris + 1] = display_uri(g, opts["include-password"])
                if #uris > 0 and not opts.all then break end
            end
        end
        if #uris == 0 then
            if opts.type then
                ctx:fail(("No graphical display with type '%s' found"):format(opts.type),
                         "OPERATION_FAILED")
            end
            ctx:fail("No graphical display found", "OPERATION_FAILED")
        end
        return ctx.cli.array(uris)
    end,
    render = function(uris, _, opts)
        -- as virsh: one line, and with --all a blank line after the list
        return table.concat(uris, "\n") .. "\n" .. (opts.all and "\n" or "")
    end,
}
