# define, dumpxml (--inactive, --xpath), rename, desc
$ -e "define @DATA@/web1.xml; dumpxml web1"
--- exit 0
$ dumpxml test --xpath /domain/name
--- exit 0
$ dumpxml test --xpath //disk/source/@file
--- exit 0
$ dumpxml test --xpath "count(//disk)"
--- exit 0
$ dumpxml test --xpath "/domain/devices/*[1]"
--- exit 0
$ dumpxml test --xpath //nosuch
--- exit 0
$ dumpxml test --xpath "//disk[@device='disk']/target/@dev"
--- exit 0
$ --json dumpxml test --xpath /domain/uuid/text()
--- exit 0
$ dumpxml test --xpath "///"
--- exit 2
$ -e "define @DATA@/web1.xml; start web1; dumpxml web1 --xpath /domain/@id; dumpxml --inactive web1 --xpath /domain/@id"
--- exit 0
$ -e "define @DATA@/web1.xml; domrename web1 web9; list --all; dumpxml web9 --xpath /domain/name; domrename test web9; domrename web9 test"
--- exit 1
$ -e "desc test; desc test --title; desc test --new-desc 'A test domain'; desc test; desc test --title Test box; desc test --title; list --title; desc test --new-desc ''; desc test"
--- exit 0
$ -e "desc test --config Persistent only; desc test --config; desc test --live"
--- exit 0
$ --json -e "desc test --new-desc hello; desc test"
--- exit 0
$ desc test --title "two\nlines"
--- exit 1
