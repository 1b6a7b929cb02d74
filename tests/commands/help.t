# help comes from the declarations
$ help
--- exit 0
$ help domain
--- exit 0
$ help start
--- exit 0
$ start --help
--- exit 0
$ help exit
--- exit 0
$ help list
--- exit 0
$ --json help domstate
--- exit 0
