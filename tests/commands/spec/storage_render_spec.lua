-- The storage commands' layouts from fixed data (sizes of a live pool depend
-- on the host's file system, so the transcripts cannot pin them), and the
-- progress bar, which only a terminal gets.
local commands = require "luvirt.commands"
local su = require "luvirt.storageutil"

local GiB = 1024 ^ 3

local pool_active = { name = "default", uuid = "6f5a3c2e-0000-4000-8000-000000000001", type = "dir",
                      state = "running", active = true, persistent = true, autostart = true,
                      capacity = 100 * GiB, allocation = 40 * GiB, available = 60 * GiB }
local pool_inactive = { name = "spare", uuid = "6f5a3c2e-0000-4000-8000-000000000002", type = "dir",
                        state = "inactive", active = false, persistent = true, autostart = false,
                        capacity = 0, allocation = 0, available = 0 }

describe("pool-info", function()
    local render = commands.get("pool-info").render
    it("prints sizes of an active pool", function()
        assert.equals("Name:           default\n"
            .. "UUID:           6f5a3c2e-0000-4000-8000-000000000001\n"
            .. "State:          running\n"
            .. "Persistent:     yes\n"
            .. "Autostart:      yes\n"
            .. "Capacity:       100.00 GiB\n"
            .. "Allocation:     40.00 GiB\n"
            .. "Available:      60.00 GiB\n\n", render(pool_active))
    end)
    it("prints bytes with --bytes", function()
        assert.matches("Capacity:       107374182400\nAllocation:     42949672960\n"
            .. "Available:      64424509440\n", render(pool_active, nil, { bytes = true }), 1, true)
    end)
    it("prints no sizes for an inactive pool", function()
        assert.not_matches("Capacity", render(pool_inactive))
    end)
end)

describe("pool-list", function()
    local render = commands.get("pool-list").render
    it("lays out the short list", function()
        assert.equals(" Name      State      Autostart\n"
            .. "---------------------------------\n"
            .. " default   active     yes\n"
            .. " spare     inactive   no\n\n", render({ pool_active, pool_inactive }, nil, {}))
    end)
    it("lays out --details with '-' for an inactive pool's sizes", function()
        assert.equals(" Name      State      Autostart   Persistent   Capacity     Allocation   Available\n"
            .. "------------------------------------------------------------------------------------\n"
            .. " default   running    yes         yes          100.00 GiB   40.00 GiB    60.00 GiB\n"
            .. " spare     inactive   no          yes          -            -            -\n\n",
            render({ pool_active, pool_inactive }, nil, { details = true }))
    end)
    it("prints names or uuids only", function()
        assert.equals("default\nspare\n\n", render({ pool_active, pool_inactive }, nil, { name = true }))
    end)
end)

describe("vol-info and vol-list", function()
    local vol = { name = "a.qcow2", path = "/p/a.qcow2", type = "file", capacity = 10 * GiB,
                  allocation = 196 * 1024, physical = 200704 }
    it("prints vol-info like virsh", function()
        local render = commands.get("vol-info").render
        assert.equals("Name:           a.qcow2\nType:           file\n"
            .. "Capacity:       10.00 GiB\nAllocation:     196.00 KiB\n\n", render(vol, nil, {}))
        assert.equals("Name:           a.qcow2\nType:           file\n"
            .. "Capacity:       10737418240 bytes\nPhysical:       200704 bytes\n\n",
            render(vol, nil, { bytes = true, physical = true }))
    end)
    it("prints vol-list and --details", function()
        local render = commands.get("vol-list").render
        assert.equals(" Name      Path\n-----------------------\n a.qcow2   /p/a.qcow2\n\n",
            render({ vol }, nil, {}))
        assert.matches(" a.qcow2   /p/a.qcow2   file   10.00 GiB   196.00 KiB\n",
            render({ vol }, nil, { details = true }), 1, true)
    end)
end)

describe("the progress bar", function()
    local luvirt = require "luvirt"
    local real_isatty, real_stderr = luvirt.isatty, io.stderr
    local written
    before_each(function()
        written = {}
        io.stderr = { write = function(self, ...) for _, s in ipairs { ... } do written[#written + 1] = s end return self end,
                      flush = function() end }
    end)
    after_each(function()
        luvirt.isatty, io.stderr = real_isatty, real_stderr
    end)
    it("draws percentages on a terminal and ends the line", function()
        luvirt.isatty = function() return true end
        local draw, finish = su.progress({ quiet = false }, "Upload")
        draw(0, 200)
        draw(50, 200)
        draw(51, 200) -- same percentage: not drawn again
        finish(true)
        assert.equals("\rUpload: [  0 %]\rUpload: [ 25 %]\rUpload: [100 %]\n", table.concat(written))
    end)
    it("draws nothing when stderr is not a terminal, or with -q", function()
        luvirt.isatty = function() return false end
        local draw = su.progress({ quiet = false }, "Upload")
        assert.is_nil(draw)
        luvirt.isatty = function() return true end
        assert.is_nil((su.progress({ quiet = true }, "Upload")))
        assert.equals("", table.concat(written))
    end)
end)
