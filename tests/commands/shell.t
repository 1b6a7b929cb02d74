# Global options, -e quoting, Lua lines, scripts, host commands
$ --help
--- exit 0
$ --version
--- exit 0
$ -e "echo a 'b c' \"d;e\" f\\ g; echo --xml '<a&b>'; echo --shell \"it's\" plain"
--- exit 0
$ -e "echo one;echo two ; # a comment\necho three"
--- exit 0
$ echo -- --not-an-option
--- exit 0
$ -e "= 1 + 1, 'two'"
--- exit 0
$ -e "lua for _, d in ipairs(conn:domains()) do print(d:name()) end"
--- exit 0
$ -e "lua error('boom')"
--- exit 1
$ -e "= conn:uri()"
--- exit 0
$ -e "uri; hostname; nodeinfo; version"
--- exit 0
$ --json -e "uri; hostname; nodeinfo"
--- exit 0
$ -r -e "uri; list; start test"
--- exit 1
$ -e "connect; uri; connect test:///default --readonly; destroy test; quit; echo not reached"
--- exit 1
$ @DATA@/hello.lua first second
--- exit 0
$ @DATA@/hello.lua one 3
--- exit 3
$ @DATA@/fails.lua
--- exit 1
$ @DATA@/nosuch.lua
--- exit 1
