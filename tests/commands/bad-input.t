# Bad input: each gives one clear line, exit 1 or 2, and changes nothing
# (the list after it shows only the preloaded domain, as it was).
$ -e "define @DATA@/malformed.xml; list --all"
--- exit 1
$ -e "define @DATA@/hostdev.xml; list --all"
--- exit 1
$ -e "create @DATA@/hostdev.xml; list --all"
--- exit 1
$ -e "define @DATA@/name-slash.xml; list --all"
--- exit 1
$ -e "define @DATA@/name-dotdot.xml; list --all"
--- exit 1
$ -e "define @DATA@/name-ctrl.xml; list --all"
--- exit 1
$ -e "define @DATA@/name-empty.xml; list --all"
--- exit 1
$ -e "define @DATA@/name-long.xml; list --all"
--- exit 1
$ -e "lua assert(conn:define{name='bad\1name', memory='1 GiB'}); list --all"
--- exit 1
$ -e "define @DATA@/dup-name.xml; list --all"
--- exit 1
$ -e "define @DATA@/dup-uuid.xml; list --all"
--- exit 1
$ -e "define @DATA@/potatoes.xml; list --all"
--- exit 1
$ -e "lua assert(conn:define{name='potato', memory='12 potatoes'})"
--- exit 1
$ -e "list --all"
--- exit 0
$ -e "start test; domstate test --reason"
--- exit 1
$ -e "undefine nosuch; list --all"
--- exit 1
$ -e "domrename test 'a/b'; list --all"
--- exit 1
$ -e "define @DATA@/nosuch.xml"
--- exit 1
$ -e "desc nosuch"
--- exit 1
$ -c bogus:///nowhere list
--- exit 1
