# Bad input: each gives one clear line, exit 1 or 2, and changes nothing
# (the list after it shows only the preloaded domain, as it was).
$ -e "define @DATA@/malformed.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: XML error: malformed XML at line 6: Premature end of data in tag domain line 1
--- exit 1
$ -e "define @DATA@/hostdev.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: unsupported configuration: element <hostdev> is not supported
--- exit 1
$ -e "create @DATA@/hostdev.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: unsupported configuration: element <hostdev> is not supported
--- exit 1
$ -e "define @DATA@/name-slash.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: invalid domain name 'a/b': contains '/'
--- exit 1
$ -e "define @DATA@/name-dotdot.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: invalid domain name '..': '.' and '..' are reserved
--- exit 1
$ -e "define @DATA@/name-ctrl.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: invalid domain name 'bad\x09name': contains a control character (U+0009)
--- exit 1
$ -e "define @DATA@/name-empty.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: XML error: missing element <name>
--- exit 1
$ -e "define @DATA@/name-long.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: invalid domain name 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...': longer than 255 bytes (256)
--- exit 1
$ -e "define @DATA@/dup-name.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: domain 'test' already exists with uuid 6695eb01-f6a4-8304-79aa-97f2502e193f
--- exit 1
$ -e "define @DATA@/dup-uuid.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: uuid 6695eb01-f6a4-8304-79aa-97f2502e193f is already used by domain 'test'
--- exit 1
$ -e "define @DATA@/potatoes.xml; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: invalid size '12 potatoes' in element <memory>
--- exit 1
$ -e "list --all"
 Id   Name   State
----------------------
 1    test   running

--- exit 0
$ -e "start test; domstate test --reason"
running (unknown)

--- stderr
error: domain 'test' is already running
--- exit 1
$ -e "undefine nosuch; list --all"
 Id   Name   State
----------------------
 1    test   running

--- stderr
error: domain 'nosuch' not found
--- exit 1
$ -e "define @DATA@/web1.xml; domrename web1 'a/b'; domrename web1 ''; domrename web1 test; list --all"
Domain 'web1' defined from @DATA@/web1.xml

 Id   Name   State
-----------------------
 1    test   running
 -    web1   shut off

--- stderr
error: invalid domain name 'a/b': contains '/'
error: invalid domain name '': must not be empty
error: domain 'test' already exists
--- exit 1
$ -e "define @DATA@/nosuch.xml"
--- stderr
error: cannot read '@DATA@/nosuch.xml': No such file or directory
--- exit 1
$ -e "desc nosuch"
--- stderr
error: domain 'nosuch' not found
--- exit 1
$ -c bogus:///nowhere list
--- stderr
error: no connection driver available for 'bogus:///nowhere'
--- exit 1
