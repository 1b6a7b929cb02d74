# Global options, -e quoting, Lua lines, scripts, host commands
$ --help
luvirt - a Lua-scriptable virtualization shell

Usage:
  luvirt [OPTIONS]                      the interactive shell
  luvirt [OPTIONS] COMMAND [ARGS...]    run one command
  luvirt [OPTIONS] -e "CMD; CMD"        run commands (or `= expr` / `lua chunk`)
  luvirt [OPTIONS] SCRIPT.lua [ARGS...] run a Lua script (globals conn, arg)

Options:
  -c, --connect URI   hypervisor connection URI (default: $LUVIRT_DEFAULT_URI)
  -r, --readonly      open the connection read-only
  -q, --quiet         quiet mode: no informational messages
  -e, --eval TEXT     run these commands and exit
      --json          print command results as JSON
  -h, --help          this help
  -v, --version       print the version

Commands: `luvirt help`; one command: `luvirt help COMMAND`.
Exit status: 0 success, 1 the operation failed, 2 usage error.
--- exit 0
$ --version
0.1.0
--- exit 0
$ -e "echo a 'b c' \"d;e\" f\\ g; echo --xml '<a&b>'; echo --shell \"it's\" plain"
a b c d;e f g
&lt;a&amp;b&gt;
'it'\''s' plain
--- exit 0
$ -e "echo one;echo two ; # a comment\necho three"
one
two
three
--- exit 0
$ echo -- --not-an-option
--not-an-option
--- exit 0
$ -e "= 1 + 1, 'two'"
2	"two"
--- exit 0
$ -e "lua for _, d in ipairs(conn:domains()) do print(d:name()) end"
test
--- exit 0
$ -e "lua error('boom')"
--- stderr
error: stdin:1: boom
--- exit 1
# hostname prints the machine's name, which differs between machines
$ -e "lua local h = conn:hostname() print(type(h), #h > 0)"
string	true
--- exit 0
$ -e "= conn:uri()"
"test:///default"
--- exit 0
$ -e "uri; nodeinfo; version"
test:///default

CPU model:           i686
CPU(s):              16
CPU frequency:       1400 MHz
CPU socket(s):       2
Core(s) per socket:  2
Thread(s) per core:  2
NUMA cell(s):        2
Memory size:         3145728 KiB

Compiled against library: luvirt 0.1.0
Using library: luvirt 0.1.0
Using API: Test 0.1.0
Running hypervisor: Test 0.0.2

--- exit 0
$ --json -e "uri; nodeinfo"
{
  "uri": "test:///default"
}
{
  "cores": 2,
  "cpus": 16,
  "memory_kib": 3145728,
  "mhz": 1400,
  "model": "i686",
  "nodes": 2,
  "sockets": 2,
  "threads": 2
}
--- exit 0
$ -r -e "uri; list; start test"
test:///default

 Id   Name   State
----------------------
 1    test   running

--- stderr
error: start: the connection 'test:///default' is read-only
--- exit 1
$ -e "connect; uri; connect test:///default --readonly; destroy test; quit; echo not reached"
test:///default

--- stderr
error: destroy: the connection 'test:///default' is read-only
--- exit 1
$ @DATA@/hello.lua first second
args:	2	first	second
arg[0]:	hello.lua	arg[1]:	first
uri:	test:///default
domain:	test	running
--- exit 0
$ @DATA@/hello.lua one 3
args:	2	one	3
arg[0]:	hello.lua	arg[1]:	one
uri:	test:///default
domain:	test	running
--- exit 3
$ @DATA@/fails.lua
--- stderr
error: @DATA@/fails.lua:2: domain 'nosuch' not found
--- exit 1
$ @DATA@/nosuch.lua
--- stderr
error: cannot open script '@DATA@/nosuch.lua': no such file
--- exit 1
