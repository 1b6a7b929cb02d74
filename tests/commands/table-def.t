# Bad input through a Lua table definition (luvirt.deftable): nil + one clear message, nothing defined
$ -e "lua print(conn:define{name='bad\1name', memory='1 GiB'}); print(#conn:domains())"
--- stderr
error: module 'luvirt.deftable' not found: 	no field package.preload['luvirt.deftable'] 	no file '@SRCDIR@/scripts/lib/luvirt/deftable.lua' 	no file '@SRCDIR@/scripts/lib/luvirt/deftable/init.lua' 	no file '/usr/local/share/lua/5.4/luvirt/deftable.lua' 	no file '/usr/local/share/lua/5.4/luvirt/deftable/init.lua' 	no file '/usr/local/lib/lua/5.4/luvirt/deftable.lua' 	no file '/usr/local/lib/lua/5.4/luvirt/deftable/init.lua' 	no file '/usr/share/lua/5.4/luvirt/deftable.lua' 	no file '/usr/share/lua/5.4/luvirt/deftable/init.lua' 	no file './luvirt/deftable.lua' 	no file './luvirt/deftable/init.lua' 	no file '/usr/local/lib/lua/5.4/luvirt/deftable.so' 	no file '/usr/lib/x86_64-linux-gnu/lua/5.4/luvirt/deftable.so' 	no file '/usr/lib/lua/5.4/luvirt/deftable.so' 	no file '/usr/local/lib/lua/5.4/loadall.so' 	no file './luvirt/deftable.so' 	no module 'luvirt.deftable' in file '/usr/local/lib/lua/5.4/luvirt.so'
--- exit 1
$ -e "lua print(conn:define{name='potato', memory='12 potatoes'}); print(#conn:domains())"
--- stderr
error: module 'luvirt.deftable' not found: 	no field package.preload['luvirt.deftable'] 	no file '@SRCDIR@/scripts/lib/luvirt/deftable.lua' 	no file '@SRCDIR@/scripts/lib/luvirt/deftable/init.lua' 	no file '/usr/local/share/lua/5.4/luvirt/deftable.lua' 	no file '/usr/local/share/lua/5.4/luvirt/deftable/init.lua' 	no file '/usr/local/lib/lua/5.4/luvirt/deftable.lua' 	no file '/usr/local/lib/lua/5.4/luvirt/deftable/init.lua' 	no file '/usr/share/lua/5.4/luvirt/deftable.lua' 	no file '/usr/share/lua/5.4/luvirt/deftable/init.lua' 	no file './luvirt/deftable.lua' 	no file './luvirt/deftable/init.lua' 	no file '/usr/local/lib/lua/5.4/luvirt/deftable.so' 	no file '/usr/lib/x86_64-linux-gnu/lua/5.4/luvirt/deftable.so' 	no file '/usr/lib/lua/5.4/luvirt/deftable.so' 	no file '/usr/local/lib/lua/5.4/loadall.so' 	no file './luvirt/deftable.so' 	no module 'luvirt.deftable' in file '/usr/local/lib/lua/5.4/luvirt.so'
--- exit 1
$ -e "define @DATA@/web3.lua; dominfo web3; define @DATA@/not-a-table.lua; define @DATA@/nosuch.lua; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: module 'luvirt.deftable' not found: 	no field package.preload['luvirt.deftable'] 	no file '@SRCDIR@/scripts/lib/luvirt/deftable.lua' 	no file '@SRCDIR@/scripts/lib/luvirt/deftable/init.lua' 	no file '/usr/local/share/lua/5.4/luvirt/deftable.lua' 	no file '/usr/local/share/lua/5.4/luvirt/deftable/init.lua' 	no file '/usr/local/lib/lua/5.4/luvirt/deftable.lua' 	no file '/usr/local/lib/lua/5.4/luvirt/deftable/init.lua' 	no file '/usr/share/lua/5.4/luvirt/deftable.lua' 	no file '/usr/share/lua/5.4/luvirt/deftable/init.lua' 	no file './luvirt/deftable.lua' 	no file './luvirt/deftable/init.lua' 	no file '/usr/local/lib/lua/5.4/luvirt/deftable.so' 	no file '/usr/lib/x86_64-linux-gnu/lua/5.4/luvirt/deftable.so' 	no file '/usr/lib/lua/5.4/luvirt/deftable.so' 	no file '/usr/local/lib/lua/5.4/loadall.so' 	no file './luvirt/deftable.so' 	no module 'luvirt.deftable' in file '/usr/local/lib/lua/5.4/luvirt.so'
error: domain 'web3' not found
error: @DATA@/not-a-table.lua: a definition file must return a table
error: cannot read '@DATA@/nosuch.lua': No such file or directory
--- exit 1
