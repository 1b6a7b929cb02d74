$ -c qemu:///embed?root=@TMP@/a -e "net-define @DATA@/net-lab.xml; net-define @DATA@/net-iso.xml; net-list; net-list --all; net-list --inactive --name; net-list --all --uuid; net-list --all --persistent; net-list --all --transient; net-info lab; net-uuid lab; net-name 5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e52"
Network lab defined from @DATA@/net-lab.xml

Network iso defined from @DATA@/net-iso.xml

 Name   State   Autostart   Persistent
----------------------------------------

 Name   State      Autostart   Persistent
-------------------------------------------
 iso    inactive   no          yes
 lab    inactive   no          yes

iso
lab
5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e52
5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51
 Name   State      Autostart   Persistent
-------------------------------------------
 iso    inactive   no          yes
 lab    inactive   no          yes

 Name   State   Autostart   Persistent
----------------------------------------

Name:           lab
UUID:           5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51
Active:         no
Persistent:     yes
Autostart:      no
Bridge:         lvtlab0
5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51
iso
--- exit 0
$ -c qemu:///embed?root=@TMP@/a net-dumpxml lab
<network>
  <name>lab</name>
  <uuid>5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51</uuid>
  <forward mode='nat'>
    <nat>
      <port start='1024' end='65535'/>
    </nat>
  </forward>
  <bridge name='lvtlab0' stp='on' delay='0'/>
  <mac address='52:54:00:0a:e7:10'/>
  <ip address='10.231.10.1' prefix='24'>
    <dhcp>
      <range start='10.231.10.100' end='10.231.10.199'/>
      <host mac='52:54:00:10:00:01' name='db' ip='10.231.10.10'/>
    </dhcp>
  </ip>
</network>
--- exit 0
$ -c qemu:///embed?root=@TMP@/a net-dumpxml iso --inactive --xpath /network/ip/@address
 address="10.231.11.1"
--- exit 0
$ -c qemu:///embed?root=@TMP@/a --json net-list --all
[
  {
    "active": false,
    "autostart": false,
    "bridge": "lvtiso0",
    "forward": "none",
    "name": "iso",
    "persistent": true,
    "uuid": "5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e52"
  },
  {
    "active": false,
    "autostart": false,
    "bridge": "lvtlab0",
    "forward": "nat",
    "name": "lab",
    "persistent": true,
    "uuid": "5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51"
  }
]
--- exit 0
$ -c qemu:///embed?root=@TMP@/a --json net-info 5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51
{
  "active": false,
  "autostart": false,
  "bridge": "lvtlab0",
  "forward": "nat",
  "name": "lab",
  "persistent": true,
  "uuid": "5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51"
}
--- exit 0
# autostart, then the filters on it
$ -c qemu:///embed?root=@TMP@/a -e "net-autostart lab; net-list --all --autostart; net-list --all --no-autostart --name; net-info lab; net-autostart lab --disable; net-list --all --autostart"
Network lab marked as autostarted

 Name   State      Autostart   Persistent
-------------------------------------------
 lab    inactive   yes         yes

iso
Name:           lab
UUID:           5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51
Active:         no
Persistent:     yes
Autostart:      yes
Bridge:         lvtlab0
Network lab unmarked as autostarted

 Name   State   Autostart   Persistent
----------------------------------------

--- exit 0
# lookups that find nothing, and the wrong kind of key
$ -c qemu:///embed?root=@TMP@/a net-info nosuch
--- stderr
error: Network not found: no network with matching name 'nosuch'
--- exit 1
$ -c qemu:///embed?root=@TMP@/a net-uuid 5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51
--- stderr
error: Network not found: no network with matching name '5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51'
--- exit 1
$ -c qemu:///embed?root=@TMP@/a net-name lab
--- stderr
error: Network not found: no network with matching uuid 'lab'
--- exit 1
# net-update of an inactive network's static hosts: the definition changes
$ -c qemu:///embed?root=@TMP@/a -e "net-update lab add ip-dhcp-host \"<host mac='52:54:00:10:00:02' name='web' ip='10.231.10.11'/>\"; net-dumpxml lab --xpath //host"
Updated network lab persistent config

<host mac='52:54:00:10:00:01' name='db' ip='10.231.10.10'/>
<host mac='52:54:00:10:00:02' name='web' ip='10.231.10.11'/>
--- exit 0
$ -c qemu:///embed?root=@TMP@/a -e "net-update lab modify ip-dhcp-host \"<host mac='52:54:00:10:00:02' name='web' ip='10.231.10.12'/>\" --config; net-update lab add-first ip-dhcp-host @DATA@/net-host.xml; net-dumpxml lab --xpath //host"
Updated network lab persistent config

Updated network lab persistent config

<host mac='52:54:00:10:00:03' name='cache' ip='10.231.10.13'/>
<host mac='52:54:00:10:00:01' name='db' ip='10.231.10.10'/>
<host mac='52:54:00:10:00:02' name='web' ip='10.231.10.12'/>
--- exit 0
$ -c qemu:///embed?root=@TMP@/a -e "net-update lab delete ip-dhcp-host \"<host mac='52:54:00:10:00:01' name='db' ip='10.231.10.10'/>\"; net-dumpxml lab --xpath //host"
Updated network lab persistent config

<host mac='52:54:00:10:00:03' name='cache' ip='10.231.10.13'/>
<host mac='52:54:00:10:00:02' name='web' ip='10.231.10.12'/>
--- exit 0
# ... and what it refuses, leaving the definition as it was (a host to delete
# is checked as one to add, so it needs its ip: libvirt would match a partial one)
$ -c qemu:///embed?root=@TMP@/a -e "net-update lab add ip-dhcp-host \"<host mac='52:54:00:10:00:09' ip='10.231.99.9'/>\"; net-update lab delete ip-dhcp-host \"<host mac='52:54:00:99:99:99' ip='10.231.10.99'/>\"; net-update lab delete ip-dhcp-host \"<host mac='52:54:00:10:00:03'/>\"; net-update lab add ip-dhcp-host \"<host mac='52:54:00:10:00:02' ip='10.231.10.20'/>\"; net-update lab add ip-dhcp-host \"<host mac='52:54:00:10:00:09'\"; net-update lab add ip-dhcp-host \"<host/>\" --live; net-update iso add ip-dhcp-host \"<host mac='52:54:00:10:00:09' ip='10.231.11.9'/>\" --parent-index 3; net-dumpxml lab --xpath //host"
<host mac='52:54:00:10:00:03' name='cache' ip='10.231.10.13'/>
<host mac='52:54:00:10:00:02' name='web' ip='10.231.10.12'/>
--- stderr
error: DHCP <host> address 10.231.99.9 is outside the subnet 10.231.10.0/24
error: network 'lab' has no DHCP host 52:54:00:99:99:99
error: XML error: DHCP <host> 52:54:00:10:00:03 has no ip attribute
error: network 'lab' already has a DHCP host 52:54:00:10:00:02 (modify changes it)
error: XML error: malformed XML at line 1: Couldn't find end of Start Tag host line 1
error: network 'lab' is not active: a live update needs a running network
error: net-update: there is no <ip> number 3 (a network has one)
--- exit 1
# net-edit: a good edit is defined, a failed or broken one changes nothing
$ -c qemu:///embed?root=@TMP@/a -e "net-edit lab; net-dumpxml lab --xpath //range"
env EDITOR=@DATA@/edit-net-range.sh
Network lab XML configuration edited.

<range start='10.231.10.100' end='10.231.10.150'/>
--- exit 0
$ -c qemu:///embed?root=@TMP@/a -e "net-edit lab; net-edit lab; net-edit lab; net-dumpxml lab --xpath //range"
env EDITOR=@DATA@/edit-net-break.sh
<range start='10.231.10.100' end='10.231.10.150'/>
--- stderr
error: XML error: malformed XML at line 2: Premature end of data in tag network line 1; network lab not changed
error: XML error: malformed XML at line 2: Premature end of data in tag network line 1; network lab not changed
error: XML error: malformed XML at line 2: Premature end of data in tag network line 1; network lab not changed
--- exit 1
$ -c qemu:///embed?root=@TMP@/a net-edit iso
env EDITOR=@DATA@/edit-nothing.sh
Network iso XML configuration not changed.

--- exit 0
$ -c qemu:///embed?root=@TMP@/a net-edit iso
env EDITOR=@DATA@/edit-fail.sh
--- stderr
error: the editor '@DATA@/edit-fail.sh' exited with status 3; network iso not changed
--- exit 1
# bad definitions: one line, nothing defined
$ -c qemu:///embed?root=@TMP@/b -e "net-define @DATA@/net-malformed.xml; net-define @DATA@/net-range-outside.xml; net-define @DATA@/net-bad-mode.xml; net-define @DATA@/web1.xml; net-list --all"
 Name   State   Autostart   Persistent
----------------------------------------

--- stderr
error: XML error: malformed XML at line 5: Premature end of data in tag network line 1
error: DHCP range start address 10.231.13.100 is outside the subnet 10.231.12.0/24
error: unsupported configuration: value 'passthrough' of attribute 'mode' of element <forward> in <network> is not supported
error: XML error: expected a <network> element, found <domain>
--- exit 1
# network events of define and undefine, seen by a REPL waiting in net-event
$ -c qemu:///embed?root=@TMP@/c
< lua luvirt.spawn(function() luvirt.sleep(100) local f = io.open("@DATA@/net-lab.xml") local n = conn:define_network(f:read("a")) f:close() n:undefine() end)
< net-event --event lifecycle --loop --timeout 2
luvirt.Task 3
event 'lifecycle' for network lab: Defined
event 'lifecycle' for network lab: Undefined
event loop timed out
events received: 2

--- exit 0
$ -c qemu:///embed?root=@TMP@/c
< net-define @DATA@/net-iso.xml
< lua luvirt.spawn(function() luvirt.sleep(100) local f = io.open("@DATA@/net-lab.xml") conn:define_network(f:read("a")) f:close() conn:network("iso"):undefine() end)
< net-event --event lifecycle --network iso --timeout 2 --json
Network iso defined from @DATA@/net-iso.xml

luvirt.Task 4
{
  "count": 1,
  "events": [
    {
      "event": "lifecycle",
      "network": "iso",
      "type": "Undefined"
    }
  ],
  "interrupted": false,
  "timed_out": false
}
--- exit 0
$ -c qemu:///embed?root=@TMP@/c net-event --event lifecycle --timeout 1
event loop timed out
events received: 0

--- exit 1
# undefine, and what a network that is not running refuses
$ -c qemu:///embed?root=@TMP@/a -e "net-destroy lab; net-dhcp-leases lab; net-undefine lab; net-undefine iso; net-list --all; net-undefine lab"
 Expiry Time   MAC address   Protocol   IP address   Hostname   Client ID or DUID
-----------------------------------------------------------------------------------

Network lab has been undefined

Network iso has been undefined

 Name   State   Autostart   Persistent
----------------------------------------

--- stderr
error: network 'lab' is not active
error: Network not found: no network with matching name 'lab'
--- exit 1
# a read-only connection changes nothing
$ -c qemu:///embed?root=@TMP@/d -r -e "net-define @DATA@/net-lab.xml; net-list --all"
 Name   State   Autostart   Persistent
----------------------------------------

--- stderr
error: net-define: the connection 'qemu:///embed?root=@TMP@/d' is read-only
--- exit 1
