-- Runs busted inside the luvirt binary, so specs use the real bindings and
-- run inside a task (the script itself is one):
--   luvirt tests/lua/run_busted.lua [busted options] FILE...
-- busted reads the process arguments from the global `arg`; a luvirt script
-- sees its own `arg` in its environment, so hand it over.
_G.arg = arg
require "busted.runner" ({standalone = false})
