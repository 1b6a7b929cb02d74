local format = require "luvirt.format"

describe("format.table", function()
    it("lays out like virsh", function()
        assert.equals(" Id   Name   State\n----------------------\n 1    test   running\n\n",
            format.table({ "Id", "Name", "State" }, { { "1", "test", "running" } }))
        assert.equals(" Id   Name   State\n--------------------\n\n",
            format.table({ "Id", "Name", "State" }, {}))
        assert.equals(" Id   Name   State     Title\n------------------------------\n 1    test   running   \n\n",
            format.table({ "Id", "Name", "State", "Title" }, { { "1", "test", "running", "" } }))
    end)
end)

describe("format.fields", function()
    it("pads labels to 15 columns", function()
        assert.equals("Id:             1\nName:           test\n\n",
            format.fields { { "Id", 1 }, { "Skipped", nil }, { "Name", "test" } })
    end)
end)
