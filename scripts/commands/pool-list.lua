local format = require "luvirt.format"
local util = require "luvirt.cmdutil"
local su = require "luvirt.storageutil"

return {
    name = "pool-list",
    group = "pool",
    summary = "list pools",
    description = "List pools: by default the active ones, with --all also the inactive ones. "
        .. "--details adds persistence and sizes. --type takes a comma-separated list of types.",
    options = {
        { name = "inactive", type = "bool", help = "list inactive pools" },
        { name = "all", type = "bool", help = "list inactive & active pools" },
        { name = "transient", type = "bool", help = "list transient pools" },
        { name = "persistent", type = "bool", help = "list persistent pools" },
        { name = "autostart", type = "bool", help = "list pools with autostart enabled" },
        { name = "no-autostart", type = "bool", help = "list pools with autostart disabled" },
        { name = "type", type = "string", help = "only list pool of specified type(s) (if supported)" },
        { name = "details", type = "bool", help = "display extended details for pools" },
        { name = "uuid", type = "bool", help = "list UUID of active pools only" },
        { name = "name", type = "bool", help = "list name of active pools only" },
    },
    exclusive = { { "all", "inactive" }, { "autostart", "no-autostart" },
                  { "persistent", "transient" }, { "name", "uuid" }, { "details", "name" },
                  { "details", "uuid" } },
    run = function(ctx, opts)
        local filter = {}
        if not opts.all then
            filter = opts.inactive and { inactive = true } or { active = true }
        end
        local types
        if opts.type then
            types = {}
            for t in opts.type:gmatch("[^,%s]+") do types[t] = true end
        end
        local rows = {}
        for _, i in ipairs(ctx:check(ctx.conn:pool_infos(filter))) do
            local keep = not (types and not types[i.type])
                and not (opts.persistent and not i.persistent)
                and not (opts.transient and i.persistent)
                and not (opts.autostart and not i.autostart)
                and not (opts["no-autostart"] and i.autostart)
            if keep then rows[#rows + 1] = i end
        end
        return ctx.cli.array(rows)
    end,
    render = function(rows, _, opts)
        if opts.name or opts.uuid then
            local out = {}
            for _, r in ipairs(rows) do out[#out + 1] = (opts.name and r.name or r.uuid) .. "\n" end
            return table.concat(out) .. "\n"
        end
        local cells = {}
        if not opts.details then
            for i, r in ipairs(rows) do
                cells[i] = { r.name, r.active and "active" or "inactive", util.yesno(r.autostart) }
            end
            return format.table({ "Name", "State", "Autostart" }, cells)
        end
        for i, r in ipairs(rows) do
            local function size(n) return r.active and su.capacity(n) or "-" end
            cells[i] = { r.name, r.state, util.yesno(r.autostart), util.yesno(r.persistent),
                         size(r.capacity), size(r.allocation), size(r.available) }
        end
        return format.table({ "Name", "State", "Autostart", "Persistent", "Capacity",
                              "Allocation", "Available" }, cells)
    end,
}
