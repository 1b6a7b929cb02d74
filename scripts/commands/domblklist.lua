local format = require "luvirt.format"
local util = require "luvirt.cmdutil"

return {
    name = "domblklist",
    group = "monitor",
    summary = "list all domain blocks",
    description = "Get the summary of block devices for a domain, from its XML: the live one "
        .. "while it runs, else (or with --inactive) the persistent one.",
    options = {
        util.domain_option(),
        { name = "inactive", type = "bool", help = "get inactive rather than running configuration" },
        { name = "details", type = "bool", help = "additionally display the type and device value" },
    },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        local xml = ctx:check(dom:xml { inactive = opts.inactive or false })
        return ctx.cli.array(require("luvirt.domxml").disks(xml))
    end,
    render = function(disks, _, opts)
        local rows = {}
        for i, d in ipairs(disks) do
            local row = { d.target or "-", d.source or "-" }
            if opts.details then row = { d.type, d.device, row[1], row[2] } end
            rows[i] = row
        end
        if opts.details then return format.table({ "Type", "Device", "Target", "Source" }, rows) end
        return format.table({ "Target", "Source" }, rows)
    end,
}
