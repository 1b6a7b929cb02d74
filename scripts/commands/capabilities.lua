return {
    name = "capabilities",
    group = "host",
    summary = "capabilities",
    description = "Print the capabilities XML of the hypervisor: the host (CPU, NUMA cells) and "
        .. "the guests it can run (architectures, emulator, machine types, domain types).",
    run = function(ctx)
        local xml = ctx:check(ctx.conn:capabilities())
        if ctx.json then return { xml = xml } end
        return xml
    end,
    render = function(xml)
        return xml:sub(-1) == "\n" and (xml .. "\n") or (xml .. "\n\n")
    end,
}
