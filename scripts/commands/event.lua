--- event: waits for domain lifecycle events and prints them as virsh does.
local EVENT_TYPES = { "lifecycle" }

-- libvirt's virDomainEventType and details, as virsh words them; the
-- bindings may give either the number or a lower-case key ("stopped", "destroyed")
local EVENTS = { "Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped",
                 "Shutdown", "PMSuspended", "Crashed" }
EVENTS[0] = EVENTS[1]
local DETAILS = {
    Defined = { [0] = "Added", "Updated", "Renamed", "Snapshot" },
    Undefined = { [0] = "Removed", "Renamed" },
    Started = { [0] = "Booted", "Migrated", "Restored", "Snapshot", "Event wakeup" },
    Suspended = { [0] = "Paused", "Migrated", "I/O Error", "Watchdog", "Restored", "Snapshot",
                  "API error", "Post-copy", "Post-copy Error" },
    Resumed = { [0] = "Unpaused", "Migrated", "Snapshot", "Post-copy", "Post-copy Error" },
    Stopped = { [0] = "Shutdown", "Destroyed", "Crashed", "Migrated", "Saved", "Failed",
                "Snapshot" },
    Shutdown = { [0] = "Finished", "Finished after guest request", "Finished after host request" },
    PMSuspended = { [0] = "Memory", "Disk" },
    Crashed = { [0] = "Panicked", "Crashloaded" },
}
local EVENT_BY_KEY, DETAIL_BY_KEY = {}, {}
for i = 1, #EVENTS do
    local word = EVENTS[i]
    EVENTS[i - 1] = word
    EVENT_BY_KEY[word:lower()] = word
    DETAIL_BY_KEY[word] = {}
    for k = 0, #DETAILS[word] do
        local d = DETAILS[word][k]
        DETAIL_BY_KEY[word][d:lower()] = d
        DETAIL_BY_KEY[word][d:lower():gsub("[^%w]+", "_")] = d
    end
end

local function words(event, detail)
    local e
    if math.type(event) then
        e = EVENTS[event] or tostring(event)
    else
        e = EVENT_BY_KEY[tostring(event):lower()] or tostring(event)
    end
    local d
    local table_ = DETAILS[e]
    if math.type(detail) and table_ then
        d = table_[detail]
    elseif detail ~= nil and DETAIL_BY_KEY[e] then
        d = DETAIL_BY_KEY[e][tostring(detail):lower()]
    end
    return e, d or (detail ~= nil and tostring(detail) or "Unknown")
end

return {
    name = "event",
    group = "domain",
    summary = "Domain Events",
    description = "List event types, or wait for domain events to occur and print each as "
        .. "`event 'lifecycle' for domain 'web': Stopped Destroyed`. Without --loop it ends "
        .. "after the first event; with --timeout N after N seconds at most; Ctrl-C ends it "
        .. "too. It then prints how many events came, and fails when none did. The only "
        .. "event type is lifecycle (defined, started, suspended, resumed, stopped, ...).",
    options = {
        { name = "domain", type = "domain", help = "filter by domain name, id or uuid" },
        { name = "event", type = "string", choices = EVENT_TYPES, help = "which event type to wait for" },
        { name = "all", type = "bool", help = "wait for all events instead of just one type" },
        { name = "loop", type = "bool", help = "loop until timeout or interrupt, rather than one-shot" },
        { name = "timeout", type = "int", metavar = "number", help = "timeout seconds" },
        { name = "list", type = "bool", help = "list valid event types" },
    },
    exclusive = { { "all", "event" } },
    run = function(ctx, opts)
        if opts.list then
            if ctx.json then return ctx.cli.array(EVENT_TYPES) end
            return table.concat(EVENT_TYPES, "\n") .. "\n"
        end
        if not opts.all and not opts.event then
            ctx:fail("one of --list, --all, or --event <type> is required", "INVALID_ARG")
        end
        if opts.timeout and opts.timeout <= 0 then
            ctx:usage("invalid timeout value; it must be a positive number of seconds")
        end
        local luvirt = require "luvirt"
        local source = opts.domain and ctx:domain(opts.domain) or ctx.conn
        if source.on == nil then
            ctx:fail("this function is not supported by the connection driver: on", "NO_SUPPORT")
        end
        local events = {}
        local waiter
        local sub = ctx:check(source:on("lifecycle", function(dom, event, detail)
            local e, d = words(event, detail)
            local name = dom:name()
            events[#events + 1] = { event = "lifecycle", domain = name, type = e, detail = d }
            if not ctx.json then
                ctx:out(("event 'lifecycle' for domain '%s': %s %s\n"):format(name, e, d))
                io.stdout:flush()
            end
            if not opts.loop and waiter then waiter:cancel() end
        end))
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
        if type(d) == "string" then return d .. "\n" end
        local out = {}
        if d.interrupted then out[#out + 1] = "event loop interrupted\n" end
        if d.timed_out then out[#out + 1] = "event loop timed out\n" end
        out[#out + 1] = ("events received: %d\n\n"):format(d.count)
        return table.concat(out)
    end,
}
