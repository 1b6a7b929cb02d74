local util = require "luvirt.cmdutil"

return {
    name = "qemu-monitor-command",
    group = "domain",
    summary = "QEMU Monitor Command",
    description = "Send a command to the QEMU monitor of a running domain and print qemu's "
        .. "reply: a QMP command as JSON text (`'{\"execute\":\"query-status\"}'`; its `id` "
        .. "is kept), or with --hmp a human monitor command line (`info status`). The words "
        .. "of the command are joined with spaces. --pretty indents a QMP reply; "
        .. "--return-value prints only its `return` value. Commands sent this way bypass "
        .. "luvirt: a change they make is not in the domain's XML.",
    options = {
        util.domain_option(),
        { name = "hmp", type = "bool", help = "command is in human monitor protocol" },
        { name = "pretty", type = "bool", help = "pretty-print any qemu monitor protocol output" },
        { name = "return-value", type = "bool",
          help = "extract the value of the 'return' key from the returned string" },
        { name = "cmd", type = "argv", required = true, metavar = "string", help = "command" },
    },
    exclusive = { { "hmp", "pretty" }, { "hmp", "return-value" } },
    run = function(ctx, opts)
        local json = require("luvirt").json
        local dom = ctx:domain(opts.domain)
        local text = table.concat(opts.cmd, " ")
        local reply = ctx:check(dom:qemu_monitor_command(text, { hmp = opts.hmp or false }))
        if opts.hmp then
            if ctx.json then return { domain = dom:name(), reply = reply } end
            return reply
        end
        local decoded = json.decode(reply)
        if opts["return-value"] then
            if type(decoded) ~= "table" or decoded["return"] == nil then
                ctx:fail("'return' member missing", "INTERNAL")
            end
            decoded = decoded["return"]
        end
        if ctx.json then return { domain = dom:name(), reply = decoded } end
        if opts.pretty or opts["return-value"] then
            if type(decoded) == "table" then return json.encode(decoded, { pretty = true }) end
            return json.encode(decoded)
        end
        return reply
    end,
    render = function(text)
        -- virsh prints the reply and a blank line (an HMP reply already ends in a newline)
        return (text:gsub("\n*$", "\n\n", 1))
    end,
}
