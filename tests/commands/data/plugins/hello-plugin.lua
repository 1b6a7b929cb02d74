-- A minimal plugin: an int option, a positional, an alias, a message.
return {
    name = "hello-plugin",
    group = "tests",
    summary = "say hello",
    aliases = { "hi" },
    options = {
        { name = "who", type = "string", positional = true, required = true, help = "whom to greet" },
        { name = "times", type = "int", default = 1, help = "how many times" },
    },
    run = function(ctx, opts)
        local lines = {}
        for i = 1, opts.times do lines[i] = "hello " .. opts.who end
        return { greeting = lines, uri = ctx.conn:uri() }
    end,
    render = function(d) return table.concat(d.greeting, "\n") .. "\n" end,
}
