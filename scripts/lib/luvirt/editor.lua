--- The user's editor on a definition, for edit, net-edit and pool-edit.
local M = {}

--- Fails NO_SUPPORT naming `command` when this build cannot run an editor
--- (luvirt.run_interactive is missing).
function M.check_available(ctx, command)
    if not require("luvirt").run_interactive then
        ctx:fail(("%s needs luvirt.run_interactive, which this build lacks"):format(command),
            "NO_SUPPORT")
    end
end

--- The program and arguments of the user's editor for `path` ($VISUAL, else
--- $EDITOR, else vi; words split on blanks, as virsh does).
local function editor_argv(path)
    local cmd = os.getenv("VISUAL")
    if not cmd or cmd == "" then cmd = os.getenv("EDITOR") end
    if not cmd or cmd == "" then cmd = "vi" end
    local argv = {}
    for w in cmd:gmatch("%S+") do argv[#argv + 1] = w end
    argv[#argv + 1] = path
    return argv
end

--- Runs the editor on `text`; returns the edited text, or fails (the editor
--- failed, the file went away) with `what` named as not changed.
function M.edit_text(ctx, text, what)
    local luvirt = require "luvirt"
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write(text)
    f:close()
    local argv = editor_argv(path)
    local status, msg, code = luvirt.run_interactive(argv)
    if status and status ~= 0 then
        os.remove(path)
        ctx:fail(("the editor '%s' exited with status %d; %s not changed")
            :format(argv[1], status, what), "OPERATION_FAILED")
    end
    if not status then
        os.remove(path)
        ctx:fail(("%s; %s not changed"):format(msg or "the editor failed", what),
            code or "OPERATION_FAILED")
    end
    local rf = io.open(path, "r")
    local after = rf and rf:read("a")
    if rf then rf:close() end
    os.remove(path)
    if after == nil then ctx:fail("the edited file disappeared; " .. what .. " not changed", "SYSTEM") end
    return after
end

return M
