# A domain's life, in one process so the state carries over.
$ -e "define @DATA@/web1.xml; domstate web1 --reason; start web1; domstate --reason web1; domid web1; suspend web1; domstate web1 --reason; resume web1; domstate web1 --reason; reboot web1; reset web1; shutdown web1; domstate web1 --reason; start --paused web1; domstate web1 --reason; destroy web1; domstate web1 --reason; destroy --graceful test; domid web1; list --all"
--- exit 0
$ -e "create @DATA@/web2.xml; list --all; destroy web2; list --all"
--- exit 0
$ -e "create --paused @DATA@/web2.xml; domstate --reason web2"
--- exit 0
$ dominfo test
--- exit 0
$ --json dominfo test
--- exit 0
$ -e "define @DATA@/web1.xml; dominfo web1; domuuid web1; domname 0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01; domname 1; domid test; domuuid 1"
--- exit 0
$ -e "define @DATA@/web1.xml; undefine web1; list --all"
--- exit 0
$ -e "undefine test; list --all; destroy test; list --all"
--- exit 0
$ -e "autostart test; dominfo test; autostart --disable test; list --autostart"
--- exit 0
$ -q -e "start test; define @DATA@/web1.xml; start web1; list --all"
--- exit 1
$ --json -e "suspend test; resume test"
--- exit 0
