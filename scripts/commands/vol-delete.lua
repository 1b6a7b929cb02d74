local su = require "luvirt.storageutil"

return {
    name = "vol-delete",
    group = "volume",
    summary = "delete a vol",
    description = "Delete a volume and its data. A volume used by a running domain is refused.",
    options = su.vol_options(),
    run = function(ctx, opts)
        local vol = su.volume(ctx, opts.vol, opts.pool)
        local name = vol:name()
        ctx:check(vol:delete())
        return { volume = name, message = ("Vol %s deleted"):format(name) }
    end,
}
