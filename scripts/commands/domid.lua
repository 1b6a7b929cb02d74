local util = require "luvirt.cmdutil"

return {
    name = "domid",
    group = "domain",
    summary = "convert a domain name or UUID to domain id",
    description = "Print the id of a running domain; '-' for an inactive one.",
    options = { util.domain_option("domain name or uuid") },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        return { domain = dom:name(), id = dom:id() }
    end,
    render = function(d) return (d.id and tostring(d.id) or "-") .. "\n\n" end,
}
