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
