local format = require "luvirt.format"

local function text(v) return v == nil and "" or tostring(v) end

return {
    name = "list",
    group = "domain",
    summary = "list domains",
    description = "List domains: by default the running ones (running, paused, ...), with --all "
        .. "also the inactive ones.",
    options = {
        { name = "inactive", type = "bool", help = "list inactive domains" },
        { name = "all", type = "bool", help = "list inactive & active domains" },
        { name = "state-running", type = "bool", help = "list domains in running state" },
        { name = "state-paused", type = "bool", help = "list domains in paused state" },
        { name = "state-shutoff", type = "bool", help = "list domains in shutoff state" },
        { name = "autostart", type = "bool", help = "list domains with autostart enabled" },
        { name = "no-autostart", type = "bool", help = "list domains with autostart disabled" },
        { name = "uuid", type = "bool", help = "list uuid's only" },
        { name = "name", type = "bool", help = "list domain names only" },
        { name = "title", type = "bool", help = "show domain title" },
    },
    exclusive = { { "all", "inactive" }, { "autostart", "no-autostart" }, { "name", "uuid" },
                  { "title", "name" }, { "title", "uuid" } },
    run = function(ctx, opts)
        local states = {}
        local any_state = false
        for _, s in ipairs { "running", "paused", "shutoff" } do
            if opts["state-" .. s] then states[s] = true any_state = true end
        end
        local filter = {}
        if not any_state and not opts.all then
            filter = opts.inactive and { inactive = true } or { active = true }
        end
        local null = require("luvirt").json.null
        -- one driver call for every row, not one per domain
        local infos = ctx:check(ctx.conn:domain_infos(filter))
        local rows = {}
        for _, info in ipairs(infos) do
            local keep = true
            if any_state and not states[info.state] then keep = false end
            if opts.autostart and not info.autostart then keep = false end
            if opts["no-autostart"] and info.autostart then keep = false end
            if keep then
                rows[#rows + 1] = {
                    id = info.id or null, name = info.name, uuid = info.uuid, state = info.state,
                    state_text = info.state_text, title = info.title,
                    persistent = info.persistent, autostart = info.autostart,
                }
            end
        end
        -- virsh lists running domains (by id) first, then the inactive ones by name
        table.sort(rows, function(a, b)
            local ai = math.type(a.id) and a.id or false
            local bi = math.type(b.id) and b.id or false
            if (ai ~= false) ~= (bi ~= false) then return ai ~= false end
            if ai and bi and ai ~= bi then return ai < bi end
            return a.name < b.name
        end)
        return ctx.cli.array(rows)
    end,
    render = function(rows, _, opts)
        if opts.name or opts.uuid then
            local out = {}
            for _, r in ipairs(rows) do out[#out + 1] = (opts.name and r.name or r.uuid) .. "\n" end
            return table.concat(out) .. "\n"
        end
        local headers = { "Id", "Name", "State" }
        if opts.title then headers[4] = "Title" end
        local cells = {}
        for i, r in ipairs(rows) do
            cells[i] = { math.type(r.id) and tostring(r.id) or "-", r.name, r.state_text }
            if opts.title then cells[i][4] = text(r.title) end
        end
        return format.table(headers, cells)
    end,
}
