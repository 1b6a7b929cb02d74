local util = require "luvirt.cmdutil"

return {
    name = "domrename",
    group = "domain",
    summary = "rename a domain",
    description = "Rename an inactive domain.",
    options = {
        util.domain_option("domain name or uuid"),
        { name = "new-name", type = "string", positional = true, required = true,
          help = "new domain name" },
    },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        local old = dom:name()
        ctx:check(dom:rename(opts["new-name"]))
        return { old_name = old, name = opts["new-name"], message = "Domain successfully renamed" }
    end,
}
