-- Completion of pool names where a pool goes (pool-*, vol-list, --pool).
local cli = require "luvirt.cli"

describe("pool completion", function()
    local function c(line, word)
        word = word or line:match("(%S*)$")
        return cli.complete(line, #line - #word, #line)
    end
    it("offers the cached pool names", function()
        cli.set_completion_pools { "default", "images", "iso" }
        assert.same({ "images", "iso" }, c("pool-start i"))
        assert.same({ "default", "images", "iso" }, c("vol-list ", ""))
        assert.same({ "images" }, c("vol-info a.img --pool im"))
        assert.same({ "--pool" }, c("vol-info a.img --po"))
        cli.set_completion_pools {}
        assert.same({}, c("pool-info ", ""))
    end)
    it("lists the storage commands by prefix", function()
        assert.same({ "vol-create", "vol-create-as", "vol-create-from" }, c("vol-create"))
    end)
end)
