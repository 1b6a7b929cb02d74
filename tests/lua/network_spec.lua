-- The network API (luvirt.Network, conn:networks...): misuse and a driver
-- without networks.
local luvirt = require "luvirt"

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
