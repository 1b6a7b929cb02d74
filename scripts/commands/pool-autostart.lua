local su = require "luvirt.storageutil"

return {
    name = "pool-autostart",
    group = "pool",
    summary = "autostart a pool",
    description = "Mark a persistent pool to be started when the host starts (--disable: not).",
    options = {
        su.pool_option(),
        { name = "disable", type = "bool", help = "disable autostarting" },
    },
    run = function(ctx, opts)
        local pool = su.pool(ctx, opts.pool)
        local name = pool:name()
        ctx:check(pool:set_autostart(not opts.disable))
        local fmt = opts.disable and "Pool %s unmarked as autostarted" or "Pool %s marked as autostarted"
        return { pool = name, autostart = not opts.disable, message = fmt:format(name) }
    end,
}
