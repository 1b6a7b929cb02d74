local util = require "luvirt.cmdutil"

-- virsh's order (libvirt's qemu driver: the balloon, the guest's statistics, then rss)
local ORDER = { "actual", "swap_in", "swap_out", "major_fault", "minor_fault", "unused",
                "available", "usable", "last_update", "disk_caches", "hugetlb_pgalloc",
                "hugetlb_pgfail", "rss" }

return {
    name = "dommemstat",
    group = "monitor",
    summary = "get memory statistics for a domain",
    description = "Get memory statistics for a running domain, in KiB (last_update in seconds "
        .. "since the epoch): actual is the balloon's size, rss what the qemu process uses on "
        .. "the host; the others come from the guest's balloon driver when it reports them.",
    options = { util.domain_option() },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        local stats = ctx:check(dom:memory_stats())
        local known, list = {}, {}
        for _, k in ipairs(ORDER) do
            known[k] = true
            if stats[k] ~= nil then list[#list + 1] = { name = k, value = stats[k] } end
        end
        local extra = {}
        for k in pairs(stats) do
            if not known[k] then extra[#extra + 1] = k end
        end
        table.sort(extra)
        for _, k in ipairs(extra) do list[#list + 1] = { name = k, value = stats[k] } end
        if ctx.json then
            local out = {}
            for _, s in ipairs(list) do out[s.name] = s.value end
            return require("luvirt").json.object(out)
        end
        return list
    end,
    render = function(list)
        local out = {}
        for _, s in ipairs(list) do
            local v = s.value
            if math.type(v) == "float" and v == math.floor(v) then v = math.tointeger(v) end
            out[#out + 1] = ("%s %s\n"):format(s.name, tostring(v))
        end
        return table.concat(out) .. "\n"
    end,
}
