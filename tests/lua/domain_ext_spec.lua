-- The domain API beyond the basics, against the test driver: shutdown waits,
-- QMP passthrough refusals, stats, events, console.
local luvirt = require "luvirt"

describe("a test:///default domain", function()
    local conn, dom
    before_each(function()
        conn = assert(luvirt.open("test:///default"))
        dom = assert(conn:domain("test"))
        if dom:state() ~= "running" then assert(dom:start()) end
    end)
    after_each(function()
        if dom:state() ~= "running" then dom:start() end
        conn:close()
    end)

    it("shuts down and waits, with or without a timeout", function()
        assert.is_true(dom:shutdown{wait = true})
        assert.equal("shutoff", (dom:state()))
        assert(dom:start())
        assert.is_true(dom:shutdown{timeout = 5})
        assert.equal("shutoff", (dom:state()))
        assert(dom:start())
        assert.is_true(dom:shutdown())
    end)

    it("refuses bad shutdown options", function()
        assert.has_error(function() dom:shutdown{timeout = 0} end)
        assert.has_error(function() dom:shutdown{timeout = "x"} end)
        assert.has_error(function() dom:shutdown{mode = "acpi"} end)
    end)

    it("has no QEMU monitor", function()
        local r, msg, code = dom:qmp("query-status")
        assert.is_nil(r)
        assert.equal("NO_SUPPORT", code)
        assert.matches("not supported by the test driver", msg)
        r, msg, code = dom:qemu_monitor_command('{"execute":"query-status"}', {hmp = false})
        assert.is_nil(r)
        assert.equal("NO_SUPPORT", code)
        assert.has_error(function() dom:qemu_monitor_command("info status", {bogus = true}) end)
        assert.has_error(function() dom:qmp("x", "notatable") end)
    end)
end)

describe("stats of a test:///default domain", function()
    local conn, dom
    before_each(function()
        conn = assert(luvirt.open("test:///default"))
        dom = assert(conn:domain("test"))
    end)
    after_each(function() conn:close() end)

    it("come as one flat table with virsh's keys", function()
        local s = assert(dom:stats())
        assert.equal(1, s["state.state"])
        assert.is_number(s["cpu.time"])
        assert.equal(2097152, s["balloon.current"])
        assert.equal(2, s["vcpu.current"])
        assert.equal(1, s["block.count"])
        assert.equal("vda", s["block.0.name"])
        assert.is_number(s["block.0.rd.reqs"])
        assert.equal(1, s["net.count"])
        assert.is_string(s["net.0.name"])
        local only = assert(dom:stats{groups = {"state", "vcpu"}})
        assert.is_nil(only["cpu.time"])
        assert.equal(2, only["vcpu.maximum"])
        assert.has_error(function() dom:stats{groups = {"nope"}} end)
        assert.has_error(function() dom:stats{groups = {}} end)
    end)

    it("give memory stats and block info", function()
        local m = assert(dom:memory_stats())
        assert.equal(2097152, m.actual)
        assert.is_number(m.rss)
        local b = assert(dom:block_info("vda"))
        assert.is_true(b.capacity >= b.allocation)
        assert.is_number(b.physical)
        local r, msg, code = dom:block_info("hdz")
        assert.is_nil(r)
        assert.equal("INVALID_ARG", code)
        assert.matches("hdz", msg)
    end)
end)

describe("lifecycle events on test:///default", function()
    local conn
    local function xml(name)
        return ([[<domain type='test'><name>%s</name><memory unit='MiB'>64</memory>
<vcpu>1</vcpu><os><type>hvm</type></os></domain>]]):format(name)
    end
    before_each(function() conn = assert(luvirt.open("test:///default")) end)
    after_each(function()
        local d = conn:domain("ev1")
        if d then
            if d:state() ~= "shutoff" then d:destroy() end
            d:undefine()
        end
        conn:close()
    end)

    it("arrive as new tasks, in order, for every change", function()
        local seen, calls = {}, 0
        local sub = conn:on("lifecycle", function(dom, event, detail)
            seen[#seen + 1] = dom:name() .. " " .. event .. " " .. detail
            -- a handler may call the API: it runs as its own task
            calls = calls + 1
            dom:state()
        end)
        local dom = assert(conn:define(xml("ev1")))
        assert(dom:start())
        assert(dom:suspend())
        assert(dom:resume())
        assert(dom:reboot())
        assert(dom:shutdown())
        assert(dom:start{paused = true})
        assert(dom:destroy())
        assert(dom:rename("ev2"))
        assert(dom:rename("ev1"))
        assert(dom:undefine())
        luvirt.sleep(10)
        sub:cancel()
        assert.same({
            "ev1 defined added", "ev1 started booted", "ev1 suspended paused",
            "ev1 resumed unpaused", "ev1 reboot ", "ev1 shutdown finished",
            "ev1 stopped shutdown", "ev1 started booted", "ev1 suspended paused",
            "ev1 stopped destroyed", "ev1 undefined renamed", "ev2 defined renamed",
            "ev2 undefined renamed", "ev1 defined renamed", "ev1 undefined removed",
        }, seen)
        assert.is_false(sub:active())
        assert.equal(15, calls)
        -- cancelled: nothing more
        assert(conn:define(xml("ev1")))
        luvirt.sleep(10)
        assert.equal(15, #seen)
    end)

    it("dom:on sees only its domain; cancel stops it", function()
        local dom = assert(conn:define(xml("ev1")))
        local test = assert(conn:domain("test"))
        local seen = {}
        local sub = dom:on("lifecycle", function(d, event) seen[#seen + 1] = d:name() .. " " .. event end)
        assert(test:suspend())
        assert(test:resume())
        assert(dom:start())
        luvirt.sleep(5)
        sub:cancel()
        assert(dom:destroy())
        luvirt.sleep(5)
        assert.same({"ev1 started"}, seen)
        assert.has_error(function() dom:on("nope", function() end) end)
        assert.has_error(function() dom:on("lifecycle", "notafunction") end)
    end)

    it("wait_state returns at once, on a change, or times out", function()
        local dom = assert(conn:define(xml("ev1")))
        assert.is_true(dom:wait_state("shutoff"))
        local t = luvirt.spawn(function() return dom:wait_state("running", 5000) end)
        luvirt.sleep(5)
        assert.equal("waiting", t:status())
        assert(dom:start())
        assert.is_true(t:wait())
        local ok, msg, code = dom:wait_state("paused", 30)
        assert.is_nil(ok)
        assert.equal("TIMEOUT", code)
        assert.matches("timed out after 30 ms", msg)
        assert.has_error(function() dom:wait_state("sideways") end)
        -- a cancelled waiter goes away cleanly
        local t2 = luvirt.spawn(function() return dom:wait_state("paused") end)
        luvirt.sleep(5)
        t2:cancel()
        assert.equal("cancelled", t2:status())
    end)

    it("closing the connection ends its subscriptions", function()
        local c2 = assert(luvirt.open("test:///default"))
        local n = 0
        local sub = c2:on("lifecycle", function() n = n + 1 end)
        c2:close()
        assert.is_false(sub:active())
        assert(conn:define(xml("ev1")))
        luvirt.sleep(5)
        assert.equal(0, n)
    end)
end)

describe("the test driver's console", function()
    it("is not supported", function()
        local conn = assert(luvirt.open("test:///default"))
        local dom = assert(conn:domain("test"))
        local ok, msg, code = dom:console()
        assert.is_nil(ok)
        assert.equal("NO_SUPPORT", code)
        assert.matches("console", msg)
        assert.has_error(function() dom:console{escape = "abc"} end)
        assert.has_error(function() dom:console{bogus = 1} end)
        ok, msg, code = dom:console_log()
        assert.is_nil(ok)
        assert.equal("NO_SUPPORT", code)
        conn:close()
    end)
end)

describe("domxml_to_native", function()
    it("gives the qemu argv start would run, TAP fds as placeholders", function()
        local root = os.tmpname()
        os.remove(root)
        local conn = assert(luvirt.open("qemu:///embed?root=" .. root))
        local xml = [[<domain type='qemu'><name>n1</name><memory unit='MiB'>128</memory>
<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>
<interface type='bridge'><source bridge='br0'/><model type='virtio'/></interface>
<interface type='user'/></devices></domain>]]
        local text = assert(conn:domxml_to_native("qemu-argv", xml))
        assert.matches("^qemu%-system%-x86_64 ", text)
        assert.matches("%-name guest=n1", text)
        assert.matches("%-netdev tap,fd=TAPFD0,id=hostnet0", text)
        assert.matches("%-netdev user,id=hostnet1", text)
        assert.matches("-pidfile " .. root .. "/run/n1.pid", text, 1, true)
        local caps, err = conn:capabilities()
        if caps then -- qemu is installed
            assert.matches("<domain type='qemu'/>", caps, 1, true)
            assert.matches("<machine canonical='[^']+'>pc</machine>", caps)
            assert.matches("<emulator>/[^<]*qemu%-system%-x86_64</emulator>", caps)
            assert.equal(caps, conn:capabilities()) -- cached machine list
        else
            assert.matches("qemu", err)
        end
        local r, msg, code = conn:domxml_to_native("xen-xm", xml)
        assert.is_nil(r)
        assert.equal("INVALID_ARG", code)
        assert.matches("qemu%-argv", msg)
        r, msg, code = conn:domxml_to_native("qemu-argv", "<domain")
        assert.equal("XML", code)
        conn:close()
        local t = assert(luvirt.open("test:///default"))
        r, msg, code = t:domxml_to_native("qemu-argv", xml)
        assert.equal("NO_SUPPORT", code)
        t:close()
        for _, sub in ipairs{"config/autostart", "config", "run", "images", "log", ""} do
            os.remove(root .. "/" .. sub)
        end
    end)
end)
