# REPL lines from a pipe: commands, `= expr`, `lua`, Lua mode with continuation, quit.
# Input that is not a terminal exits with the worst status of its lines (2: nosuch).
$ 
< list --name
< = 1 + 1, "two", {a = 1, 2}
< lua x = 40
< = x + 2
< lua
< for i = 1, 2 do
< print("i", i)
< end
< print(conn:uri())
< .
< start test
< nosuch
< lua error("boom")
< domstate test; quit; echo not reached
< echo not reached either
test

2	"two"	{2, a = 1}
42
i	1
i	2
test:///default
running

--- stderr
error: domain 'test' is already running
error: unknown command: 'nosuch'
error: stdin:1: boom
--- exit 2
$ -r
< = conn:is_readonly()
< connect test:///default
< = conn:is_readonly()
true
false
--- exit 0
