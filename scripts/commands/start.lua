local util = require "luvirt.cmdutil"
return util.action {
    name = "start",
    summary = "start a (previously defined) inactive domain",
    description = "Start a domain by a fresh boot. --console then attaches the terminal to its "
        .. "serial console, as the `console` command does.",
    domain_help = "name of the inactive domain",
    options = {
        { name = "console", type = "bool", help = "attach to console after creation" },
        { name = "paused", type = "bool", help = "leave the guest paused after creation" },
    },
    message = "Domain '%s' started",
    call = function(dom, opts) return dom:start { paused = opts.paused or false } end,
    after = function(ctx, dom, opts, data)
        if not opts.console then return data end
        if not ctx.quiet and not ctx.json then ctx:out(data.message .. "\n") end
        data.message = nil
        util.console(ctx, dom, {})
        if ctx.json then return data end
    end,
}
