local util = require "luvirt.cmdutil"

-- a listen address that means "every address" shows as nothing, as virsh does
local WILDCARD = { ["0.0.0.0"] = true, ["::"] = true }

return {
    name = "vncdisplay",
    group = "domain",
    summary = "vnc display",
    description = "Output the IP address and port number for the VNC display, from the live "
        .. "XML (the port an autoport display got is there): `127.0.0.1:0` is port 5900.",
    options = { util.domain_option() },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        if not dom:id() then ctx:fail("Domain is not running", "OPERATION_INVALID") end
        local xml = ctx:check(dom:xml())
        for _, g in ipairs(require("luvirt.domxml").graphics(xml)) do
            if g.type == "vnc" and g.port and g.port > 0 then
                local listen = g.listen
                if listen and WILDCARD[listen] then listen = nil end
                return { domain = dom:name(), listen = listen, port = g.port,
                         display = g.port - 5900 }
            end
        end
        ctx:fail("Failed to get VNC port. Is this domain using VNC?", "OPERATION_FAILED")
    end,
    render = function(d)
        return ("%s:%d\n\n"):format(d.listen or "", d.display)
    end,
}
