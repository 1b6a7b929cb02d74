local util = require "luvirt.cmdutil"

return {
    name = "domuuid",
    group = "domain",
    summary = "convert a domain name or id to domain UUID",
    description = "Print the UUID of a domain given by name or id.",
    options = { util.domain_option("domain id or name") },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        return { name = dom:name(), uuid = dom:uuid() }
    end,
    render = function(d) return d.uuid .. "\n\n" end,
}
