local util = require "luvirt.cmdutil"

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
    name = "edit",
    group = "domain",
    summary = "edit XML configuration for a domain",
    description = "Open the domain's persistent XML in $VISUAL, else $EDITOR, else vi. When the "
        .. "editor exits, the XML is validated and saved; if the editor fails, the XML is "
        .. "invalid or nothing changed, the domain is left as it was.",
    options = { util.domain_option() },
    run = function(ctx, opts)
        local luvirt = require "luvirt"
        if not luvirt.run_interactive then
            ctx:fail("edit needs luvirt.run_interactive, which this build lacks", "NO_SUPPORT")
        end
        local dom = ctx:domain(opts.domain)
        local name = dom:name()
        local before = ctx:check(dom:xml { inactive = true })
        local path = os.tmpname()
        local f = assert(io.open(path, "w"))
        f:write(before)
        f:close()
        local argv = editor_argv(path)
        local status, msg, code = luvirt.run_interactive(argv)
        local ok = status == 0
        if status and status ~= 0 then
            msg = ("the editor '%s' exited with status %d; domain '%s' not changed")
                :format(argv[1], status, name)
            code = "OPERATION_FAILED"
        end
        local after
        if ok then
            local rf = io.open(path, "r")
            after = rf and rf:read("a")
            if rf then rf:close() end
        end
        os.remove(path)
        if not ok then ctx:fail(msg or "the editor failed", code or "OPERATION_FAILED") end
        if after == nil then ctx:fail("the edited file disappeared", "SYSTEM") end
        if after == before then
            return { domain = name, changed = false,
                     message = ("Domain '%s' XML configuration not changed."):format(name) }
        end
        local ndom, err = ctx.conn:define(after)
        if not ndom then ctx:fail(("%s; domain '%s' not changed"):format(err, name), "XML") end
        return { domain = ndom:name(), changed = true,
                 message = ("Domain '%s' XML configuration edited."):format(ndom:name()) }
    end,
}
