local format = require "luvirt.format"
local util = require "luvirt.cmdutil"

return {
    name = "dominfo",
    group = "monitor",
    summary = "domain information",
    description = "Print basic information about a domain.",
    options = { util.domain_option() },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        return ctx:check(dom:info())
    end,
    render = function(i)
        local cpu_time
        if i.id and i.cpu_time_ns then cpu_time = ("%.1fs"):format(i.cpu_time_ns / 1e9) end
        return format.fields {
            { "Id", i.id or "-" },
            { "Name", i.name },
            { "UUID", i.uuid },
            { "OS Type", i.os_type },
            { "State", i.state_text },
            { "CPU(s)", i.vcpus },
            { "CPU time", cpu_time },
            { "Max memory", ("%d KiB"):format(i.max_memory_kib) },
            { "Used memory", ("%d KiB"):format(i.memory_kib) },
            { "Persistent", util.yesno(i.persistent) },
            { "Autostart", i.autostart and "enable" or "disable" },
            { "Managed save", util.yesno(i.managed_save) },
        }
    end,
}
