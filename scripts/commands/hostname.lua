return {
    name = "hostname",
    group = "host",
    summary = "print the hypervisor hostname",
    description = "Print the host name of the machine the connection talks to.",
    run = function(ctx) return { hostname = ctx:check(ctx.conn:hostname()) } end,
    render = function(d) return d.hostname .. "\n\n" end,
}
