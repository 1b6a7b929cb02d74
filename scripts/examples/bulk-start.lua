-- bulk-start: start several domains at once.
-- A worked example of a luvirt command plugin (docs/plugins.md). Copy it into
-- ~/.config/luvirt/commands/ (or a folder on LUVIRT_PATH) and it becomes the
-- command `bulk-start`, with help and completion.
local format = require "luvirt.format"

--- Turns a shell glob ("web-*", "db?") into an anchored Lua pattern.
local function glob_pattern(glob)
    local p = glob:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*"):gsub("%?", ".")
    return "^" .. p .. "$"
end

return {
    name = "bulk-start",
    group = "plugins",
    summary = "start several inactive domains at once",
    description = "Start the named domains, and with --match every inactive domain whose name "
        .. "matches a glob, all at the same time (each start runs as its own task). Prints "
        .. "one line per domain; fails when any domain failed to start.",
    options = {
        { name = "match", type = "string", help = "also start inactive domains matching this glob" },
        { name = "paused", type = "bool", help = "leave the guests paused" },
        { name = "domain", type = "argv", completion = "domain", metavar = "domain",
          help = "domains to start" },
    },
    run = function(ctx, opts)
        local luvirt = require "luvirt"
        local names, seen = {}, {}
        for _, n in ipairs(opts.domain or {}) do
            if not seen[n] then names[#names + 1] = n seen[n] = true end
        end
        if opts.match then
            local pat = glob_pattern(opts.match)
            for _, dom in ipairs(ctx:check(ctx.conn:domains { inactive = true })) do
                local n = dom:name()
                if n:match(pat) and not seen[n] then names[#names + 1] = n seen[n] = true end
            end
        end
        if #names == 0 then ctx:usage("bulk-start: no domain given (names or --match)") end
        -- one task per domain: they start concurrently
        local jobs = {}
        for i, n in ipairs(names) do
            jobs[i] = function()
                local dom, msg = ctx.conn:domain(n)
                if not dom then return { name = n, ok = false, error = msg } end
                local ok, err = dom:start { paused = opts.paused or false }
                return { name = n, ok = ok and true or false, error = err }
            end
        end
        local results = luvirt.all(jobs)
        local failed = 0
        for _, r in ipairs(results) do
            if not r.ok then failed = failed + 1 end
        end
        if failed > 0 then
            ctx:set_failure(("%d of %d domains failed to start"):format(failed, #results))
        end
        return results
    end,
    render = function(results)
        local rows = {}
        for i, r in ipairs(results) do
            rows[i] = { r.name, r.ok and "started" or ("failed: " .. tostring(r.error)) }
        end
        return format.table({ "Name", "Result" }, rows)
    end,
}
