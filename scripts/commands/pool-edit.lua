local su = require "luvirt.storageutil"
local editor = require "luvirt.editor"

return {
    name = "pool-edit",
    group = "pool",
    summary = "edit XML configuration for a storage pool",
    description = "Open the pool's persistent XML in $VISUAL, else $EDITOR, else vi. When the "
        .. "editor exits, the XML is validated and saved; if the editor fails, the XML is "
        .. "invalid or nothing changed, the pool is left as it was.",
    options = { su.pool_option() },
    run = function(ctx, opts)
        editor.check_available(ctx, "pool-edit")
        local pool = su.pool(ctx, opts.pool)
        local name = pool:name()
        local before = ctx:check(pool:xml { inactive = true })
        local after = editor.edit_text(ctx, before, ("pool %s"):format(name))
        if after == before then
            return { pool = name, changed = false,
                     message = ("Pool %s XML configuration not changed."):format(name) }
        end
        local npool, err, ecode = ctx.conn:define_pool(after)
        if not npool then ctx:fail(("%s; pool %s not changed"):format(err, name), ecode or "XML") end
        return { pool = npool:name(), changed = true,
                 message = ("Pool %s XML configuration edited."):format(npool:name()) }
    end,
}
