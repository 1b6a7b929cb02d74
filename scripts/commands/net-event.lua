--- net-event: waits for network lifecycle events and prints them as virsh does.
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
        if opts.timeout and opts.timeout <= 0 then
            ctx:usage("invalid timeout value; it must be a positive number of seconds")
        end
        local luvirt = require "luvirt"
        local events = {}
        local waiter
        local function handler(net, event)
            local name = net:name()
            local word = WORDS[event] or "unknown"
            events[#events + 1] = { event = "lifecycle", network = name, type = word }
            if not ctx.json then
                ctx:out(("event 'lifecycle' for network %s: %s\n"):format(name, word))
                io.stdout:flush()
            end
            if not opts.loop and waiter then waiter:cancel() end
        end
        local sub
        if opts.network then
            local net = require("luvirt.netutil").network(ctx, opts.network)
            sub = ctx:check(net:on("lifecycle", handler))
        else
            sub = ctx:check(ctx.conn:on("network-lifecycle", handler))
        end
        waiter = luvirt.spawn(function()
            if opts.timeout then return luvirt.sleep(opts.timeout * 1000) end
            while true do luvirt.sleep(86400000) end
        end)
        -- ends with the timeout (true), the first event (cancelled) or Ctrl-C (raises here)
        local okw, timed_out = pcall(waiter.wait, waiter)
        local interrupted = not okw
        if interrupted then waiter:cancel() end
        sub:cancel()
        if #events == 0 then ctx.exit_status = 1 end
        return { events = ctx.cli.array(events), count = #events,
                 timed_out = (okw and timed_out == true) or false, interrupted = interrupted }
    end,
    render = function(d)
        if type(d) == "string" then return d end
        local out = {}
        if d.interrupted then out[#out + 1] = "event loop interrupted\n" end
        if d.timed_out then out[#out + 1] = "event loop timed out\n" end
        out[#out + 1] = ("events received: %d\n\n"):format(d.count)
        return table.concat(out)
    end,
}
