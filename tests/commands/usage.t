# Usage errors: exit 2, one line
$ nosuch
--- exit 2
$ list --bogus
--- exit 2
$ dominfo
--- exit 2
$ define
--- exit 2
$ dumpxml test --xpath
--- exit 2
$ domstate test extra
--- exit 2
$ list --all --all
--- exit 2
$ list --all=yes
--- exit 2
$ -e "list; nosuch; list --name"
--- exit 2
$ -e "echo 'unterminated"
--- exit 2
$ --bogus
--- exit 2
$ -c
--- exit 2
$ -e "list" extra
--- exit 2
$ help nosuch
--- exit 2
