local util = require "luvirt.cmdutil"

return {
    name = "domstate",
    group = "monitor",
    summary = "domain state",
    description = "Print the state of a domain, with --reason also why it is in that state.",
    options = {
        util.domain_option(),
        { name = "reason", type = "bool", help = "also print reason for the state" },
    },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        local info = ctx:check(dom:info())
        return { domain = info.name, state = info.state, state_text = info.state_text,
                 reason = info.reason }
    end,
    render = function(d, _, opts)
        if opts.reason then return ("%s (%s)\n\n"):format(d.state_text, d.reason) end
        return d.state_text .. "\n\n"
    end,
}
