--- event: waits for domain lifecycle events and prints them as virsh does.
local eventwait = require "luvirt.eventwait"

local EVENT_TYPES = { "lifecycle", "reboot" }

-- The words virsh prints (virshDomainEvent*Strings) for the keys the bindings
-- give: fn(dom, event, detail), e.g. "stopped", "destroyed". `reboot` is an
-- event type of its own for virsh, without details.
local WORDS = {
    defined = { "Defined", { added = "Added", updated = "Updated", renamed = "Renamed",
                             ["from snapshot"] = "Snapshot" } },
    undefined = { "Undefined", { removed = "Removed", renamed = "Renamed" } },
    started = { "Started", { booted = "Booted", migrated = "Migrated", restored = "Restored",
                             ["from snapshot"] = "Snapshot", wakeup = "Event wakeup" } },
    suspended = { "Suspended", { paused = "Paused", migrated = "Migrated", ioerror = "I/O Error",
                                 watchdog = "Watchdog", restored = "Restored",
                                 ["from snapshot"] = "Snapshot", ["api error"] = "API error",
                                 postcopy = "Post-copy", ["postcopy failed"] = "Post-copy Error" } },
    resumed = { "Resumed", { unpaused = "Unpaused", migrated = "Migrated",
                             ["from snapshot"] = "Snapshot", postcopy = "Post-copy",
                             ["postcopy failed"] = "Post-copy Error" } },
    stopped = { "Stopped", { shutdown = "Shutdown", destroyed = "Destroyed", crashed = "Crashed",
                             migrated = "Migrated", saved = "Saved", failed = "Failed",
                             ["from snapshot"] = "Snapshot" } },
    shutdown = { "Shutdown", { finished = "Finished", guest = "Finished after guest request",
                               host = "Finished after host request" } },
    pmsuspended = { "PMSuspended", { memory = "Memory", disk = "Disk" } },
    crashed = { "Crashed", { panicked = "Panicked", crashloaded = "Crashloaded" } },
}

--- The event's type (lifecycle or reboot) and the line virsh prints for it.
local function describe(name, event, detail)
    if event == "reboot" then return "reboot", ("event 'reboot' for domain '%s'"):format(name) end
    local w = WORDS[event]
    local e = w and w[1] or tostring(event)
    local d = w and w[2][detail] or "Unknown"
    return "lifecycle", ("event 'lifecycle' for domain '%s': %s %s"):format(name, e, d), e, d
end

return {
    name = "event",
    group = "domain",
    summary = "Domain Events",
    description = "List event types, or wait for domain events to occur and print each as "
        .. "`event 'lifecycle' for domain 'web': Stopped Destroyed`. Without --loop it ends "
        .. "after the first event; with --timeout N after N seconds at most; Ctrl-C ends it "
        .. "too. It then prints how many events came, and fails when none did. Event types: "
        .. "lifecycle (defined, started, suspended, resumed, stopped, shutdown, ...) and "
        .. "reboot (the guest rebooted).",
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
        eventwait.check_timeout(ctx, opts)
        local source = opts.domain and ctx:domain(opts.domain) or ctx.conn
        return eventwait.listen(ctx, opts, function(emit)
            return ctx:check(source:on("lifecycle", function(dom, event, detail)
                local name = dom:name()
                local etype, line, e, d = describe(name, event, detail)
                if not opts.all and etype ~= opts.event then return end
                emit({ event = etype, domain = name, type = e, detail = d }, line)
            end))
        end)
    end,
    render = function(d)
        if type(d) == "string" then return d .. "\n" end
        return eventwait.render_summary(d)
    end,
}
