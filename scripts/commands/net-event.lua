--- net-event: waits for network lifecycle events and prints them as virsh does.
local eventwait = require "luvirt.eventwait"

local EVENT_TYPES = { "lifecycle" }

-- the words virsh prints for the bindings' event keys
local WORDS = { defined = "Defined", undefined = "Undefined", started = "Started",
                stopped = "Stopped" }

return {
    name = "net-event",
    group = "network",
    summary = "Network Events",
    description = "List event types, or wait for network events to occur and print each as "
        .. "`event 'lifecycle' for network default: Started`. Without --loop it ends after "
        .. "the first event; with --timeout N after N seconds at most; Ctrl-C ends it too. "
        .. "It then prints how many events came, and fails when none did. Event types: "
        .. "lifecycle (Defined, Undefined, Started, Stopped).",
    options = {
        { name = "network", type = "string", completion = "network",
          help = "filter by network name or uuid" },
        { name = "event", type = "string", choices = EVENT_TYPES, help = "which event type to wait for" },
        { name = "loop", type = "bool", help = "loop until timeout or interrupt, rather than one-shot" },
        { name = "timeout", type = "int", metavar = "number", help = "timeout seconds" },
        { name = "list", type = "bool", help = "list valid event types" },
    },
    run = function(ctx, opts)
        if opts.list then
            if ctx.json then return ctx.cli.array(EVENT_TYPES) end
            return table.concat(EVENT_TYPES, "\n") .. "\n"
        end
        if not opts.event then
            ctx:fail("either --list or --event <type> is required", "INVALID_ARG")
        end
        eventwait.check_timeout(ctx, opts)
        return eventwait.listen(ctx, opts, function(emit)
            local function handler(net, event)
                local name = net:name()
                local word = WORDS[event] or "unknown"
                emit({ event = "lifecycle", network = name, type = word },
                     ("event 'lifecycle' for network %s: %s"):format(name, word))
            end
            if opts.network then
                local net = require("luvirt.netutil").network(ctx, opts.network)
                return ctx:check(net:on("lifecycle", handler))
            end
            return ctx:check(ctx.conn:on("network-lifecycle", handler))
        end)
    end,
    render = function(d)
        if type(d) == "string" then return d end
        return eventwait.render_summary(d)
    end,
}
