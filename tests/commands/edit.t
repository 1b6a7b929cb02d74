# edit: $EDITOR runs on the XML; a failed or empty edit changes nothing
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@DATA@/edit-vcpus.sh
Domain 'web1' defined from @DATA@/web1.xml

<vcpu placement='static'>1</vcpu>
--- stderr
error: edit needs luvirt.run_interactive, which this build lacks
--- exit 1
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env VISUAL=@DATA@/edit-nothing.sh
env EDITOR=@DATA@/edit-vcpus.sh
Domain 'web1' defined from @DATA@/web1.xml

<vcpu placement='static'>1</vcpu>
--- stderr
error: edit needs luvirt.run_interactive, which this build lacks
--- exit 1
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@DATA@/edit-break.sh
Domain 'web1' defined from @DATA@/web1.xml

<vcpu placement='static'>1</vcpu>
--- stderr
error: edit needs luvirt.run_interactive, which this build lacks
--- exit 1
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@DATA@/edit-fail.sh
Domain 'web1' defined from @DATA@/web1.xml

<vcpu placement='static'>1</vcpu>
--- stderr
error: edit needs luvirt.run_interactive, which this build lacks
--- exit 1
