local GROUPS = { "state", "cpu-total", "balloon", "vcpu", "interface", "block" }

-- The order virsh prints a record in: the groups in libvirt's order, the
-- numbered items (vcpu.N, net.N, block.N) by number, fields in libvirt's order.
local PREFIX_RANK = { state = 1, cpu = 2, balloon = 3, vcpu = 4, net = 5, block = 6 }
local FIELDS = {
    state = { "state", "reason" },
    cpu = { "time", "user", "system", "haltpoll.success.time", "haltpoll.fail.time" },
    balloon = { "current", "maximum", "swap_in", "swap_out", "major_fault", "minor_fault",
                "unused", "available", "rss", "usable", "last-update", "disk_caches",
                "hugetlb_pgalloc", "hugetlb_pgfail" },
    vcpu = { "current", "maximum", "state", "time", "wait", "delay", "halted" },
    net = { "count", "name", "rx.bytes", "rx.pkts", "rx.errs", "rx.drop", "tx.bytes", "tx.pkts",
            "tx.errs", "tx.drop" },
    block = { "count", "name", "backingIndex", "path", "rd.reqs", "rd.bytes", "rd.times",
              "wr.reqs", "wr.bytes", "wr.times", "fl.reqs", "fl.times", "errors", "allocation",
              "capacity", "physical", "threshold" },
}
local FIELD_RANK = {}
for prefix, list in pairs(FIELDS) do
    FIELD_RANK[prefix] = {}
    for i, f in ipairs(list) do FIELD_RANK[prefix][f] = i end
end

local function sort_key(key)
    local prefix, rest = key:match("^([^.]+)%.(.*)$")
    if not prefix then return { 99, -1, 0, key } end
    local n, field = rest:match("^(%d+)%.(.*)$")
    local ranks = FIELD_RANK[prefix] or {}
    field = field or rest
    return { PREFIX_RANK[prefix] or 98, n and tonumber(n) or -1, ranks[field] or 999, key }
end

local function before(a, b)
    local ka, kb = sort_key(a), sort_key(b)
    for i = 1, 3 do
        if ka[i] ~= kb[i] then return ka[i] < kb[i] end
    end
    return ka[4] < kb[4]
end

local function value_text(v)
    if math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2 ^ 63 then
        return tostring(math.tointeger(v))
    end
    return tostring(v)
end

local function wanted_state(info, opts)
    if opts["list-persistent"] and not info.persistent then return false end
    if opts["list-transient"] and info.persistent then return false end
    local any = false
    for _, s in ipairs { "running", "paused", "shutoff" } do
        if opts["list-" .. s] then
            any = true
            if info.state == s then return true end
        end
    end
    if opts["list-other"] then
        any = true
        if info.state ~= "running" and info.state ~= "paused" and info.state ~= "shutoff" then
            return true
        end
    end
    return not any
end

local options = {}
for _, g in ipairs(GROUPS) do
    options[#options + 1] = { name = g, type = "bool",
        help = ({ state = "report domain state", ["cpu-total"] = "report domain physical cpu usage",
                  balloon = "report domain balloon statistics",
                  vcpu = "report domain virtual cpu information",
                  interface = "report domain network interface information",
                  block = "report domain block device statistics" })[g] }
end
for _, o in ipairs {
    { "list-active", "list only active domains" }, { "list-inactive", "list only inactive domains" },
    { "list-persistent", "list only persistent domains" },
    { "list-transient", "list only transient domains" },
    { "list-running", "list only running domains" }, { "list-paused", "list only paused domains" },
    { "list-shutoff", "list only shutoff domains" },
    { "list-other", "list only domains in other states" },
    { "raw", "do not pretty-print the fields" },
} do
    options[#options + 1] = { name = o[1], type = "bool", help = o[2] }
end
options[#options + 1] = { name = "domain", type = "argv", completion = "domain",
                          metavar = "domain", help = "list of domains to get stats for" }

return {
    name = "domstats",
    group = "monitor",
    summary = "get statistics about one or multiple domains",
    description = "Gets statistics about one or more (or all) domains, one `key=value` per "
        .. "line with libvirt's keys (state.state, cpu.time, balloon.current, vcpu.0.time, "
        .. "net.0.rx.bytes, block.0.rd.bytes, ...). Without a group option every group is "
        .. "reported; without a domain every domain (the --list-* options filter them).",
    options = options,
    exclusive = { { "list-active", "list-inactive" }, { "list-persistent", "list-transient" },
                  { "domain", "list-active" }, { "domain", "list-inactive" } },
    run = function(ctx, opts)
        local groups = {}
        for _, g in ipairs(GROUPS) do
            if opts[g] then groups[#groups + 1] = g end
        end
        local arg = #groups > 0 and { groups = groups } or nil
        local doms = {}
        if opts.domain then
            for _, key in ipairs(opts.domain) do doms[#doms + 1] = ctx:domain(key) end
        else
            local filter = {}
            if opts["list-active"] then filter.active = true end
            if opts["list-inactive"] then filter.inactive = true end
            local infos = ctx:check(ctx.conn:domain_infos(filter))
            -- as `list`: running domains by id, then the others by name
            table.sort(infos, function(a, b)
                if (a.id ~= nil) ~= (b.id ~= nil) then return a.id ~= nil end
                if a.id and b.id and a.id ~= b.id then return a.id < b.id end
                return a.name < b.name
            end)
            for _, info in ipairs(infos) do
                if wanted_state(info, opts) then doms[#doms + 1] = ctx:domain(info.uuid) end
            end
        end
        local records = {}
        for i, dom in ipairs(doms) do
            local stats = ctx:check(dom:stats(arg))
            records[i] = { domain = dom:name(), stats = require("luvirt").json.object(stats) }
        end
        return ctx.cli.array(records)
    end,
    render = function(records)
        local out = {}
        for _, r in ipairs(records) do
            out[#out + 1] = ("Domain: '%s'\n"):format(r.domain)
            local keys = {}
            for k in pairs(r.stats) do keys[#keys + 1] = k end
            table.sort(keys, before)
            for _, k in ipairs(keys) do
                out[#out + 1] = ("  %s=%s\n"):format(k, value_text(r.stats[k]))
            end
            out[#out + 1] = "\n"
        end
        return table.concat(out)
    end,
}
