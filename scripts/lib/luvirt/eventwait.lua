--- What event and net-event share: waiting for events until the first one
--- (every one with --loop), --timeout seconds or Ctrl-C, and the summary
--- printed at the end.
local M = {}

--- A --timeout that is not a positive number of seconds is a usage error.
function M.check_timeout(ctx, opts)
    if opts.timeout and opts.timeout <= 0 then
        ctx:usage("invalid timeout value; it must be a positive number of seconds")
    end
end

--- `subscribe(emit)` subscribes and returns the subscription; its handler
--- calls `emit(record, line)` for each event it keeps: the record goes into
--- the result, the line is printed at once (not with --json). Returns the
--- result: the events, their count, and whether the wait timed out or was
--- interrupted; the exit status is 1 when no event came.
function M.listen(ctx, opts, subscribe)
    local luvirt = require "luvirt"
    local events = {}
    local waiter
    local sub = subscribe(function(record, line)
        events[#events + 1] = record
        if not ctx.json then
            ctx:out(line .. "\n")
            io.stdout:flush()
        end
        if not opts.loop and waiter then waiter:cancel() end
    end)
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
end

--- The text of what listen returned.
function M.render_summary(d)
    local out = {}
    if d.interrupted then out[#out + 1] = "event loop interrupted\n" end
    if d.timed_out then out[#out + 1] = "event loop timed out\n" end
    out[#out + 1] = ("events received: %d\n\n"):format(d.count)
    return table.concat(out)
end

return M
