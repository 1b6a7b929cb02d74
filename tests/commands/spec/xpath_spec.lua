local xpath = require "luvirt.xpath"

local xml = [[<domain type='test' id='1'>
  <name>test</name>
  <!-- a comment -->
  <devices>
    <disk type='file' device='disk'><source file='/a.img'/><target dev='vda'/></disk>
    <disk type='file' device='cdrom'><source file='/b&amp;c.iso'/><target dev='sda'/></disk>
  </devices>
</domain>
]]

describe("xpath", function()
    local doc = xpath.parse(xml)
    local function q(e)
        local r = xpath.eval(doc, e)
        if type(r) == "string" then return r end
        local out = {}
        for i, n in ipairs(r) do out[i] = xpath.serialize(doc, n) end
        return out
    end
    it("selects elements, attributes and text", function()
        assert.same({ "<name>test</name>" }, q("/domain/name"))
        assert.same({ "test" }, q("/domain/name/text()"))
        assert.same({ ' file="/a.img"', ' file="/b&amp;c.iso"' }, q("//disk/source/@file"))
        assert.same({ ' id="1"' }, q("/domain/@id"))
        assert.same({ ' dev="sda"' }, q("//disk[@device='cdrom']/target/@dev"))
        assert.same({ ' dev="sda"' }, q("//disk[2]/target/@dev"))
        assert.same({ ' dev="sda"' }, q("//disk[last()]/target/@dev"))
        assert.same({}, q("//nosuch"))
        assert.equals("2", q("count(//disk)"))
        assert.equals("/b&c.iso", q("string(//disk[2]/source/@file)"))
        assert.same({ "<name>test</name>" }, q("/domain/*[1]"))
    end)
    it("rejects what it does not support", function()
        assert.has_error(function() xpath.eval(doc, "sum(//x)") end)
        assert.has_error(function() xpath.eval(doc, "///") end)
    end)
    it("refuses malformed XML", function()
        assert.has_error(function() xpath.parse("<a><b></a>") end)
        assert.has_error(function() xpath.parse("<a>") end)
    end)
end)
