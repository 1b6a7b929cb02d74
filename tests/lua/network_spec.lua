-- The network API (luvirt.Network, conn:networks...): misuse, a driver
-- without networks, and inactive networks on an embedded qemu root (nothing
-- on the host network is touched: no network is started here).
local luvirt = require "luvirt"

local NET_XML = [[
<network>
  <name>%s</name>
  <uuid>%s</uuid>
  <forward mode='nat'/>
  <bridge name='%s'/>
  <ip address='%s' netmask='255.255.255.0'>
    <dhcp>
      <range start='%s' end='%s'/>
    </dhcp>
  </ip>
</network>
]]

local function net_xml(name, uuid, bridge, subnet)
    return NET_XML:format(name, uuid, bridge, subnet .. ".1", subnet .. ".100", subnet .. ".200")
end

describe("the network API on a driver without networks", function()
    local conn
    before_each(function() conn = assert(luvirt.open("test:///default")) end)
    after_each(function() conn:close() end)

    it("fails with NO_SUPPORT, naming the driver", function()
        local r, msg, code = conn:networks()
        assert.is_nil(r)
        assert.equal("NO_SUPPORT", code)
        assert.matches("test driver", msg)
        r, msg, code = conn:network("default")
        assert.is_nil(r)
        assert.equal("NO_SUPPORT", code)
        r, _, code = conn:define_network("<network><name>x</name></network>")
        assert.is_nil(r)
        assert.equal("NO_SUPPORT", code)
    end)

    it("raises on misuse", function()
        assert.has_error(function() conn:networks{running = true} end, "unknown option 'running'")
        assert.has_error(function() conn:network() end)
        assert.has_error(function() conn:network("x", {by = "id"}) end)
        assert.has_error(function() conn:define_network({name = "x"}) end)
        assert.has_error(function() conn:on("network-lifecycle", "not a function") end)
    end)
end)

describe("networks on an embedded root", function()
    local root, conn
    local U1 = "0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c11"
    local U2 = "0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c12"

    before_each(function()
        root = os.tmpname() .. ".d"
        conn = assert(luvirt.open("qemu:///embed?root=" .. root))
    end)
    after_each(function()
        conn:close()
        luvirt.run_interactive { "rm", "-rf", root }
    end)

    it("defines, lists, looks up, describes and undefines", function()
        local a = assert(conn:define_network(net_xml("lvt-b", U2, "lvtbr2", "10.231.2")))
        local b = assert(conn:define_network(net_xml("lvt-a", U1, "lvtbr1", "10.231.1")))
        assert.equal("lvt-b", a:name())
        assert.equal(U1, b:uuid())
        assert.equal("luvirt.Network (lvt-a)", tostring(b))

        local names = {}
        for i, n in ipairs(assert(conn:networks())) do names[i] = n:name() end
        assert.same({ "lvt-a", "lvt-b" }, names)
        assert.same({}, assert(conn:networks{active = true}))
        assert.equal(2, #assert(conn:networks{inactive = true}))
        local infos = assert(conn:network_infos())
        assert.equal("lvt-a", infos[1].name)

        assert.equal(b, assert(conn:network("lvt-a")))
        assert.equal(b, assert(conn:network(U1)))
        assert.equal(b, assert(conn:network(U1, {by = "uuid"})))
        local r, _, code = conn:network(U1, {by = "name"})
        assert.is_nil(r)
        assert.equal("NO_NETWORK", code)
        r, _, code = conn:network("nosuch")
        assert.is_nil(r)
        assert.equal("NO_NETWORK", code)

        local info = assert(b:info())
        assert.same({ name = "lvt-a", uuid = U1, active = false, persistent = true,
                      autostart = false, bridge = info.bridge, forward = "nat" }, info)
        assert.matches("<name>lvt%-a</name>", assert(b:xml()))
        assert.matches("<name>lvt%-a</name>", assert(b:xml{inactive = true}))

        assert.is_true(assert(a:undefine()))
        r, _, code = conn:network("lvt-b")
        assert.is_nil(r)
        assert.equal("NO_NETWORK", code)
        assert.equal(1, #assert(conn:networks()))
    end)

    it("keeps definitions and autostart across connections", function()
        local n = assert(conn:define_network(net_xml("lvt-a", U1, "lvtbr1", "10.231.1")))
        assert.is_true(assert(n:set_autostart(true)))
        assert.is_true(assert(n:info()).autostart)
        local other = assert(luvirt.open("qemu:///embed?root=" .. root))
        local seen = assert(other:network("lvt-a"))
        assert.is_true(assert(seen:info()).autostart)
        assert(seen:set_autostart(false))
        assert.is_false(assert(n:info()).autostart)
        other:close()
        assert.has_error(function() seen:info() end, "attempt to use a closed connection")
    end)

    it("refuses bad XML with the XML code and defines nothing", function()
        local r, msg, code = conn:define_network("<network><name>lvt-bad</name>")
        assert.is_nil(r)
        assert.equal("XML", code)
        assert.is_string(msg)
        assert.same({}, assert(conn:networks()))
    end)

    it("reports define and undefine to net:on and conn:on('network-lifecycle')", function()
        local seen, mine = {}, {}
        local all = conn:on("network-lifecycle", function(net, event)
            seen[#seen + 1] = net:name() .. " " .. event
        end)
        local n = assert(conn:define_network(net_xml("lvt-a", U1, "lvtbr1", "10.231.1")))
        -- deliveries run on the next loop turn, to whoever is subscribed then:
        -- let this one go by before subscribing to the network alone
        luvirt.sleep(0)
        local sub = n:on("lifecycle", function(net, event)
            -- a handler runs as a task: it may call the API and wait
            mine[#mine + 1] = event .. " " .. tostring(net:info() == nil)
        end)
        assert(conn:define_network(net_xml("lvt-b", U2, "lvtbr2", "10.231.2")))
        assert(n:undefine())
        -- until the handlers' tasks are done (generous: a loaded machine is slow)
        for _ = 1, 1000 do
            if #seen >= 3 and #mine >= 1 then break end
            luvirt.sleep(10)
        end
        all:cancel()
        sub:cancel()
        assert.is_false(sub:active())
        assert.same({ "lvt-a defined", "lvt-b defined", "lvt-a undefined" }, seen)
        -- the net:on subscription saw only its own network, after it subscribed
        assert.same({ "undefined true" }, mine)
    end)

    it("keeps domain and network subscriptions of one connection apart", function()
        local doms, nets = {}, {}
        local dsub = conn:on("lifecycle", function(dom, event, detail)
            doms[#doms + 1] = ("%s %s %s"):format(dom:name(), event, detail)
        end)
        local nsub = conn:on("network-lifecycle", function(net, event)
            nets[#nets + 1] = net:name() .. " " .. event
        end)
        assert.equal("luvirt.Subscription (active)", tostring(dsub))
        assert.equal("luvirt.NetworkSubscription (active)", tostring(nsub))
        -- until the handlers' tasks are done (generous: a loaded machine is slow)
        local function until_seen(list, count)
            for _ = 1, 1000 do
                if #list >= count then return end
                luvirt.sleep(10)
            end
        end
        local n = assert(conn:define_network(net_xml("lvt-a", U1, "lvtbr1", "10.231.1")))
        local d = assert(conn:define([[<domain type='qemu'><name>lvt-dom</name>
<memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>
</domain>]]))
        -- the qemu driver sees domains change in its files: a define and an
        -- undefine within one look would show no change at all
        until_seen(doms, 1)
        assert(n:undefine())
        assert(d:undefine())
        until_seen(doms, 2)
        until_seen(nets, 2)
        -- the network subscription goes on alone once the domain one is cancelled
        dsub:cancel()
        assert.equal("luvirt.Subscription (cancelled)", tostring(dsub))
        assert(conn:define_network(net_xml("lvt-b", U2, "lvtbr2", "10.231.2")))
        until_seen(nets, 3)
        nsub:cancel()
        assert.is_false(nsub:active())
        assert.same({ "lvt-dom defined added", "lvt-dom undefined removed" }, doms)
        assert.same({ "lvt-a defined", "lvt-a undefined", "lvt-b defined" }, nets)
    end)

    it("raises on misuse of Network methods", function()
        local n = assert(conn:define_network(net_xml("lvt-a", U1, "lvtbr1", "10.231.1")))
        assert.has_error(function() n:xml{live = true} end, "unknown option 'live'")
        assert.has_error(function() n:destroy{graceful = true} end, "unknown option 'graceful'")
        assert.has_error(function() n:set_autostart("yes") end)
        assert.has_error(function() n:update("append", "ip-dhcp-host", "<host/>") end)
        assert.has_error(function() n:update("add", "ip-dhcp-host", "<host/>", {parent_index = -2}) end)
        assert.has_error(function() n:leases{ip = "1.2.3.4"} end, "unknown option 'ip'")
        assert.has_error(function() n:on("metadata-change", function() end) end)
    end)
end)
