-- The task runtime: interleaving, cancellation, isolation of errors.
-- Runs inside the luvirt binary (so the real bindings and loop are used):
--   luvirt tests/lua/run_busted.lua tests/lua
local luvirt = require "luvirt"

describe("tasks", function()
    it("interleave on sleeps in time order", function()
        local log = {}
        local a = luvirt.spawn(function()
            for i = 1, 3 do
                luvirt.sleep(200)
                log[#log + 1] = "a" .. i
            end
            return "A"
        end)
        local b = luvirt.spawn(function()
            -- half a period out of step, so a loaded machine cannot reorder them
            luvirt.sleep(100)
            for i = 1, 3 do
                log[#log + 1] = "b" .. i
                luvirt.sleep(200)
            end
            return "B"
        end)
        assert.equal("A", a:wait())
        assert.equal("B", b:wait())
        assert.same({"b1", "a1", "b2", "a2", "b3", "a3"}, log)
    end)

    -- A loaded machine runs the loop late, so several timers are due at the
    -- same turn; a CPU-bound stretch in this task makes that happen every time.
    local function hold_the_loop(seconds)
        local t0 = os.clock()
        while os.clock() - t0 < seconds do end
    end

    it("wake in the order their sleeps were due when the loop runs late", function()
        local log = {}
        local later = luvirt.spawn(function() luvirt.sleep(100); log[#log + 1] = "100 ms" end)
        local sooner = luvirt.spawn(function() luvirt.sleep(50); log[#log + 1] = "50 ms" end)
        hold_the_loop(0.3)
        later:wait()
        sooner:wait()
        assert.same({"50 ms", "100 ms"}, log)
    end)

    it("let the loop turn on sleep(0), so a task polling with it sees others progress", function()
        local fired = false
        luvirt.spawn(function() luvirt.sleep(5); fired = true end)
        local turns = 0
        while not fired do
            luvirt.sleep(0)
            turns = turns + 1
        end
        assert.is_true(turns > 0)
    end)

    it("luvirt.timeout keeps a result that was due before the deadline, however late the loop", function()
        local t = luvirt.spawn(function()
            return luvirt.timeout(100, function() luvirt.sleep(5) return "early" end)
        end)
        hold_the_loop(0.3)
        local r, msg, code = t:wait()
        assert.equal("early", r)
        assert.is_nil(msg)
        assert.is_nil(code)
    end)

    it("run concurrently, not one after the other", function()
        local log = {}
        local fns = {}
        for i = 1, 5 do
            fns[i] = function()
                log[#log + 1] = "start " .. i
                luvirt.sleep(100)
                log[#log + 1] = "end " .. i
                return i * 10
            end
        end
        local results = luvirt.all(fns)
        assert.same({10, 20, 30, 40, 50}, results)
        -- all five had started before any finished sleeping (sleeps due
        -- together end in the order they began)
        assert.same({"start 1", "start 2", "start 3", "start 4", "start 5",
                     "end 1", "end 2", "end 3", "end 4", "end 5"}, log)
    end)

    it("report status through their life", function()
        local t = luvirt.spawn(function() luvirt.sleep(20) return 1 end)
        assert.equal("waiting", t:status())
        t:wait()
        assert.equal("done", t:status())
    end)

    it("can be cancelled while waiting, and the waiter learns it", function()
        local reached = false
        local t = luvirt.spawn(function()
            luvirt.sleep(60000)
            reached = true
        end)
        t:cancel()
        assert.equal("cancelled", t:status())
        local r, msg, code = t:wait()
        assert.is_nil(r)
        assert.equal("CANCELLED", code)
        assert.matches("cancelled", msg)
        assert.is_false(reached)
    end)

    it("see cancellation as an error they may catch", function()
        local caught
        local t = luvirt.spawn(function()
            local ok, err = pcall(luvirt.sleep, 60000)
            caught = err
            return ok
        end)
        t:cancel()
        assert.is_false((t:wait()))
        assert.matches("cancelled", caught)
    end)

    it("keep an error inside the task that raised it", function()
        local other = luvirt.spawn(function() luvirt.sleep(30) return "fine" end)
        local bad = luvirt.spawn(function()
            luvirt.sleep(10)
            error("boom")
        end)
        local r, msg, code = bad:wait()
        assert.is_nil(r)
        assert.matches("boom", msg)
        assert.equal("TASK_FAILED", code)
        assert.equal("failed", bad:status())
        assert.equal("fine", other:wait())
    end)

    it("luvirt.all raises the first error after all have ended", function()
        local finished = false
        local ok, err = pcall(luvirt.all, {
            function() error("first", 0) end,
            function() luvirt.sleep(20); finished = true end,
        })
        assert.is_false(ok)
        assert.equal("first", err)
        assert.is_true(finished)
    end)

    it("luvirt.timeout returns the result in time and TIMEOUT otherwise", function()
        assert.equal("early", luvirt.timeout(1000, function() luvirt.sleep(5) return "early" end))
        local r, msg, code = luvirt.timeout(30, function() luvirt.sleep(60000) return "late" end)
        assert.is_nil(r)
        assert.equal("TIMEOUT", code)
        assert.equal("timed out after 30 ms", msg)
    end)

    it("refuses a bare coroutine.yield at the top of a task", function()
        local t = luvirt.spawn(function() coroutine.yield() end)
        local r, msg = t:wait()
        assert.is_nil(r)
        assert.matches("coroutine.yield", msg)
    end)

    it("refuses to wait inside a plain coroutine within a task", function()
        local co = coroutine.create(function() luvirt.sleep(1) end)
        local ok, err = coroutine.resume(co)
        assert.is_false(ok)
        assert.matches("must run inside a luvirt task", err)
    end)
end)

describe("luvirt.json", function()
    local json = luvirt.json
    it("writes objects with sorted keys and arrays for sequences", function()
        assert.equal('{"a":[1,2,[]],"b":true,"c":"x\\"y"}',
                     json.encode({c = 'x"y', a = {1, 2, {}}, b = true}))
        assert.equal('{}', json.encode(json.object({})))
        assert.equal('[null,1]', json.encode({json.null, 1}))
    end)
    it("reads back what it writes", function()
        local v = json.decode('{"n":18446744073709551615,"a":[1,"two",null],"f":1.5}')
        assert.equal(1.5, v.f)
        assert.equal("two", v.a[2])
        assert.equal(json.null, v.a[3])
    end)
    it("fails cleanly on bad input", function()
        local r, msg, code = json.decode("[1,")
        assert.is_nil(r)
        assert.equal("INVALID_ARG", code)
        assert.matches("invalid JSON", msg)
        assert.is_nil((json.decode("[1] x")))
    end)
    it("refuses values JSON cannot hold", function()
        assert.has_error(function() json.encode({[true] = 1}) end)
        assert.has_error(function() json.encode(print) end)
        local t = {}
        t.self = t
        assert.has_error(function() json.encode(t) end)
    end)
end)

describe("luvirt.parse_size", function()
    it("reads units as people type them", function()
        assert.equal(1073741824, luvirt.parse_size("1 GiB"))
        assert.equal(512 * 1024 * 1024, luvirt.parse_size("512M"))
    end)
    it("names what it cannot read", function()
        local r, msg, code = luvirt.parse_size("12 potatoes")
        assert.is_nil(r)
        assert.equal("INVALID_ARG", code)
        assert.matches("potatoes", msg)
    end)
end)
