# A domain's life, in one process so the state carries over.
$ -e "define @DATA@/web1.xml; domstate web1 --reason; start web1; domstate --reason web1; domid web1; suspend web1; domstate web1 --reason; resume web1; domstate web1 --reason; reboot web1; reset web1; shutdown web1; domstate web1 --reason; start --paused web1; domstate web1 --reason; destroy web1; domstate web1 --reason; destroy --graceful test; domid web1; list --all"
Domain 'web1' defined from @DATA@/web1.xml

shut off (unknown)

Domain 'web1' started

running (booted)

2

Domain 'web1' suspended

paused (user)

Domain 'web1' resumed

running (unpaused)

Domain 'web1' is being rebooted

Domain 'web1' was reset

Domain 'web1' is being shutdown

shut off (shutdown)

Domain 'web1' started

paused (user)

Domain 'web1' destroyed

shut off (destroyed)

Domain 'test' destroyed

-

 Id   Name   State
-----------------------
 -    test   shut off
 -    web1   shut off

--- exit 0
$ -e "create @DATA@/web2.xml; list --all; destroy web2; list --all"
Domain 'web2' created from @DATA@/web2.xml

 Id   Name   State
----------------------
 1    test   running
 2    web2   running

Domain 'web2' destroyed

 Id   Name   State
----------------------
 1    test   running

--- exit 0
$ -e "create --paused @DATA@/web2.xml; domstate --reason web2"
Domain 'web2' created from @DATA@/web2.xml

paused (user)

--- exit 0
$ dominfo test
Id:             1
Name:           test
UUID:           6695eb01-f6a4-8304-79aa-97f2502e193f
OS Type:        hvm
State:          running
CPU(s):         2
CPU time:       0.0s
Max memory:     8388608 KiB
Used memory:    2097152 KiB
Persistent:     yes
Autostart:      disable
Managed save:   no

--- exit 0
$ --json -e "define @DATA@/web1.xml; dominfo web1"
{
  "domain": "web1",
  "file": "@DATA@/web1.xml",
  "message": "Domain 'web1' defined from @DATA@/web1.xml",
  "uuid": "0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01"
}
{
  "autostart": false,
  "cpu_time_ns": 0,
  "managed_save": false,
  "max_memory_kib": 524288,
  "memory_kib": 524288,
  "name": "web1",
  "os_type": "hvm",
  "persistent": true,
  "reason": "unknown",
  "state": "shutoff",
  "state_text": "shut off",
  "uuid": "0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01",
  "vcpus": 1
}
--- exit 0
$ -e "define @DATA@/web1.xml; dominfo web1; domuuid web1; domname 0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01; domname 1; domid test; domuuid 1"
Domain 'web1' defined from @DATA@/web1.xml

Id:             -
Name:           web1
UUID:           0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01
OS Type:        hvm
State:          shut off
CPU(s):         1
Max memory:     524288 KiB
Used memory:    524288 KiB
Persistent:     yes
Autostart:      disable
Managed save:   no

0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01

web1

test

1

6695eb01-f6a4-8304-79aa-97f2502e193f

--- exit 0
$ -e "define @DATA@/web1.xml; undefine web1; list --all"
Domain 'web1' defined from @DATA@/web1.xml

Domain 'web1' has been undefined

 Id   Name   State
----------------------
 1    test   running

--- exit 0
$ -e "undefine test; list --all; destroy test; list --all"
Domain 'test' has been undefined

 Id   Name   State
----------------------
 1    test   running

Domain 'test' destroyed

 Id   Name   State
--------------------

--- exit 0
$ -e "autostart test; dominfo test; autostart --disable test; list --autostart"
Domain 'test' marked as autostarted

Id:             1
Name:           test
UUID:           6695eb01-f6a4-8304-79aa-97f2502e193f
OS Type:        hvm
State:          running
CPU(s):         2
CPU time:       0.0s
Max memory:     8388608 KiB
Used memory:    2097152 KiB
Persistent:     yes
Autostart:      enable
Managed save:   no

Domain 'test' unmarked as autostarted

 Id   Name   State
--------------------

--- exit 0
$ -q -e "start test; define @DATA@/web1.xml; start web1; list --all"
 Id   Name   State
----------------------
 1    test   running
 2    web1   running

--- stderr
error: domain 'test' is already running
--- exit 1
$ --json -e "suspend test; resume test"
{
  "action": "suspend",
  "domain": "test",
  "message": "Domain 'test' suspended",
  "uuid": "6695eb01-f6a4-8304-79aa-97f2502e193f"
}
{
  "action": "resume",
  "domain": "test",
  "message": "Domain 'test' resumed",
  "uuid": "6695eb01-f6a4-8304-79aa-97f2502e193f"
}
--- exit 0
