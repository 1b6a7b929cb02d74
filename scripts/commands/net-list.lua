local format = require "luvirt.format"

return {
    name = "net-list",
    group = "network",
    summary = "list networks",
    description = "List networks: by default the active ones, with --inactive the inactive "
        .. "ones, with --all both; --persistent, --transient, --autostart and --no-autostart "
        .. "filter further. Sorted by name.",
    options = {
        { name = "inactive", type = "bool", help = "list inactive networks" },
        { name = "all", type = "bool", help = "list inactive & active networks" },
        { name = "persistent", type = "bool", help = "list persistent networks" },
        { name = "transient", type = "bool", help = "list transient networks" },
        { name = "autostart", type = "bool", help = "list networks with autostart enabled" },
        { name = "no-autostart", type = "bool", help = "list networks with autostart disabled" },
        { name = "uuid", type = "bool", help = "list uuid's only" },
        { name = "name", type = "bool", help = "list network names only" },
        { name = "table", type = "bool", help = "list table (default)" },
    },
    exclusive = { { "all", "inactive" }, { "name", "uuid" }, { "name", "table" },
                  { "uuid", "table" } },
    run = function(ctx, opts)
        local filter = {}
        if not opts.all then
            filter = opts.inactive and { inactive = true } or { active = true }
        end
        -- one driver call for every row
        local infos = ctx:check(ctx.conn:network_infos(filter))
        local function keep(i)
            -- as virsh: --persistent --transient together (or neither) mean both
            if opts.persistent ~= opts.transient then
                if opts.persistent and not i.persistent then return false end
                if opts.transient and i.persistent then return false end
            end
            if opts.autostart ~= opts["no-autostart"] then
                if opts.autostart and not i.autostart then return false end
                if opts["no-autostart"] and i.autostart then return false end
            end
            return true
        end
        local rows = {}
        for _, i in ipairs(infos) do
            if keep(i) then rows[#rows + 1] = i end
        end
        table.sort(rows, function(a, b) return a.name:lower() < b.name:lower() end)
        return ctx.cli.array(rows)
    end,
    render = function(rows, _, opts)
        if opts.name or opts.uuid then
            local out = {}
            for _, r in ipairs(rows) do out[#out + 1] = (opts.name and r.name or r.uuid) .. "\n" end
            return table.concat(out)
        end
        local cells = {}
        for i, r in ipairs(rows) do
            cells[i] = { r.name, r.active and "active" or "inactive", r.autostart and "yes" or "no",
                         r.persistent and "yes" or "no" }
        end
        return format.table({ "Name", "State", "Autostart", "Persistent" }, cells)
    end,
}
