local storagexml = require "luvirt.storagexml"
local su = require "luvirt.storageutil"

describe("storagexml.pool_xml", function()
    it("writes a dir pool with its target", function()
        assert.equals("<pool type='dir'>\n  <name>images</name>\n  <target>\n"
            .. "    <path>/srv/images</path>\n  </target>\n</pool>\n",
            storagexml.pool_xml { name = "images", type = "dir", target = "/srv/images" })
    end)
    it("writes the source of an fs or logical pool and escapes text", function()
        local xml = storagexml.pool_xml { name = "a&b", type = "fs", target = "/mnt/x",
            source = { device = "/dev/loop0", format = "ext4" } }
        assert.matches("<name>a&amp;b</name>", xml, 1, true)
        assert.matches("    <device path='/dev/loop0'/>\n    <format type='ext4'/>\n", xml, 1, true)
        xml = storagexml.pool_xml { name = "vg", type = "logical", source = { name = "vg0" } }
        assert.matches("<source>\n    <name>vg0</name>\n  </source>", xml, 1, true)
        assert.not_matches("<target>", xml, 1, true)
    end)
    it("leaves out an empty source", function()
        assert.not_matches("source", storagexml.pool_xml { name = "p", type = "dir", source = {} })
    end)
    it("refuses unknown keys and missing name or type", function()
        assert.has_error(function() storagexml.pool_xml { name = "p", type = "dir", colour = 1 } end,
            "pool definition: unknown key 'colour'")
        assert.has_error(function() storagexml.pool_xml { type = "dir" } end)
        assert.has_error(function() storagexml.pool_xml { name = "p" } end)
        assert.has_error(function() storagexml.pool_xml { name = "p", type = "dir", source = { x = 1 } } end)
    end)
end)

describe("storagexml.volume_xml", function()
    it("writes sizes in bytes from integers and size strings", function()
        assert.equals("<volume>\n  <name>v.img</name>\n"
            .. "  <capacity unit='bytes'>10737418240</capacity>\n"
            .. "  <allocation unit='bytes'>1048576</allocation>\n"
            .. "  <target>\n    <format type='raw'/>\n  </target>\n</volume>\n",
            storagexml.volume_xml { name = "v.img", capacity = "10G", allocation = 1048576,
                                    format = "raw" })
    end)
    it("writes a backing store from a path or a table", function()
        local xml = storagexml.volume_xml { name = "o", capacity = 1, format = "qcow2",
                                            backing = "/b.img", backing_format = "raw" }
        assert.matches("<backingStore>\n    <path>/b.img</path>\n    <format type='raw'/>\n"
            .. "  </backingStore>", xml, 1, true)
        xml = storagexml.volume_xml { name = "o", capacity = 1, backing = { path = "/b.qcow2" } }
        assert.matches("<path>/b.qcow2</path>\n  </backingStore>", xml, 1, true)
    end)
    it("refuses a missing or bad capacity and unknown keys", function()
        assert.has_error(function() storagexml.volume_xml { name = "v" } end,
            "volume definition: capacity is required")
        assert.has_error(function() storagexml.volume_xml { name = "v", capacity = "12 potatoes" } end)
        assert.has_error(function() storagexml.volume_xml { name = "v", capacity = -1 } end)
        assert.has_error(function() storagexml.volume_xml { name = "v", capacity = 1, size = 2 } end)
    end)
end)

describe("storageutil", function()
    it("prints capacities as virsh's storage commands do", function()
        assert.equals("0.00 B", su.capacity(0))
        assert.equals("1023.00 B", su.capacity(1023))
        assert.equals("196.00 KiB", su.capacity(196 * 1024))
        assert.equals("10.00 GiB", su.capacity(10 * 1024 ^ 3))
        assert.equals("1.50 MiB", su.capacity(1536 * 1024))
    end)
    it("reads '-' as an absent pool-define-as argument", function()
        local def = su.pool_def { name = "p", type = "dir", ["source-host"] = "-", target = "/x" }
        assert.equals("/x", def.target)
        assert.is_nil(def.source.host)
    end)
end)
