# A plugin from LUVIRT_PATH: the worked example of docs/plugins.md
$ help bulk-start
env LUVIRT_PATH=@SRCDIR@/scripts/examples
--- exit 0
$ help plugins
env LUVIRT_PATH=@SRCDIR@/scripts/examples
--- exit 0
$ -e "define @DATA@/web1.xml; define @DATA@/web2.xml; bulk-start --match 'web*'; list --all"
env LUVIRT_PATH=@SRCDIR@/scripts/examples
--- exit 0
$ -e "define @DATA@/web1.xml; bulk-start web1 test nosuch; list --all"
env LUVIRT_PATH=@SRCDIR@/scripts/examples
--- exit 1
$ --json -e "define @DATA@/web1.xml; bulk-start --paused web1"
env LUVIRT_PATH=@SRCDIR@/scripts/examples
--- exit 0
$ bulk-start
env LUVIRT_PATH=@SRCDIR@/scripts/examples
--- exit 2
$ bulk-start web1
--- exit 2
