return {
    name = "quit",
    group = "shell",
    summary = "quit this interactive terminal",
    description = "Leave the shell. Commands after it on the same line do not run.",
    aliases = { "exit" },
    run = function(ctx)
        ctx.cli.state.quit = true
        return nil
    end,
}
