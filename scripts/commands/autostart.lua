local util = require "luvirt.cmdutil"

return {
    name = "autostart",
    group = "domain",
    summary = "autostart a domain",
    description = "Mark a domain to be started when the host boots; --disable unmarks it.",
    options = {
        util.domain_option(),
        { name = "disable", type = "bool", help = "disable autostarting" },
    },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        local name = dom:name()
        local on = not opts.disable
        ctx:check(dom:set_autostart(on))
        return { domain = name, autostart = on,
                 message = ("Domain '%s' %s as autostarted"):format(name, on and "marked" or "unmarked") }
    end,
}
