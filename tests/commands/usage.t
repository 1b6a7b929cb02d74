# Usage errors: exit 2, one line
$ nosuch
--- stderr
error: unknown command: 'nosuch'
--- exit 2
$ list --bogus
--- stderr
error: command 'list' doesn't support option --bogus
--- exit 2
$ dominfo
--- stderr
error: command 'dominfo' requires <domain> option
--- exit 2
$ define
--- stderr
error: command 'define' requires <file> option
--- exit 2
$ dumpxml test --xpath
--- stderr
error: option --xpath of command 'dumpxml' requires a value
--- exit 2
$ domstate test extra
--- stderr
error: unexpected data 'extra' for command 'domstate'
--- exit 2
$ list --all --all
--- stderr
error: option --all of command 'list' given twice
--- exit 2
$ list --all=yes
--- stderr
error: option --all of command 'list' takes no value
--- exit 2
$ -e "list; nosuch; list --name"
 Id   Name   State
----------------------
 1    test   running

test

--- stderr
error: unknown command: 'nosuch'
--- exit 2
$ -e "echo 'unterminated"
--- stderr
error: missing ' in the command line
--- exit 2
$ --bogus
--- stderr
error: unknown option '--bogus'
--- exit 2
$ -c
--- stderr
error: option '-c' requires a value
--- exit 2
$ -e "list" extra
--- stderr
error: unexpected argument 'extra' after -e
--- exit 2
$ help nosuch
--- stderr
error: command or command group 'nosuch' doesn't exist
--- exit 2
