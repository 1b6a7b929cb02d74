-- `require "luvirt"` from plain lua5.4: no task, so each call runs the loop
-- until it finishes. Exits non-zero on the first failed check.
local luvirt = require "luvirt"

local function check(cond, what)
    if not cond then
        io.stderr:write("FAIL: ", what, "\n")
        os.exit(1)
    end
end

local conn = assert(luvirt.open("test:///default"))
local names = {}
for _, d in ipairs(conn:domains()) do names[#names + 1] = d:name() end
check(table.concat(names, ",") == "test", "the preloaded domain is listed: " .. table.concat(names, ","))
local dom = assert(conn:domain("test"))
check(dom:suspend() == true, "suspend works outside a task")
check(select(1, dom:state()) == "paused", "state follows")
assert(dom:resume())

local t0 = os.time()
luvirt.sleep(50)
check(os.time() - t0 < 5, "sleep returns")

local log = {}
local a = luvirt.spawn(function() luvirt.sleep(40) log[#log + 1] = "a" end)
local b = luvirt.spawn(function() luvirt.sleep(10) log[#log + 1] = "b" end)
a:wait()
b:wait()
check(table.concat(log) == "ba", "tasks interleave from plain lua: " .. table.concat(log))
conn:close()
print("standalone ok")
