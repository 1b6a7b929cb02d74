local util = require "luvirt.cmdutil"
return util.action {
    name = "destroy",
    summary = "destroy (stop) a domain",
    description = "Stop a domain at once, as pulling the power cord would. The definition is kept.",
    options = {
        { name = "graceful", type = "bool", help = "terminate gracefully" },
    },
    message = "Domain '%s' destroyed",
    call = function(dom, opts) return dom:destroy { graceful = opts.graceful or false } end,
}
