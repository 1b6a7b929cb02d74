-- The storage API (luvirt.Pool, luvirt.Volume) against the qemu driver's
-- local storage in an embedded root: a dir pool, raw and qcow2 volumes made
-- by the real qemu-img, transfers with progress. Sizes are fixed so every
-- number is exact.
local luvirt = require "luvirt"

local MiB = 1024 * 1024

local function have_qemu_img()
    for dir in (os.getenv("PATH") or "/usr/bin:/bin"):gmatch("[^:]+") do
        local f = io.open(dir .. "/qemu-img", "r")
        if f then f:close() return true end
    end
    return false
end

local function write_file(path, data)
    local f = assert(io.open(path, "wb"))
    f:write(data)
    f:close()
end

local function read_file(path)
    local f = assert(io.open(path, "rb"))
    local d = f:read("a")
    f:close()
    return d
end

local function contains(list, fn)
    for _, v in ipairs(list) do if fn(v) then return true end end
    return false
end

if not have_qemu_img() then
    io.stderr:write("SKIP: qemu-img is not installed (Debian: qemu-utils)\n")
    os.exit(77)
end

describe("storage in qemu:///embed", function()
    local root, conn, pool

    setup(function()
        root = os.tmpname()
        os.remove(root)
        conn = assert(luvirt.open("qemu:///embed?root=" .. root))
        pool = assert(conn:define_pool { name = "spec", type = "dir", target = root .. "/spec-pool" })
        assert(pool:build())
        assert(pool:start())
    end)

    teardown(function()
        -- whatever a failed test left: the scratch root goes in any case
        if conn then
            pcall(function()
                for _, p in ipairs(conn:pools() or {}) do
                    local info = p:info()
                    if info and info.active then p:destroy() end
                    if info and info.persistent then p:undefine() end
                end
            end)
            conn:close()
        end
        luvirt.run_interactive { "rm", "-rf", root }
    end)

    it("defines, lists and looks pools up by name and uuid", function()
        assert.equal("spec", pool:name())
        local info = assert(pool:info())
        assert.equal("dir", info.type)
        assert.equal(root .. "/spec-pool", info.target)
        assert.equal("running", info.state)
        assert.is_true(info.active)
        assert.is_true(info.persistent)
        assert.is_false(info.autostart)
        assert.is_true(info.capacity > 0)
        assert(conn:pool("spec") == pool)
        assert(conn:pool(pool:uuid(), { by = "uuid" }) == pool)
        assert.truthy(contains(conn:pools(), function(p) return p:name() == "spec" end))
        assert.truthy(contains(conn:pool_infos { active = true }, function(i) return i.name == "spec" end))
        assert.falsy(contains(conn:pool_infos { inactive = true }, function(i) return i.name == "spec" end))
        local r, msg, code = conn:pool("nosuch")
        assert.is_nil(r)
        assert.equal("NO_POOL", code)
        assert.matches("nosuch", msg)
    end)

    it("round-trips pool XML and toggles autostart", function()
        local xml = assert(pool:xml())
        assert.matches("<pool type='dir'>", xml, 1, true)
        assert.matches("<name>spec</name>", xml, 1, true)
        assert.matches(root .. "/spec-pool", xml, 1, true)
        assert.matches("<name>spec</name>", assert(pool:xml { inactive = true }), 1, true)
        assert.is_true(pool:set_autostart(true))
        assert.is_true(pool:info().autostart)
        assert.is_true(pool:set_autostart(false))
        assert.is_false(pool:info().autostart)
    end)

    it("creates raw and qcow2 volumes of exact sizes through qemu-img", function()
        local raw = assert(pool:create_volume { name = "a.img", capacity = 4 * MiB, format = "raw" })
        local q = assert(pool:create_volume { name = "b.qcow2", capacity = "8M", format = "qcow2" })
        local i = assert(raw:info())
        assert.equal("a.img", i.name)
        assert.equal("spec", i.pool)
        assert.equal("file", i.type)
        assert.equal("raw", i.format)
        assert.equal(4 * MiB, i.capacity)
        assert.equal(root .. "/spec-pool/a.img", i.path)
        assert.equal(i.path, raw:path())
        assert.equal(i.path, raw:key())
        i = assert(q:info())
        assert.equal("qcow2", i.format)
        assert.equal(8 * MiB, i.capacity)
        assert(raw:pool() == pool)
        assert(conn:volume_by_path(root .. "/spec-pool/b.qcow2") == q)
        assert(conn:volume_by_key(q:key()) == q)
        assert(pool:volume("a.img") == raw)
        local names = {}
        for _, v in ipairs(pool:volumes()) do names[#names + 1] = v:name() end
        assert.same({ "a.img", "b.qcow2" }, names)
        local infos = pool:volume_infos()
        assert.equal(2, #infos)
        assert.equal(4 * MiB, infos[1].capacity)
        assert.matches("<capacity unit='bytes'>8388608</capacity>", assert(q:xml()), 1, true)
    end)

    it("makes a qcow2 overlay on a backing volume", function()
        local base = assert(pool:volume("a.img"))
        local o = assert(pool:create_volume { name = "o.qcow2", capacity = 4 * MiB, format = "qcow2",
                                               backing = { path = base:path(), format = "raw" } })
        local i = assert(o:info())
        assert.equal(base:path(), i.backing_path)
        assert.equal("raw", i.backing_format)
        assert(o:delete())
    end)

    it("refuses bad volume names and an existing name, leaving nothing", function()
        for _, bad in ipairs { "../x", "a/b", "..", ".hidden" } do
            local r, msg, code = pool:create_volume { name = bad, capacity = MiB }
            assert.is_nil(r)
            assert.equal("INVALID_ARG", code)
            assert.truthy(msg)
        end
        local r, _, code = pool:create_volume { name = "a.img", capacity = MiB }
        assert.is_nil(r)
        assert.truthy(code)
        assert.equal(2, #pool:volumes())
    end)

    it("shows a failing qemu-img's message and leaves no half-made image", function()
        local before = assert(luvirt.listdir(root .. "/spec-pool"))
        local r, msg = pool:create_volume { name = "bad.qcow2", capacity = MiB, format = "qcow2",
                                             backing = { path = "/nonexistent/base.img", format = "qcow2" } }
        assert.is_nil(r)
        assert.matches("qemu%-img", msg)
        assert.matches("/nonexistent/base.img", msg, 1, true)
        assert.same(before, assert(luvirt.listdir(root .. "/spec-pool")))
        assert.is_nil((pool:volume("bad.qcow2")))
    end)

    it("uploads and downloads with progress reports", function()
        local vol = assert(pool:volume("a.img"))
        local src = root .. "/upload.bin"
        local data = string.rep("luvirt-", 64 * 1024) -- 448 KiB
        write_file(src, data)
        local reports = {}
        assert.is_true(vol:upload(src, { progress = function(done, total)
            reports[#reports + 1] = { done, total }
        end }))
        assert.truthy(#reports > 0)
        for _, r in ipairs(reports) do assert.truthy(r[1] <= r[2] or r[2] == 0) end
        assert.equal(#data, reports[#reports][1])
        local dst = root .. "/download.bin"
        assert.is_true(vol:download(dst, { length = #data }))
        assert.equal(data, read_file(dst))
        -- offset/length: the middle of the volume
        assert.is_true(vol:download(dst, { offset = 7, length = 14 }))
        assert.equal("luvirt-luvirt-", read_file(dst))
        -- a file larger than the volume is refused
        write_file(src, string.rep("x", 5 * MiB))
        local r, msg = vol:upload(src)
        assert.is_nil(r)
        assert.truthy(msg)
        os.remove(src)
        os.remove(dst)
    end)

    it("lets a progress function wait, and survives one that raises", function()
        local vol = assert(pool:volume("a.img"))
        local src = root .. "/wait.bin"
        write_file(src, string.rep("w", 3 * MiB))
        local calls, max_done = 0, 0
        assert.is_true(vol:upload(src, { progress = function(done)
            calls = calls + 1
            if done > max_done then max_done = done end
            luvirt.sleep(5) -- waits: later reports coalesce meanwhile
        end }))
        assert.truthy(calls >= 1)
        assert.truthy(max_done <= 3 * MiB)
        local raised = 0
        assert.is_true(vol:upload(src, { progress = function()
            raised = raised + 1
            error("progress function failure (expected by the test)")
        end }))
        assert.equal(1, raised) -- not called again after it raised
        os.remove(src)
    end)

    it("clones with progress, wipes and resizes", function()
        local vol = assert(pool:volume("a.img"))
        local seen = 0
        local c = assert(vol:clone("c.img", { progress = function() seen = seen + 1 end }))
        assert.equal("c.img", c:name())
        assert.equal(4 * MiB, c:info().capacity)
        assert.equal("raw", c:info().format)
        assert.truthy(seen > 0)
        assert.is_true(c:wipe())
        local dst = root .. "/wiped.bin"
        assert.is_true(c:download(dst, { length = 16 }))
        assert.equal(string.rep("\0", 16), read_file(dst))
        os.remove(dst)
        assert.is_true(c:resize(8 * MiB))
        assert.equal(8 * MiB, c:info().capacity)
        assert.is_true(c:resize("1M", { delta = true }))
        assert.equal(9 * MiB, c:info().capacity)
        local r, msg = c:resize(MiB)
        assert.is_nil(r)
        assert.matches("shrink", msg)
        assert.equal(9 * MiB, c:info().capacity)
        assert.is_true(c:resize(MiB, { shrink = true }))
        assert.equal(MiB, c:info().capacity)
        assert.is_true(c:delete())
        local gone, _, code = pool:volume("c.img")
        assert.is_nil(gone)
        assert.equal("NO_VOLUME", code)
    end)

    it("clones into another pool and another format", function()
        local other = assert(conn:create_pool({ name = "other", type = "dir",
                                                target = root .. "/other" }, { build = true }))
        local vol = assert(pool:volume("a.img"))
        local q = assert(vol:clone("a.qcow2", { pool = other, format = "qcow2" }))
        local i = assert(q:info())
        assert.equal("other", i.pool)
        assert.equal("qcow2", i.format)
        assert.equal(4 * MiB, i.capacity)
        -- a download is the file as it is (qcow2 headers); converted back to
        -- raw, the qcow2 copy gives the same bytes as the original
        local a, b = root .. "/a.bin", root .. "/b.bin"
        assert(q:download(b, { length = 4 }))
        assert.equal("QFI\xfb", read_file(b))
        local back = assert(q:clone("back.img", { format = "raw" }))
        assert.equal("raw", back:info().format)
        assert(vol:download(a, { length = 4096 }))
        assert(back:download(b, { length = 4096 }))
        assert.equal(read_file(a), read_file(b))
        os.remove(a)
        os.remove(b)
        assert(back:delete())
        assert(q:delete())
        assert(other:destroy())
    end)

    it("uploads sparsely", function()
        local vol = assert(pool:create_volume { name = "s.img", capacity = MiB, format = "raw" })
        local src = root .. "/sparse-src.bin"
        write_file(src, "head" .. string.rep("\0", 65536) .. "tail")
        assert.is_true(vol:upload(src, { sparse = true }))
        local dst = root .. "/sparse-dst.bin"
        assert.is_true(vol:download(dst, { length = 65544 }))
        assert.equal(read_file(src), read_file(dst))
        os.remove(src)
        os.remove(dst)
        assert(vol:delete())
    end)

    it("finds volumes added behind its back after a refresh", function()
        write_file(root .. "/spec-pool/outside.img", string.rep("\0", 65536))
        assert.is_true(pool:refresh())
        local v = assert(pool:volume("outside.img"))
        assert.equal(65536, v:info().capacity)
        assert(v:delete())
    end)

    it("raises on misuse", function()
        assert.has_error(function() pool:start { colour = true } end)
        assert.has_error(function() pool:create_volume { name = "x", capacity = MiB, size = 1 } end)
        assert.has_error(function() pool:create_volume(42) end)
        local vol = assert(pool:volume("a.img"))
        assert.has_error(function() vol:wipe { progress = 42 } end)
        assert.has_error(function() vol:resize("lots") end)
        assert.has_error(function() vol:clone("z", { colour = 1 }) end)
        assert.has_error(function() luvirt.isatty("stdfoo") end)
        assert.is_boolean(luvirt.isatty("stderr"))
    end)

    it("creates a transient pool that is gone once destroyed", function()
        local t = assert(conn:create_pool({ name = "transient", type = "dir",
                                            target = root .. "/transient" }, { build = true }))
        assert.is_false(t:info().persistent)
        assert.is_true(t:destroy())
        local r, _, code = conn:pool("transient")
        assert.is_nil(r)
        assert.equal("NO_POOL", code)
    end)

    it("stops, deletes and undefines a pool", function()
        local p = assert(conn:define_pool { name = "short", type = "dir", target = root .. "/short" })
        assert(p:build())
        assert(p:start())
        assert.is_true(p:destroy())
        assert.equal("inactive", p:info().state)
        assert.is_true(p:delete())
        assert.is_nil(io.open(root .. "/short", "r"))
        assert.is_true(p:undefine())
        assert.is_nil((conn:pool("short")))
    end)
end)

describe("storage on the test driver", function()
    it("says it has no pools", function()
        local conn = assert(luvirt.open("test:///default"))
        local r, msg, code = conn:pools()
        assert.is_nil(r)
        assert.equal("NO_SUPPORT", code)
        assert.matches("no storage pools", msg)
        conn:close()
        assert.has_error(function() conn:pools() end, "attempt to use a closed connection")
    end)
end)
