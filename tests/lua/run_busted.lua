-- Runs busted inside the luvirt binary, so specs use the real bindings and
-- run inside a task (the script itself is one):
--   luvirt tests/lua/run_busted.lua [busted options] DIR
require "busted.runner" ({standalone = false})
