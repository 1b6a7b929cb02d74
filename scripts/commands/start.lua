local util = require "luvirt.cmdutil"
return util.action {
    name = "start",
    summary = "start a (previously defined) inactive domain",
    description = "Start a domain by a fresh boot.",
    domain_help = "name of the inactive domain",
    options = {
        { name = "paused", type = "bool", help = "leave the guest paused after creation" },
    },
    message = "Domain '%s' started",
    call = function(dom, opts) return dom:start { paused = opts.paused or false } end,
}
