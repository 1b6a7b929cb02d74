local util = require "luvirt.cmdutil"

return {
    name = "console",
    group = "domain",
    summary = "connect to the guest console",
    description = "Connect the terminal to the guest's serial console. Ctrl + ] (^]) "
        .. "detaches and leaves the guest running. One session at a time: --force takes "
        .. "the console from another session. With standard input not a terminal, what it "
        .. "carries goes to the guest and what the guest prints comes out, until the input "
        .. "ends. The guest's output is also in its console log.",
    options = {
        util.domain_option(),
        { name = "devname", type = "string", hidden = true, help = "character device name" },
        { name = "force", type = "bool",
          help = "force console connection (disconnect already connected sessions)" },
        { name = "safe", type = "bool", help = "only connect if safe console handling is supported" },
    },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        if opts.devname and opts.devname ~= "serial0" and opts.devname ~= "console0" then
            ctx:fail(("cannot find character device %s"):format(opts.devname), "INVALID_ARG")
        end
        util.console(ctx, dom, opts)
        if ctx.json then return { domain = dom:name() } end
    end,
}
