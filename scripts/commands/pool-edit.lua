local su = require "luvirt.storageutil"

local function editor_argv(path)
    local cmd = os.getenv("VISUAL")
    if not cmd or cmd == "" then cmd = os.getenv("EDITOR") end
    if not cmd or cmd == "" then cmd = "vi" end
    local argv = {}
    for w in cmd:gmatch("%S+") do argv[#argv + 1] = w end
    argv[#argv + 1] = path
    return argv
end

return {
    name = "pool-edit",
    group = "pool",
    summary = "edit XML configuration for a storage pool",
    description = "Open the pool's persistent XML in $VISUAL, else $EDITOR, else vi. When the "
        .. "editor exits, the XML is validated and saved; if the editor fails, the XML is "
        .. "invalid or nothing changed, the pool is left as it was.",
    options = { su.pool_option() },
    run = function(ctx, opts)
        local luvirt = require "luvirt"
        local pool = su.pool(ctx, opts.pool)
        local name = pool:name()
        local before = ctx:check(pool:xml { inactive = true })
        local path = os.tmpname()
        local f = assert(io.open(path, "w"))
        f:write(before)
        f:close()
        local argv = editor_argv(path)
        local status, msg, code = luvirt.run_interactive(argv)
        if status and status ~= 0 then
            msg = ("the editor '%s' exited with status %d; pool %s not changed")
                :format(argv[1], status, name)
            code = "OPERATION_FAILED"
        end
        local after
        if status == 0 then
            local rf = io.open(path, "r")
            after = rf and rf:read("a")
            if rf then rf:close() end
        end
        os.remove(path)
        if status ~= 0 then ctx:fail(msg or "the editor failed", code or "OPERATION_FAILED") end
        if after == nil then ctx:fail("the edited file disappeared", "SYSTEM") end
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
