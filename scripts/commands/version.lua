return {
    name = "version",
    group = "host",
    summary = "show version",
    description = "Print the versions of luvirt and of the hypervisor behind the connection.",
    run = function(ctx)
        local v = ctx:check(ctx.conn:version())
        local luvirt = require "luvirt"
        return { library = "luvirt", library_version = v.library_version or luvirt.version,
                 driver = ctx.conn:driver(), hypervisor = v.hypervisor,
                 hypervisor_version = v.hypervisor_version }
    end,
    render = function(v)
        return ("Compiled against library: %s %s\nUsing library: %s %s\nUsing API: %s %s\n"
            .. "Running hypervisor: %s %s\n\n"):format(v.library, v.library_version, v.library,
            v.library_version, v.hypervisor, v.library_version, v.hypervisor, v.hypervisor_version)
    end,
}
