return {
    name = "uri",
    group = "host",
    summary = "print the hypervisor canonical URI",
    description = "Print the canonical URI of the current connection.",
    run = function(ctx) return { uri = ctx.conn:uri() } end,
    render = function(d) return d.uri .. "\n\n" end,
}
