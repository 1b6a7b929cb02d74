local util = require "luvirt.cmdutil"

return {
    name = "domname",
    group = "domain",
    summary = "convert a domain id or UUID to domain name",
    description = "Print the name of a domain given by id or uuid.",
    options = { util.domain_option("domain id or uuid") },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        return { name = dom:name() }
    end,
    render = function(d) return d.name .. "\n\n" end,
}
