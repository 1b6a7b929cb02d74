--- luvirt.deftable: the short table form of a domain definition, turned into
--- libvirt domain XML. The XML then goes through the same C parser as any other
--- definition, which checks the values; this module only checks the shape
--- (unknown keys and wrong types raise an error naming the key).
---
---   deftable.to_xml{name="web", memory="1 GiB", vcpus=2,
---                   disks={{file="/images/web.qcow2", format="qcow2"}},
---                   nics={{network="default"}}}
---
--- docs/xml-domain.md describes every key.
local M = {}

local concat, insert = table.concat, table.insert
local type, tostring, pairs, ipairs, error = type, tostring, pairs, ipairs, error
local fmt = string.format

local ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ["'"] = "&apos;", ['"'] = "&quot;" }

---@param s any
---@return string
local function esc(s)
    return (tostring(s):gsub("[&<>'\"]", ESCAPES))
end
M.escape = esc

-- An XML writer: lines with 2-space indentation, attributes in the order given.
local function writer()
    local w = { lines = {} }
    -- attrs: a list of {name, value}; nil values are left out
    local function open_tag(name, attrs)
        local parts = { "<" .. name }
        for _, a in ipairs(attrs or {}) do
            if a[2] ~= nil then
                insert(parts, fmt(" %s='%s'", a[1], esc(a[2])))
            end
        end
        return concat(parts)
    end
    function w.empty(depth, name, attrs)
        insert(w.lines, ("  "):rep(depth) .. open_tag(name, attrs) .. "/>")
    end
    function w.text(depth, name, attrs, text)
        if text == nil then
            return
        end
        insert(w.lines, ("  "):rep(depth) .. open_tag(name, attrs) .. ">" .. esc(text) .. "</" .. name .. ">")
    end
    function w.open(depth, name, attrs)
        insert(w.lines, ("  "):rep(depth) .. open_tag(name, attrs) .. ">")
    end
    function w.close(depth, name)
        insert(w.lines, ("  "):rep(depth) .. "</" .. name .. ">")
    end
    function w.result()
        return concat(w.lines, "\n") .. "\n"
    end
    return w
end

-- ---- shape checks ------------------------------------------------------------------

local function fail(where, msg)
    error("deftable: " .. where .. msg, 0)
end

-- Checks that every key of t is in allowed (a set); where names the table.
local function check_keys(t, allowed, where)
    for k in pairs(t) do
        if not allowed[k] then
            if type(k) == "string" then
                fail(where, fmt("unknown key '%s'", k))
            else
                fail(where, fmt("unexpected key %s", tostring(k)))
            end
        end
    end
end

local function set(list)
    local s = {}
    for _, v in ipairs(list) do
        s[v] = true
    end
    return s
end

local function scalar(v, key, where)
    if v == nil then
        return nil
    end
    local tv = type(v)
    if tv ~= "string" and tv ~= "number" then
        fail(where, fmt("key '%s' must be a string or a number, not a %s", key, tv))
    end
    if tv == "number" and math.type(v) == "integer" then
        return fmt("%d", v)
    end
    -- XML 1.0 cannot carry C0 control characters other than tab and newlines,
    -- not even escaped: name the key instead of letting the parser complain.
    local s = tostring(v)
    local bad = s:find("[%z\1-\8\11\12\14-\31]")
    if bad then
        fail(where, fmt("key '%s' contains the control character \\%d", key, s:byte(bad)))
    end
    return s
end

local function boolean(v, key, where)
    if v ~= nil and type(v) ~= "boolean" then
        fail(where, fmt("key '%s' must be a boolean, not a %s", key, type(v)))
    end
    return v
end

local function yesno(v, key, where)
    v = boolean(v, key, where)
    if v == nil then
        return nil
    end
    return v and "yes" or "no"
end

local function list_of_tables(v, key)
    if v == nil then
        return {}
    end
    if type(v) ~= "table" then
        fail("", fmt("key '%s' must be a list of tables, not a %s", key, type(v)))
    end
    local n = #v
    for k in pairs(v) do
        if math.type(k) ~= "integer" or k < 1 or k > n then
            fail("", fmt("key '%s' must be a list (found key %s)", key, tostring(k)))
        end
    end
    for i, item in ipairs(v) do
        if type(item) ~= "table" then
            fail("", fmt("%s[%d] must be a table, not a %s", key, i, type(item)))
        end
    end
    return v
end

-- "1 GiB" -> "1", "GiB"; a number -> itself in KiB. Anything else is passed
-- through as the element's text for the C parser to refuse with its own message.
---@param v string|integer
---@return string value, string|nil unit
function M.split_size(v)
    if type(v) == "number" then
        return fmt("%d", v), nil
    end
    local num, unit = tostring(v):match("^%s*(%d+)%s*(%a*)%s*$")
    if not num then
        return tostring(v), nil
    end
    return num, unit ~= "" and unit or nil
end

local function size_element(w, depth, name, v, where)
    if v == nil then
        return
    end
    if type(v) ~= "string" and type(v) ~= "number" then
        fail(where, fmt("key '%s' must be a size such as \"1 GiB\", not a %s", name, type(v)))
    end
    local value, unit = M.split_size(v)
    w.text(depth, name, { { "unit", unit } }, value)
end

-- ---- parts -------------------------------------------------------------------------

local OS_KEYS = set { "type", "arch", "machine", "firmware", "loader", "nvram", "kernel", "initrd", "cmdline", "boot",
    "bootmenu" }

local function write_os(w, os, where)
    if type(os) ~= "table" then
        fail(where, "key 'os' must be a table")
    end
    check_keys(os, OS_KEYS, "os: ")
    w.open(1, "os", { { "firmware", scalar(os.firmware, "firmware", "os: ") } })
    w.text(2, "type", { { "arch", scalar(os.arch, "arch", "os: ") }, { "machine", scalar(os.machine, "machine", "os: ") } },
        scalar(os.type, "type", "os: ") or "hvm")
    if os.loader ~= nil then
        w.text(2, "loader", { { "readonly", "yes" }, { "type", "pflash" } }, scalar(os.loader, "loader", "os: "))
    end
    w.text(2, "nvram", nil, scalar(os.nvram, "nvram", "os: "))
    w.text(2, "kernel", nil, scalar(os.kernel, "kernel", "os: "))
    w.text(2, "initrd", nil, scalar(os.initrd, "initrd", "os: "))
    w.text(2, "cmdline", nil, scalar(os.cmdline, "cmdline", "os: "))
    local boot = os.boot
    if type(boot) == "string" then
        boot = { boot }
    end
    if boot ~= nil and type(boot) ~= "table" then
        fail("os: ", "key 'boot' must be a device name or a list of them")
    end
    for _, dev in ipairs(boot or {}) do
        w.empty(2, "boot", { { "dev", scalar(dev, "boot", "os: ") } })
    end
    if os.bootmenu ~= nil then
        w.empty(2, "bootmenu", { { "enable", yesno(os.bootmenu, "bootmenu", "os: ") } })
    end
    w.close(1, "os")
end

local CPU_KEYS = set { "mode", "model", "sockets", "dies", "cores", "threads" }

local function write_cpu(w, cpu, where)
    if type(cpu) == "string" then
        cpu = { mode = cpu }
    end
    if type(cpu) ~= "table" then
        fail(where, "key 'cpu' must be a mode such as \"host-passthrough\" or a table")
    end
    check_keys(cpu, CPU_KEYS, "cpu: ")
    local mode = scalar(cpu.mode, "mode", "cpu: ")
    local model = scalar(cpu.model, "model", "cpu: ")
    local topo = cpu.sockets or cpu.cores or cpu.threads or cpu.dies
    if not model and not topo then
        w.empty(1, "cpu", { { "mode", mode } })
        return
    end
    w.open(1, "cpu", { { "mode", mode or (model and "custom") } })
    w.text(2, "model", nil, model)
    if topo then
        w.empty(2, "topology", {
            { "sockets", scalar(cpu.sockets or 1, "sockets", "cpu: ") },
            { "dies",    scalar(cpu.dies, "dies", "cpu: ") },
            { "cores",   scalar(cpu.cores or 1, "cores", "cpu: ") },
            { "threads", scalar(cpu.threads or 1, "threads", "cpu: ") },
        })
    end
    w.close(1, "cpu")
end

local DISK_KEYS = set { "file", "dev", "pool", "volume", "format", "device", "target", "bus", "cache", "discard", "io",
    "readonly", "shareable", "boot", "serial" }

local BUS_PREFIX = { virtio = "vd", sata = "sd", scsi = "sd", usb = "sd", ide = "hd" }

-- vda, vdb, ... vdz, vdaa, ...
local function target_name(prefix, index)
    local letters = ""
    index = index + 1
    while index > 0 do
        local r = (index - 1) % 26
        letters = string.char(97 + r) .. letters
        index = (index - 1) // 26
    end
    return prefix .. letters
end

local function write_disks(w, disks)
    local used = {}
    for i, d in ipairs(disks) do
        check_keys(d, DISK_KEYS, fmt("disks[%d]: ", i))
        if d.target ~= nil then
            used[scalar(d.target, "target", fmt("disks[%d]: ", i))] = true
        end
    end
    for i, d in ipairs(disks) do
        local where = fmt("disks[%d]: ", i)
        local device = scalar(d.device, "device", where) or "disk"
        local bus = scalar(d.bus, "bus", where)
        local target = scalar(d.target, "target", where)
        if not bus and not target then
            bus = device == "cdrom" and "sata" or "virtio"
        end
        if not target then
            local prefix = BUS_PREFIX[bus] or "sd"
            local n = 0
            while used[target_name(prefix, n)] do
                n = n + 1
            end
            target = target_name(prefix, n)
            used[target] = true
        end
        local dtype = "file"
        if d.dev ~= nil then
            dtype = "block"
        elseif d.pool ~= nil or d.volume ~= nil then
            dtype = "volume"
        end
        w.open(2, "disk", { { "type", dtype }, { "device", device } })
        local format = scalar(d.format, "format", where)
        local cache, discard, io = scalar(d.cache, "cache", where), scalar(d.discard, "discard", where),
            scalar(d.io, "io", where)
        if format or cache or discard or io then
            w.empty(3, "driver", { { "name", "qemu" }, { "type", format }, { "cache", cache }, { "io", io },
                { "discard", discard } })
        end
        local file, dev = scalar(d.file, "file", where), scalar(d.dev, "dev", where)
        local pool, volume = scalar(d.pool, "pool", where), scalar(d.volume, "volume", where)
        if file or dev or pool or volume then
            w.empty(3, "source", { { "file", file }, { "dev", dev }, { "pool", pool }, { "volume", volume } })
        end
        w.empty(3, "target", { { "dev", target }, { "bus", bus } })
        if boolean(d.readonly, "readonly", where) then
            w.empty(3, "readonly")
        end
        if boolean(d.shareable, "shareable", where) then
            w.empty(3, "shareable")
        end
        w.text(3, "serial", nil, scalar(d.serial, "serial", where))
        if d.boot ~= nil then
            w.empty(3, "boot", { { "order", scalar(d.boot, "boot", where) } })
        end
        w.close(2, "disk")
    end
end

local NIC_KEYS = set { "type", "network", "bridge", "mac", "model", "target", "boot", "link" }

local function write_nics(w, nics)
    for i, n in ipairs(nics) do
        local where = fmt("nics[%d]: ", i)
        check_keys(n, NIC_KEYS, where)
        local network, bridge = scalar(n.network, "network", where), scalar(n.bridge, "bridge", where)
        local ntype = scalar(n.type, "type", where)
        if not ntype then
            ntype = network and "network" or bridge and "bridge" or "user"
        end
        w.open(2, "interface", { { "type", ntype } })
        if n.mac ~= nil then
            w.empty(3, "mac", { { "address", scalar(n.mac, "mac", where) } })
        end
        if network or bridge then
            w.empty(3, "source", { { "network", network }, { "bridge", bridge } })
        end
        if n.target ~= nil then
            w.empty(3, "target", { { "dev", scalar(n.target, "target", where) } })
        end
        w.empty(3, "model", { { "type", scalar(n.model, "model", where) or "virtio" } })
        if n.link ~= nil then
            w.empty(3, "link", { { "state", scalar(n.link, "link", where) } })
        end
        if n.boot ~= nil then
            w.empty(3, "boot", { { "order", scalar(n.boot, "boot", where) } })
        end
        w.close(2, "interface")
    end
end

local CHAR_KEYS = set { "type", "path", "mode" }

-- serial="pty" or serial={type="unix", path="/run/x.sock"}
local function write_chardev(w, name, v, where)
    if type(v) == "string" then
        v = { type = v }
    end
    if type(v) ~= "table" then
        fail(where, fmt("key '%s' must be a type such as \"pty\" or a table", name))
    end
    check_keys(v, CHAR_KEYS, name .. ": ")
    local path = scalar(v.path, "path", name .. ": ")
    local ctype = scalar(v.type, "type", name .. ": ") or (path and "file" or "pty")
    local mode = scalar(v.mode, "mode", name .. ": ")
    if not path and not mode then
        w.empty(2, name, { { "type", ctype } })
        return
    end
    w.open(2, name, { { "type", ctype } })
    w.empty(3, "source", { { "mode", mode }, { "path", path } })
    w.close(2, name)
end

local GRAPHICS_KEYS = set { "type", "port", "autoport", "listen", "passwd", "keymap" }

local function write_graphics(w, g, where)
    if type(g) == "string" then
        g = { type = g }
    end
    if type(g) ~= "table" then
        fail(where, "key 'graphics' must be \"vnc\" or a table")
    end
    check_keys(g, GRAPHICS_KEYS, "graphics: ")
    w.empty(2, "graphics", {
        { "type",     scalar(g.type, "type", "graphics: ") or "vnc" },
        { "port",     scalar(g.port, "port", "graphics: ") },
        { "autoport", yesno(g.autoport, "autoport", "graphics: ") },
        { "listen",   scalar(g.listen, "listen", "graphics: ") },
        { "keymap",   scalar(g.keymap, "keymap", "graphics: ") },
        { "passwd",   scalar(g.passwd, "passwd", "graphics: ") },
    })
end

local INPUT_KEYS = set { "type", "bus" }

local function write_inputs(w, inputs, where)
    if type(inputs) ~= "table" then
        fail(where, "key 'inputs' must be a list")
    end
    for i, inp in ipairs(inputs) do
        if type(inp) == "string" then
            inp = { type = inp }
        end
        if type(inp) ~= "table" then
            fail(where, fmt("inputs[%d] must be a type such as \"tablet\" or a table", i))
        end
        check_keys(inp, INPUT_KEYS, fmt("inputs[%d]: ", i))
        w.empty(2, "input", { { "type", scalar(inp.type, "type", where) }, { "bus", scalar(inp.bus, "bus", where) } })
    end
end

-- ---- the domain --------------------------------------------------------------------

local TOP_KEYS = set { "name", "uuid", "type", "title", "description", "memory", "current_memory", "vcpus",
    "vcpus_current", "os", "features", "cpu", "clock", "on_poweroff", "on_reboot", "on_crash", "emulator", "disks",
    "nics", "serial", "console", "guest_agent", "graphics", "inputs", "video", "memballoon", "rng" }

--- Converts the table form of a domain into libvirt domain XML.
---@param t table
---@return string xml
function M.to_xml(t)
    if type(t) ~= "table" then
        error("deftable: a domain definition must be a table, not a " .. type(t), 2)
    end
    check_keys(t, TOP_KEYS, "")
    local w = writer()
    local top = ""
    w.open(0, "domain", { { "type", scalar(t.type, "type", top) or "qemu" } })
    w.text(1, "name", nil, scalar(t.name, "name", top))
    w.text(1, "uuid", nil, scalar(t.uuid, "uuid", top))
    w.text(1, "title", nil, scalar(t.title, "title", top))
    w.text(1, "description", nil, scalar(t.description, "description", top))
    size_element(w, 1, "memory", t.memory, top)
    if t.current_memory ~= nil then
        local value, unit = M.split_size(scalar(t.current_memory, "current_memory", top))
        w.text(1, "currentMemory", { { "unit", unit } }, value)
    end
    if t.vcpus ~= nil or t.vcpus_current ~= nil then
        w.text(1, "vcpu", { { "placement", "static" }, { "current", scalar(t.vcpus_current, "vcpus_current", top) } },
            scalar(t.vcpus, "vcpus", top) or "1")
    end
    write_os(w, t.os or {}, top)

    local features = t.features
    if features == nil then
        features = { "acpi", "apic" } -- what ACPI power-off needs; as virt-install does
    end
    if type(features) ~= "table" then
        fail(top, "key 'features' must be a list such as {\"acpi\", \"apic\"}")
    end
    if #features > 0 then
        w.open(1, "features")
        for i, f in ipairs(features) do
            f = scalar(f, "features", top)
            if not f:match("^%a[%w_-]*$") then
                fail(top, fmt("features[%d] '%s' is not a feature name", i, f))
            end
            w.empty(2, f)
        end
        w.close(1, "features")
    end
    if t.cpu ~= nil then
        write_cpu(w, t.cpu, top)
    end
    if t.clock ~= nil then
        w.empty(1, "clock", { { "offset", scalar(t.clock, "clock", top) } })
    end
    w.text(1, "on_poweroff", nil, scalar(t.on_poweroff, "on_poweroff", top))
    w.text(1, "on_reboot", nil, scalar(t.on_reboot, "on_reboot", top))
    w.text(1, "on_crash", nil, scalar(t.on_crash, "on_crash", top))

    w.open(1, "devices")
    w.text(2, "emulator", nil, scalar(t.emulator, "emulator", top))
    write_disks(w, list_of_tables(t.disks, "disks"))
    write_nics(w, list_of_tables(t.nics, "nics"))
    if t.serial ~= nil then
        write_chardev(w, "serial", t.serial, top)
    end
    if t.console ~= nil then
        write_chardev(w, "console", t.console, top)
    end
    if boolean(t.guest_agent, "guest_agent", top) then
        w.open(2, "channel", { { "type", "unix" } })
        w.empty(3, "target", { { "type", "virtio" }, { "name", "org.qemu.guest_agent.0" } })
        w.close(2, "channel")
    end
    if t.inputs ~= nil then
        write_inputs(w, t.inputs, top)
    end
    if t.graphics ~= nil then
        write_graphics(w, t.graphics, top)
    end
    if t.video ~= nil then
        w.open(2, "video")
        w.empty(3, "model", { { "type", scalar(t.video, "video", top) } })
        w.close(2, "video")
    end
    if t.memballoon ~= nil then
        w.empty(2, "memballoon", { { "model", scalar(t.memballoon, "memballoon", top) } })
    end
    if t.rng ~= nil then
        local path = t.rng
        if path == true then
            path = "/dev/urandom"
        end
        if path ~= false then
            w.open(2, "rng", { { "model", "virtio" } })
            w.text(3, "backend", { { "model", "random" } }, scalar(path, "rng", top))
            w.close(2, "rng")
        end
    end
    w.close(1, "devices")
    w.close(0, "domain")
    return w.result()
end

return M
