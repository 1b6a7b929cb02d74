local format = require "luvirt.format"
local util = require "luvirt.cmdutil"

return {
    name = "domiflist",
    group = "monitor",
    summary = "list all domain virtual interfaces",
    description = "Get the summary of virtual interfaces for a domain, from its XML: the live "
        .. "one while it runs, else (or with --inactive) the persistent one.",
    options = {
        util.domain_option(),
        { name = "inactive", type = "bool", help = "get inactive rather than running configuration" },
    },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        local xml = ctx:check(dom:xml { inactive = opts.inactive or false })
        return ctx.cli.array(require("luvirt.domxml").interfaces(xml))
    end,
    render = function(ifs)
        local rows = {}
        for i, n in ipairs(ifs) do
            rows[i] = { n.target or "-", n.type, n.source or "-", n.model or "-", n.mac or "-" }
        end
        return format.table({ "Interface", "Type", "Source", "Model", "MAC" }, rows)
    end,
}
