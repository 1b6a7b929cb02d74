return {
    name = "connect",
    group = "shell",
    summary = "(re)connect to hypervisor",
    description = "Close the current connection and open another one. Without a URI, the "
        .. "default one: $LUVIRT_DEFAULT_URI, else qemu:///system for root and qemu:///session "
        .. "for other users, as virsh.",
    options = {
        { name = "name", type = "uri", positional = true, metavar = "uri",
          help = "hypervisor connection URI" },
        { name = "readonly", type = "bool", help = "read-only connection" },
    },
    run = function(ctx, opts)
        local conn = ctx.cli.reconnect(opts.name, opts.readonly)
        return { uri = conn:uri(), readonly = conn:is_readonly() }
    end,
    render = function() return nil end,
}
