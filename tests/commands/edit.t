# edit: $EDITOR runs on the XML; a failed or empty edit changes nothing
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@DATA@/edit-vcpus.sh
--- exit 0
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env VISUAL=@DATA@/edit-nothing.sh
env EDITOR=@DATA@/edit-vcpus.sh
--- exit 0
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@DATA@/edit-break.sh
--- exit 1
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@DATA@/edit-fail.sh
--- exit 1
