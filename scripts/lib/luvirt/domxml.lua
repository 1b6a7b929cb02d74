--- Reading the devices of a domain XML, for the commands that list them
--- (domblklist, domiflist, domblkinfo --all, vncdisplay, domdisplay).
--- The XML is what the driver formatted; luvirt.xpath reads it.
local xpath = require "luvirt.xpath"

local M = {}

local function attr(node, name)
    if not node then return nil end
    for _, a in ipairs(node.attrs) do
        if a.name == name then return a.value end
    end
    return nil
end
M.attr = attr

local function child(node, name)
    if not node then return nil end
    for _, c in ipairs(node.children) do
        if c.kind == "element" and c.name == name then return c end
    end
    return nil
end

local function devices(xml, kind)
    local ok, doc = pcall(xpath.parse, xml)
    if not ok then require("luvirt.cli").fail(doc, "XML") end
    return xpath.eval(doc, "/domain/devices/" .. kind)
end

-- where a <disk>'s data comes from, by its type (libvirt's virDomainDiskGetSource)
local SOURCE_ATTR = { file = "file", block = "dev", dir = "dir", volume = "volume", network = "name" }

--- The disks: a list of {type, device, target, bus, source} (source nil: none, an empty drive).
function M.disks(xml)
    local out = {}
    for _, d in ipairs(devices(xml, "disk")) do
        local dtype = attr(d, "type") or "file"
        local src = child(d, "source")
        local source = attr(src, SOURCE_ATTR[dtype] or "file")
        if dtype == "volume" and source then source = (attr(src, "pool") or "") .. "/" .. source end
        local target = child(d, "target")
        out[#out + 1] = { type = dtype, device = attr(d, "device") or "disk",
                          target = attr(target, "dev"), bus = attr(target, "bus"), source = source }
    end
    return out
end

-- where an <interface> is plugged, by its type (as virsh domiflist shows it)
local IF_SOURCE_ATTR = { network = "network", bridge = "bridge", direct = "dev", user = nil,
                         ethernet = nil, vhostuser = "path", hostdev = nil }

--- The interfaces: a list of {type, source, target, model, mac}.
function M.interfaces(xml)
    local out = {}
    for _, i in ipairs(devices(xml, "interface")) do
        local itype = attr(i, "type") or "user"
        local a = IF_SOURCE_ATTR[itype]
        out[#out + 1] = { type = itype, source = a and attr(child(i, "source"), a) or nil,
                          target = attr(child(i, "target"), "dev"),
                          model = attr(child(i, "model"), "type"),
                          mac = attr(child(i, "mac"), "address") }
    end
    return out
end

--- The graphics devices: a list of {type, port, tls_port, listen, autoport, passwd, socket}.
function M.graphics(xml)
    local out = {}
    for _, g in ipairs(devices(xml, "graphics")) do
        local listen = attr(g, "listen")
        local l = child(g, "listen")
        if not listen and l and attr(l, "type") == "address" then listen = attr(l, "address") end
        local socket = attr(g, "socket") or (l and attr(l, "type") == "socket" and attr(l, "socket"))
        out[#out + 1] = { type = attr(g, "type"), port = tonumber(attr(g, "port")),
                          tls_port = tonumber(attr(g, "tlsPort")), listen = listen,
                          autoport = attr(g, "autoport"), passwd = attr(g, "passwd"),
                          socket = socket or nil }
    end
    return out
end

return M
