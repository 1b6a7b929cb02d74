# A plugin from LUVIRT_PATH: the worked example of docs/plugins.md
$ help bulk-start
env LUVIRT_PATH=@SRCDIR@/scripts/examples
  NAME
    bulk-start - start several inactive domains at once

  SYNOPSIS
    bulk-start [--match <string>] [--paused] [<domain>]...

  DESCRIPTION
    Start the named domains, and with --match every inactive domain whose name
    matches a glob, all at the same time (each start runs as its own task).
    Prints one line per domain; fails when any domain failed to start.

  OPTIONS
    --match <string>  also start inactive domains matching this glob
    --paused         leave the guests paused
    <domain>         domains to start
    --json           print the result as JSON

--- exit 0
$ help plugins
env LUVIRT_PATH=@SRCDIR@/scripts/examples
 Plugins (help keyword 'plugins'):
    bulk-start                     start several inactive domains at once

--- exit 0
$ -e "define @DATA@/web1.xml; define @DATA@/web2.xml; bulk-start --match 'web*'; list --all"
env LUVIRT_PATH=@SRCDIR@/scripts/examples
Domain 'web1' defined from @DATA@/web1.xml

Domain 'web2' defined from @DATA@/web2.xml

 Name   Result
-----------------
 web1   started
 web2   started

 Id   Name   State
----------------------
 1    test   running
 2    web1   running
 3    web2   running

--- exit 0
$ -e "define @DATA@/web1.xml; bulk-start web1 test nosuch; list --all"
env LUVIRT_PATH=@SRCDIR@/scripts/examples
Domain 'web1' defined from @DATA@/web1.xml

 Name     Result
----------------------------------------------------
 web1     started
 test     failed: domain 'test' is already running
 nosuch   failed: domain 'nosuch' not found

 Id   Name   State
----------------------
 1    test   running
 2    web1   running

--- stderr
error: 2 of 3 domains failed to start
--- exit 1
$ --json -e "define @DATA@/web1.xml; bulk-start --paused web1"
env LUVIRT_PATH=@SRCDIR@/scripts/examples
{
  "domain": "web1",
  "file": "@DATA@/web1.xml",
  "message": "Domain 'web1' defined from @DATA@/web1.xml",
  "uuid": "0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01"
}
[
  {
    "name": "web1",
    "ok": true
  }
]
--- exit 0
$ bulk-start
env LUVIRT_PATH=@SRCDIR@/scripts/examples
--- stderr
error: bulk-start: no domain given (names or --match)
--- exit 2
$ bulk-start web1
--- stderr
error: unknown command: 'bulk-start'
--- exit 2
# Plugin folders: a broken file is a warning in help, a built-in cannot be replaced
$ help tests
env LUVIRT_PATH=@DATA@/plugins
 Tests (help keyword 'tests'):
    hello-plugin                   say hello

--- stderr
warning: @DATA@/plugins/broken.lua:3: unexpected symbol near <eof>
warning: @DATA@/plugins/misnamed.lua: declares name "other" but the file is named "misnamed"
warning: @DATA@/plugins/list.lua is hidden by @SRCDIR@/scripts/commands/list.lua
--- exit 0
$ -e "hello-plugin world --times 2; hi --who there; list --name; hello-plugin x --times many"
env LUVIRT_PATH=@DATA@/plugins
hello world
hello world
hello there
test

--- stderr
error: invalid value 'many' for option --times of command 'hello-plugin': expected an integer
--- exit 2
$ broken
env LUVIRT_PATH=@DATA@/plugins
--- stderr
error: @DATA@/plugins/broken.lua:3: unexpected symbol near <eof>
--- exit 1
$ misnamed
env LUVIRT_PATH=@DATA@/plugins
--- stderr
error: @DATA@/plugins/misnamed.lua: declares name "other" but the file is named "misnamed"
--- exit 1
$ help plugins
env LUVIRT_PATH=/nonexistent:@DATA@/plugins:@SRCDIR@/scripts/examples
 Plugins (help keyword 'plugins'):
    bulk-start                     start several inactive domains at once

--- stderr
warning: @DATA@/plugins/broken.lua:3: unexpected symbol near <eof>
warning: @DATA@/plugins/misnamed.lua: declares name "other" but the file is named "misnamed"
warning: @DATA@/plugins/list.lua is hidden by @SRCDIR@/scripts/commands/list.lua
--- exit 0
$ help bulk-start
env XDG_CONFIG_HOME=@DATA@/xdg
  NAME
    bulk-start - start several inactive domains at once

  SYNOPSIS
    bulk-start [--match <string>] [--paused] [<domain>]...

  DESCRIPTION
    Start the named domains, and with --match every inactive domain whose name
    matches a glob, all at the same time (each start runs as its own task).
    Prints one line per domain; fails when any domain failed to start.

  OPTIONS
    --match <string>  also start inactive domains matching this glob
    --paused         leave the guests paused
    <domain>         domains to start
    --json           print the result as JSON

--- exit 0
# Lua shortens long file names in its messages; a plugin's error names the whole path
$ broken
env LUVIRT_PATH=@DATA@/plugins-in-a-folder-whose-name-is-longer-than-lua-keeps-in-messages
--- stderr
error: @DATA@/plugins-in-a-folder-whose-name-is-longer-than-lua-keeps-in-messages/broken.lua:3: unexpected symbol near <eof>
--- exit 1
