# Bad input through a Lua table definition (luvirt.deftable): nil + one clear message, nothing defined
$ -e "lua print(pcall(conn.define, conn, {name='bad\\1name', memory='1 GiB'})); print(#conn:domains())"
false	deftable: key 'name' contains the control character \1
1
--- exit 0
$ -e "lua print(conn:define{name='potato', memory='12 potatoes'}); print(#conn:domains())"
nil	invalid size '12 potatoes' in element <memory>: unknown unit 'potatoes'	INVALID_ARG
1
--- exit 0
$ -e "define @DATA@/web3.lua; dominfo web3; define @DATA@/not-a-table.lua; define @DATA@/nosuch.lua; list --all"
Domain 'web3' defined from @DATA@/web3.lua

Id:             -
Name:           web3
UUID:           0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c03
OS Type:        hvm
State:          shut off
CPU(s):         2
Max memory:     262144 KiB
Used memory:    262144 KiB
Persistent:     yes
Autostart:      disable
Managed save:   no

 Id   Name   State
-----------------------
 1    test   running
 -    web3   shut off

--- stderr
error: @DATA@/not-a-table.lua: a definition file must return a table
error: cannot read '@DATA@/nosuch.lua': No such file or directory
--- exit 1
