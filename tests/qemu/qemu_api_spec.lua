-- The Lua API on a real qemu (started paused: no guest boot needed), over an
-- embed root: dom:qmp, dom:qemu_monitor_command, dom:stats, dom:wait_state and
-- lifecycle events of our own operations.
local luvirt = require "luvirt"

local guest = os.getenv("LUVIRT_GUEST_DIR") or ""
local have_guest = io.open(guest .. "/vmlinuz") ~= nil

describe("a paused qemu guest", function()
    local root, conn, dom
    setup(function()
        if not have_guest then return end
        root = os.tmpname()
        os.remove(root)
        root = root:gsub("^/tmp/lua_", "/tmp/lq")
        conn = assert(luvirt.open("qemu:///embed?root=" .. root))
        dom = assert(conn:define(([[<domain type='qemu'><name>q1</name>
<memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type>
<kernel>%s/vmlinuz</kernel><initrd>%s/initramfs.cpio.gz</initrd></os>
<devices><serial type='pty'/></devices></domain>]]):format(guest, guest)))
    end)
    teardown(function()
        if not conn then return end
        if dom:state() ~= "shutoff" then dom:destroy() end
        dom:undefine()
        conn:close()
    end)

    it("answers QMP, decoded and raw, and says what it does", function()
        if not have_guest then pending("no test guest") return end
        local seen = {}
        local sub = dom:on("lifecycle", function(_, event, detail)
            seen[#seen + 1] = event .. " " .. detail
        end)
        assert(dom:start{paused = true})
        assert.is_true(dom:wait_state("paused", 5000))
        local st = assert(dom:qmp("query-status"))
        assert.equal("prelaunch", st.status)
        assert.is_false(st.running)
        local list = assert(dom:qmp("qom-list", {path = "/machine"}))
        assert.is_table(list[1])
        local r, msg, code = dom:qmp("no-such-command")
        assert.is_nil(r)
        assert.equal("OPERATION_FAILED", code)
        assert.matches("CommandNotFound", msg)
        local raw = assert(dom:qemu_monitor_command('{"execute":"query-status","id":"x"}'))
        assert.matches('"id":"x"', raw, 1, true)
        assert.matches("VM status: paused",
                       assert(dom:qemu_monitor_command("info status", {hmp = true})))
        local s = assert(dom:stats{groups = {"state", "vcpu", "balloon"}})
        assert.equal(3, s["state.state"])
        assert.equal(1, s["vcpu.current"])
        assert.is_number(s["balloon.current"])
        local t = luvirt.spawn(function() return dom:wait_state("shutoff", 20000) end)
        assert(dom:destroy())
        assert.is_true(t:wait())
        luvirt.sleep(100)
        sub:cancel()
        assert.same({"started booted", "suspended paused", "stopped destroyed"}, seen)
    end)
end)
