--- Pool and volume XML (libvirt's formatstorage) from Lua tables: what
--- conn:define_pool{...}, pool:create_volume{...}, pool-define-as and
--- vol-create-as write. Only the elements luvirt's storage driver reads.
local M = {}

local function esc(s)
    return (tostring(s):gsub("[&<>'\"]", {
        ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ["'"] = "&apos;", ['"'] = "&quot;",
    }))
end
M.escape = esc

local function check_keys(what, t, allowed)
    for k in pairs(t) do
        if not allowed[k] then
            error(("%s: unknown key '%s'"):format(what, tostring(k)), 3)
        end
    end
end

--- Bytes from an integer or a size string ("10G", "512 MiB"); raises naming `what`.
local function size(what, v)
    if math.type(v) == "integer" then
        if v < 0 then error(("%s must not be negative"):format(what), 3) end
        return v
    end
    if type(v) == "string" then
        local bytes, msg = require("luvirt").parse_size(v)
        if not bytes then error(("%s: %s"):format(what, msg), 3) end
        return bytes
    end
    error(("%s must be a size (integer bytes or a string such as \"10G\")"):format(what), 3)
end
M.size = size

local function need_string(what, v)
    if type(v) ~= "string" or v == "" then error(what .. " must be a non-empty string", 3) end
    return v
end

local POOL_KEYS = { name = true, type = true, uuid = true, target = true, source = true }
local SOURCE_KEYS = { device = true, dir = true, name = true, format = true, host = true }

--- <pool type=...> from {name=, type=, uuid=, target=PATH,
--- source={device=, dir=, name=, format=, host=}}.
function M.pool_xml(t)
    assert(type(t) == "table", "pool definition: expected a table")
    check_keys("pool definition", t, POOL_KEYS)
    local out = { ("<pool type='%s'>\n"):format(esc(need_string("pool type", t.type))),
                  ("  <name>%s</name>\n"):format(esc(need_string("pool name", t.name))) }
    if t.uuid then out[#out + 1] = ("  <uuid>%s</uuid>\n"):format(esc(t.uuid)) end
    local s = t.source
    if s ~= nil then
        if type(s) ~= "table" then error("pool source must be a table", 2) end
        check_keys("pool source", s, SOURCE_KEYS)
        if next(s) then
            out[#out + 1] = "  <source>\n"
            if s.host then out[#out + 1] = ("    <host name='%s'/>\n"):format(esc(s.host)) end
            if s.device then out[#out + 1] = ("    <device path='%s'/>\n"):format(esc(s.device)) end
            if s.dir then out[#out + 1] = ("    <dir path='%s'/>\n"):format(esc(s.dir)) end
            if s.name then out[#out + 1] = ("    <name>%s</name>\n"):format(esc(s.name)) end
            if s.format then out[#out + 1] = ("    <format type='%s'/>\n"):format(esc(s.format)) end
            out[#out + 1] = "  </source>\n"
        end
    end
    if t.target then
        out[#out + 1] = ("  <target>\n    <path>%s</path>\n  </target>\n"):format(esc(t.target))
    end
    out[#out + 1] = "</pool>\n"
    return table.concat(out)
end

local VOLUME_KEYS = { name = true, capacity = true, allocation = true, format = true,
                      backing = true, backing_format = true, prealloc_metadata = true }

--- <volume> from {name=, capacity=, allocation=, format=, backing=PATH or
--- {path=, format=}, backing_format=} (sizes: bytes or "10G"; prealloc_metadata
--- is a flag of the call, not XML, and is ignored here).
function M.volume_xml(t)
    assert(type(t) == "table", "volume definition: expected a table")
    check_keys("volume definition", t, VOLUME_KEYS)
    local out = { "<volume>\n",
                  ("  <name>%s</name>\n"):format(esc(need_string("volume name", t.name))) }
    if t.capacity == nil then error("volume definition: capacity is required", 2) end
    out[#out + 1] = ("  <capacity unit='bytes'>%d</capacity>\n"):format(size("capacity", t.capacity))
    if t.allocation ~= nil then
        out[#out + 1] = ("  <allocation unit='bytes'>%d</allocation>\n")
            :format(size("allocation", t.allocation))
    end
    if t.format then
        out[#out + 1] = ("  <target>\n    <format type='%s'/>\n  </target>\n"):format(esc(t.format))
    end
    local b = t.backing
    if b ~= nil then
        local path, fmt
        if type(b) == "table" then
            path, fmt = b.path, b.format
        else
            path = b
        end
        fmt = fmt or t.backing_format
        out[#out + 1] = ("  <backingStore>\n    <path>%s</path>\n")
            :format(esc(need_string("backing path", path)))
        if fmt then out[#out + 1] = ("    <format type='%s'/>\n"):format(esc(fmt)) end
        out[#out + 1] = "  </backingStore>\n"
    end
    out[#out + 1] = "</volume>\n"
    return table.concat(out)
end

return M
