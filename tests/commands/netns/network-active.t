# The network commands on networks that run: every case runs in a network
# namespace of its own (run.sh: unshare --net), with an embedded root, so the
# host's own network is never touched. What the driver creates on the host is
# tested in tests/network; this is what the commands make of it.
$ -c qemu:///embed?root=@TMP@/a -e "net-define @DATA@/net-lab.xml; net-start lab; net-list; net-info lab; net-dumpxml lab --xpath //bridge; net-dhcp-leases lab; net-dhcp-leases lab --mac 52:54:00:10:00:01; net-destroy lab; net-list; net-list --inactive"
Network lab defined from @DATA@/net-lab.xml

Network lab started

 Name   State    Autostart   Persistent
-----------------------------------------
 lab    active   no          yes

Name:           lab
UUID:           5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e51
Active:         yes
Persistent:     yes
Autostart:      no
Bridge:         lvtlab0
<bridge name='lvtlab0' stp='on' delay='0'/>
 Expiry Time   MAC address   Protocol   IP address   Hostname   Client ID or DUID
-----------------------------------------------------------------------------------

 Expiry Time   MAC address   Protocol   IP address   Hostname   Client ID or DUID
-----------------------------------------------------------------------------------

Network lab destroyed

 Name   State   Autostart   Persistent
----------------------------------------

 Name   State      Autostart   Persistent
-------------------------------------------
 lab    inactive   no          yes

--- exit 0
# starting an active network, and stopping an inactive one, are refused
$ -c qemu:///embed?root=@TMP@/b -e "net-define @DATA@/net-lab.xml; net-start lab; net-start lab; net-destroy lab; net-destroy lab; net-list --all"
Network lab defined from @DATA@/net-lab.xml

Network lab started

Network lab destroyed

 Name   State      Autostart   Persistent
-------------------------------------------
 lab    inactive   no          yes

--- stderr
error: network 'lab' is already active
error: network 'lab' is not active
--- exit 1
# net-update: --current is the live state of an active network, --config the
# definition only, both both
$ -c qemu:///embed?root=@TMP@/c -e "net-define @DATA@/net-lab.xml; net-start lab; net-update lab add ip-dhcp-host \"<host mac='52:54:00:10:00:02' name='web' ip='10.231.10.11'/>\"; net-update lab add ip-dhcp-host \"<host mac='52:54:00:10:00:05' name='app' ip='10.231.10.15'/>\" --config; net-update lab modify ip-dhcp-host \"<host mac='52:54:00:10:00:01' name='db' ip='10.231.10.9'/>\" --live --config; net-dumpxml lab --xpath //host; net-dumpxml lab --inactive --xpath //host; net-destroy lab"
Network lab defined from @DATA@/net-lab.xml

Network lab started

Updated network lab live state

Updated network lab persistent config

Updated network lab persistent config and live state

<host mac='52:54:00:10:00:01' name='db' ip='10.231.10.9'/>
<host mac='52:54:00:10:00:02' name='web' ip='10.231.10.11'/>
<host mac='52:54:00:10:00:01' name='db' ip='10.231.10.9'/>
<host mac='52:54:00:10:00:05' name='app' ip='10.231.10.15'/>
Network lab destroyed

--- exit 0
# a transient network: net-create starts it, net-destroy makes it go
$ -c qemu:///embed?root=@TMP@/d -e "net-create @DATA@/net-iso.xml; net-list --all; net-info iso; net-autostart iso; net-undefine iso; net-destroy iso; net-list --all"
Network iso created from @DATA@/net-iso.xml

 Name   State    Autostart   Persistent
-----------------------------------------
 iso    active   no          no

Name:           iso
UUID:           5d7a2c3e-1b4f-4a6d-8e9c-0a1b2c3d4e52
Active:         yes
Persistent:     no
Autostart:      no
Bridge:         lvtiso0
Network iso destroyed

 Name   State   Autostart   Persistent
----------------------------------------

--- stderr
error: cannot set autostart for transient network 'iso'
error: cannot undefine transient network 'iso' (net-destroy ends it)
--- exit 1
# an undefined active network runs on as a transient one
$ -c qemu:///embed?root=@TMP@/e -e "net-define @DATA@/net-lab.xml; net-start lab; net-undefine lab; net-list --all; net-destroy lab; net-list --all"
Network lab defined from @DATA@/net-lab.xml

Network lab started

Network lab has been undefined

 Name   State    Autostart   Persistent
-----------------------------------------
 lab    active   no          no

Network lab destroyed

 Name   State   Autostart   Persistent
----------------------------------------

--- exit 0
# Started and Stopped events, to net-event and to a handler that calls the API
$ -c qemu:///embed?root=@TMP@/f
< net-define @DATA@/net-lab.xml
< lua s = conn:network("lab"):on("lifecycle", function(n, e) print("handler:", e, n:xml{inactive = true}:match("<name>(.-)</name>")) end)
< lua luvirt.spawn(function() luvirt.sleep(100) local n = conn:network("lab") n:start() n:destroy() end)
< net-event --event lifecycle --loop --timeout 3
< lua s:cancel()
Network lab defined from @DATA@/net-lab.xml

luvirt.Task 5
event 'lifecycle' for network lab: Started
handler:	started	lab
event 'lifecycle' for network lab: Stopped
handler:	stopped	lab
event loop timed out
events received: 2

--- exit 0
