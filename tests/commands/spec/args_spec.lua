local args = require "luvirt.args"

local cmd = {
    name = "demo",
    options = {
        { name = "domain", type = "domain", positional = true, required = true },
        { name = "count", type = "int" },
        { name = "xpath", type = "string" },
        { name = "paused", type = "bool" },
        { name = "rest", type = "argv" },
    },
    exclusive = { { "paused", "count" } },
}

local function usage_of(words)
    local ok, e = pcall(args.parse, cmd, words)
    assert.is_false(ok)
    assert.is_true(e.luvirt_usage)
    return e.msg
end

describe("args.parse", function()
    it("fills positionals, values and flags", function()
        local o = args.parse(cmd, { "web", "--xpath", "/a", "--paused", "x", "y" })
        assert.same({ domain = "web", xpath = "/a", paused = true, rest = { "x", "y" } }, o)
    end)
    it("accepts --opt=value and --domain NAME", function()
        local o = args.parse(cmd, { "--domain", "web", "--count=3" })
        assert.equals("web", o.domain)
        assert.equals(3, o.count)
    end)
    it("treats everything after -- as positional", function()
        local o = args.parse(cmd, { "--", "--web" })
        assert.equals("--web", o.domain)
    end)
    it("gives usage errors", function()
        assert.equals("command 'demo' doesn't support option --bogus", usage_of { "x", "--bogus" })
        assert.equals("command 'demo' requires <domain> option", usage_of {})
        assert.matches("expected an integer", usage_of { "x", "--count", "12 potatoes" })
        assert.matches("requires a value", usage_of { "x", "--xpath" })
        assert.matches("given twice", usage_of { "x", "--paused", "--paused" })
        assert.matches("mutually exclusive", usage_of { "x", "--paused", "--count", "1" })
        assert.matches("takes no value", usage_of { "x", "--paused=1" })
    end)
    it("takes --help and --json on every command", function()
        assert.is_true(args.parse(cmd, { "--help" }).help)
        assert.is_true(args.parse(cmd, { "x", "--json" }).json)
    end)
end)

describe("args.expect", function()
    it("knows what the next word is", function()
        assert.equals("domain", args.expect(cmd, {}, 1).option.name)
        assert.equals("xpath", args.expect(cmd, { "web", "--xpath" }, 3).option.name)
        assert.equals("rest", args.expect(cmd, { "web" }, 2).option.name)
    end)
end)
