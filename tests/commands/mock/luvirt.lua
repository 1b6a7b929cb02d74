-- A stand-in for the `luvirt` C module, for developing and unit-testing the
-- pure-Lua command layer under plain lua5.4 (busted). It mimics the test
-- driver only roughly; the transcripts run against the real binary.
local json = require "dkjson"
local M = { version = "0.1.0", datadir = os.getenv("LUVIRT_DATADIR") or "scripts" }

M.json = {
    null = json.null,
    encode = function(v, o)
        local function keys(t)
            local ks = {}
            for k in pairs(t) do ks[#ks + 1] = k end
            table.sort(ks, function(a, b) return tostring(a) < tostring(b) end)
            return ks
        end
        local function walk(t)
            if type(t) ~= "table" then return end
            local mt = getmetatable(t) or {}
            if #t == 0 and next(t) ~= nil then mt.__jsonorder = keys(t) end
            setmetatable(t, mt)
            for _, v2 in pairs(t) do walk(v2) end
        end
        walk(v)
        return json.encode(v, { indent = o and o.pretty })
    end,
    decode = function(s) return json.decode(s) end,
}

local domains = {}
local nextid = 2
local function add(d) domains[#domains + 1] = d end
add { name = "test", uuid = "6695eb01-f6a4-8304-79aa-97f2502e193f", id = 1, state = "running",
      reason = "booted", persistent = true, autostart = false, os_type = "linux", vcpus = 2,
      max_memory_kib = 8388608, memory_kib = 2097152, title = nil, description = nil }

local TEXT = { running = "running", paused = "paused", shutoff = "shut off" }
local D = {}
D.__index = D
local function wrap(d) return setmetatable({ d = d }, D) end
function D:name() return self.d.name end
function D:uuid() return self.d.uuid end
function D:id() return self.d.id end
function D:state() return self.d.state, self.d.reason end
function D:__tostring() return "luvirt.Domain: " .. self.d.name end
function D:info()
    local d = self.d
    return { name = d.name, uuid = d.uuid, id = d.id, state = d.state, state_text = TEXT[d.state],
             reason = d.reason, persistent = d.persistent, autostart = d.autostart,
             managed_save = false, title = d.title, os_type = d.os_type, vcpus = d.vcpus,
             max_memory_kib = d.max_memory_kib, memory_kib = d.memory_kib, cpu_time_ns = 0 }
end
function D:xml()
    local d = self.d
    return ("<domain type='test'%s>\n  <name>%s</name>\n  <uuid>%s</uuid>\n%s%s  <memory unit='KiB'>%d</memory>\n  <vcpu placement='static'>%d</vcpu>\n  <os>\n    <type arch='i686'>hvm</type>\n    <boot dev='hd'/>\n  </os>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='/guest/diskimage1'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n  </devices>\n</domain>\n")
        :format(d.id and (" id='" .. d.id .. "'") or "", d.name, d.uuid,
            d.title and ("  <title>" .. d.title .. "</title>\n") or "",
            d.description and ("  <description>" .. d.description .. "</description>\n") or "",
            d.max_memory_kib, d.vcpus)
end
local function active(d) return d.state ~= "shutoff" end
function D:start(o)
    if active(self.d) then return nil, "domain is already active", "OPERATION_INVALID" end
    self.d.state = (o and o.paused) and "paused" or "running"
    self.d.reason = (o and o.paused) and "user" or "booted"
    self.d.id = nextid; nextid = nextid + 1
    return true
end
local function stop(self, reason)
    if not active(self.d) then return nil, "domain is not running", "OPERATION_INVALID" end
    self.d.state, self.d.reason, self.d.id = "shutoff", reason, nil
    if not self.d.persistent then
        for i, x in ipairs(domains) do if x == self.d then table.remove(domains, i) end end
    end
    return true
end
function D:shutdown() return stop(self, "shutdown") end
function D:destroy() return stop(self, "destroyed") end
function D:reboot() if not active(self.d) then return nil, "domain is not running", "OPERATION_INVALID" end return true end
D.reset = D.reboot
function D:suspend()
    if self.d.state ~= "running" then return nil, "domain is not running", "OPERATION_INVALID" end
    self.d.state, self.d.reason = "paused", "user"; return true
end
function D:resume()
    if self.d.state ~= "paused" then return nil, "domain is not paused", "OPERATION_INVALID" end
    self.d.state, self.d.reason = "running", "unpaused"; return true
end
function D:undefine()
    if not self.d.persistent then return nil, "cannot undefine transient domain", "OPERATION_INVALID" end
    if active(self.d) then self.d.persistent = false return true end
    for i, x in ipairs(domains) do if x == self.d then table.remove(domains, i) end end
    return true
end
function D:autostart() return self.d.autostart end
function D:set_autostart(b) self.d.autostart = b return true end
function D:description(o) if o and o.title then return self.d.title end return self.d.description end
function D:set_description(t, o) if o and o.title then self.d.title = t else self.d.description = t end return true end
function D:rename(n)
    if active(self.d) then return nil, "cannot rename active domain", "OPERATION_INVALID" end
    for _, x in ipairs(domains) do if x.name == n then return nil, "domain '" .. n .. "' already exists", "DUPLICATE" end end
    self.d.name = n; return true
end

local C = {}
C.__index = C
function C:uri() return self.u end
function C:driver() return "test" end
function C:is_readonly() return self.ro end
function C:close() end
function C:hostname() return "testhost" end
function C:version() return { hypervisor = "Test", hypervisor_version = "0.0.2", library_version = M.version } end
function C:node_info() return { model = "i686", memory_kib = 3145728, cpus = 16, mhz = 1400, nodes = 2, sockets = 2, cores = 2, threads = 2 } end
function C:domains(o)
    local out = {}
    for _, d in ipairs(domains) do
        local a = active(d)
        if (not o) or (not o.active and not o.inactive) or (o.active and a) or (o.inactive and not a) then
            out[#out + 1] = wrap(d)
        end
    end
    table.sort(out, function(a, b) return a.d.name < b.d.name end)
    return out
end
function C:domain(key)
    for _, d in ipairs(domains) do
        if tostring(d.id) == key or d.uuid == key or d.name == key then return wrap(d) end
    end
    return nil, "domain '" .. key .. "' not found", "NO_DOMAIN"
end
local function parse(xml)
    if not xml:match("^%s*<domain") then return nil, "XML error: malformed domain XML", "XML" end
    if xml:find("<hostdev") then return nil, "unsupported configuration: element <hostdev> is not supported", "CONFIG_UNSUPPORTED" end
    local name = xml:match("<name>(.-)</name>")
    if not name or name == "" then return nil, "domain name must not be empty", "XML" end
    if name:find("/") then return nil, "domain name '" .. name .. "' must not contain '/'", "XML" end
    local uuid = xml:match("<uuid>(.-)</uuid>") or string.format("%08x-0000-4000-8000-%012x", math.random(0, 0xffffff), #domains)
    local mem = xml:match("<memory[^>]*>(.-)</memory>") or "0"
    if not tonumber(mem) then return nil, "invalid memory value '" .. mem .. "'", "XML" end
    return { name = name, uuid = uuid, state = "shutoff", reason = "unknown", persistent = true, autostart = false,
             os_type = "hvm", vcpus = tonumber(xml:match("<vcpu[^>]*>(%d+)</vcpu>") or 1), max_memory_kib = tonumber(mem), memory_kib = tonumber(mem) }
end
function C:define(xml)
    local d, msg, code = parse(xml)
    if not d then return nil, msg, code end
    for _, x in ipairs(domains) do
        if x.name == d.name and x.uuid ~= d.uuid then return nil, "domain '" .. d.name .. "' already exists with uuid " .. x.uuid, "DUPLICATE" end
        if x.uuid == d.uuid and x.name ~= d.name then return nil, "domain '" .. x.name .. "' already exists with uuid " .. x.uuid, "DUPLICATE" end
        if x.uuid == d.uuid then x.vcpus, x.max_memory_kib = d.vcpus, d.max_memory_kib return wrap(x) end
    end
    add(d)
    return wrap(d)
end
function C:create(xml, o)
    local d, msg, code = parse(xml)
    if not d then return nil, msg, code end
    for _, x in ipairs(domains) do if x.name == d.name then return nil, "domain '" .. d.name .. "' already exists", "DUPLICATE" end end
    d.persistent = false
    add(d)
    local dom = wrap(d)
    dom:start(o)
    return dom
end

function M.open(uri, o)
    uri = uri or os.getenv("LUVIRT_DEFAULT_URI") or "test:///default"
    if uri ~= "test:///default" then return nil, "no driver serves the URI '" .. uri .. "'", "NO_CONNECT" end
    return setmetatable({ u = uri, ro = o and o.readonly or false }, C)
end
function M.all(fns) local r = {} for i, f in ipairs(fns) do r[i] = f() end return r end
function M.parse_size(t) local n = tonumber(t:match("^%s*(%d+)")) if not n then return nil, "invalid size '" .. t .. "'", "INVALID_ARG" end return n end
function M.run_interactive(argv)
    local q = {}
    for i, a in ipairs(argv) do q[i] = "'" .. a:gsub("'", "'\\''") .. "'" end
    local ok, _, code = os.execute(table.concat(q, " "))
    return ok and true or nil, "editor exited with status " .. tostring(code), "OPERATION_FAILED"
end
return M
