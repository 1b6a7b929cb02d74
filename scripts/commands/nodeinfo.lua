local format = require "luvirt.format"

return {
    name = "nodeinfo",
    group = "host",
    summary = "node information",
    description = "Print the host's CPU and memory.",
    run = function(ctx) return ctx:check(ctx.conn:node_info()) end,
    render = function(n)
        return format.fields({
            { "CPU model", n.model },
            { "CPU(s)", n.cpus },
            { "CPU frequency", ("%d MHz"):format(n.mhz) },
            { "CPU socket(s)", n.sockets },
            { "Core(s) per socket", n.cores },
            { "Thread(s) per core", n.threads },
            { "NUMA cell(s)", n.nodes },
            { "Memory size", ("%d KiB"):format(n.memory_kib) },
        }, 20)
    end,
}
