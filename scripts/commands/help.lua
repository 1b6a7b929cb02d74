local format = require "luvirt.format"
local commands = require "luvirt.commands"

return {
    name = "help",
    group = "shell",
    summary = "print help",
    description = "Without an argument, every command by group; with a group keyword, the "
        .. "commands of that group; with a command name, that command's help. Lua at the "
        .. "prompt: `= EXPR` prints values, `lua CHUNK` runs a chunk, `lua` alone enters Lua "
        .. "mode (leave it with `.` or Ctrl-D).",
    options = {
        { name = "command", type = "command", positional = true,
          help = "a command name or a group keyword" },
        { name = "markdown", type = "bool", hidden = true,
          help = "print the built-in command reference as Markdown (docs/commands.md)" },
    },
    run = function(ctx, opts)
        if opts.markdown then
            commands.set_plugins(false)
            local list = commands.all()
            commands.set_plugins(true)
            ctx.kind = "markdown"
            ctx.text = format.markdown(list)
            return nil
        end
        local list, errors = commands.all()
        for _, e in ipairs(errors) do io.stderr:write("warning: ", e, "\n") end
        for _, s in ipairs(commands.shadowed()) do
            io.stderr:write(("warning: %s is hidden by %s\n"):format(s.path, s.by))
        end
        local what = opts.command
        if not what then
            ctx.text = format.all_help(list)
            local data = {}
            for _, c in ipairs(list) do
                data[#data + 1] = { name = c.name, group = c.group, summary = c.summary,
                                    origin = c.origin, path = c.path }
            end
            return data
        end
        local cmd = commands.get(what)
        if cmd then
            ctx.text = format.command_help(cmd)
            local options = {}
            for _, o in ipairs(cmd.options) do
                if not o.hidden then
                    options[#options + 1] = { name = o.name, type = o.type, required = o.required or false,
                                              positional = o.positional or false, help = o.help }
                end
            end
            return { name = cmd.name, group = cmd.group, summary = cmd.summary,
                     description = cmd.description, synopsis = format.synopsis(cmd),
                     aliases = ctx.cli.array(cmd.aliases), options = ctx.cli.array(options),
                     origin = cmd.origin, path = cmd.path }
        end
        local members = {}
        for _, c in ipairs(list) do
            if c.group == what then members[#members + 1] = { name = c.name, summary = c.summary } end
        end
        if #members == 0 then
            ctx:usage(("command or command group '%s' doesn't exist"):format(what))
        end
        ctx.text = format.group_help(what, list)
        return { group = what, title = format.group_title(what), commands = members }
    end,
    render = function(_, ctx) return ctx.text end,
}
