-- Emulates the C shell over the mock module: `lua5.4 devshell.lua ARGS...`.
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local datadir = os.getenv("LUVIRT_DATADIR") or (here .. "/../../../scripts")
package.path = here .. "/?.lua;" .. datadir .. "/lib/?.lua;" .. package.path
local cli = require "luvirt.cli"
local argv = table.move(arg, 1, #arg, 1, {})
local rc = cli.main(argv)
if rc == "repl" then
    while true do
        io.stdout:write(cli.prompt()); io.stdout:flush()
        local line = io.read("l")
        if not cli.repl_line(line) then break end
        cli.refresh_completion()
    end
    rc = 0
end
io.stdout:flush()
os.exit(rc)
