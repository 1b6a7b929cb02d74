# edit: $EDITOR runs on the XML; a failed or empty edit changes nothing
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@DATA@/edit-vcpus.sh
Domain 'web1' defined from @DATA@/web1.xml

Domain 'web1' XML configuration edited.

<vcpu placement='static'>3</vcpu>
--- exit 0
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env VISUAL=@DATA@/edit-nothing.sh
env EDITOR=@DATA@/edit-vcpus.sh
Domain 'web1' defined from @DATA@/web1.xml

Domain 'web1' XML configuration not changed.

<vcpu placement='static'>1</vcpu>
--- exit 0
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@DATA@/edit-break.sh
Domain 'web1' defined from @DATA@/web1.xml

<vcpu placement='static'>1</vcpu>
--- stderr
error: XML error: malformed XML at line 2: Premature end of data in tag domain line 1; domain 'web1' not changed
--- exit 1
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@DATA@/edit-fail.sh
Domain 'web1' defined from @DATA@/web1.xml

<vcpu placement='static'>1</vcpu>
--- stderr
error: the editor '@DATA@/edit-fail.sh' exited with status 3; domain 'web1' not changed
--- exit 1
$ -e "define @DATA@/web1.xml; edit web1; list --all"
env EDITOR=@DATA@/edit-rename.sh
Domain 'web1' defined from @DATA@/web1.xml

 Id   Name   State
-----------------------
 1    test   running
 -    web1   shut off

--- stderr
error: uuid 0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01 is already used by domain 'web1'; domain 'web1' not changed
--- exit 1
$ -e "edit nosuch"
env EDITOR=@DATA@/edit-vcpus.sh
--- stderr
error: domain 'nosuch' not found
--- exit 1
$ -e "define @DATA@/web1.xml; edit web1; dumpxml web1 --xpath //vcpu"
env EDITOR=@TMP@/no-such-editor
Domain 'web1' defined from @DATA@/web1.xml

<vcpu placement='static'>1</vcpu>
--- stderr
error: cannot run '@TMP@/no-such-editor': no such file or directory; domain 'web1' not changed
--- exit 1
