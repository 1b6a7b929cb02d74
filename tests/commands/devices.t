# Devices of a domain from its XML: domblklist, domiflist, vncdisplay,
# domdisplay (against the preloaded domain 'test' and two with VNC)
$ domblklist test
 Target   Source
-----------------------------
 vda      /guest/diskimage1

--- exit 0
$ domblklist test --details
 Type   Device   Target   Source
---------------------------------------------
 file   disk     vda      /guest/diskimage1

--- exit 0
$ --json domblklist test
[
  {
    "bus": "virtio",
    "device": "disk",
    "source": "/guest/diskimage1",
    "target": "vda",
    "type": "file"
  }
]
--- exit 0
$ -e "define @DATA@/web1.xml; domblklist web1 --inactive --details; domiflist web1"
Domain 'web1' defined from @DATA@/web1.xml

 Type   Device   Target   Source
-------------------------------------------------------------
 file   disk     vda      /var/lib/luvirt/images/web1.qcow2

 Interface   Type   Source   Model   MAC
------------------------------------------

--- exit 0
$ domiflist test
 Interface   Type      Source    Model   MAC
------------------------------------------------------------
 testnet0    network   default   -       aa:bb:cc:dd:ee:ff

--- exit 0
$ --json domiflist --inactive test
[
  {
    "mac": "aa:bb:cc:dd:ee:ff",
    "source": "default",
    "target": "testnet0",
    "type": "network"
  }
]
--- exit 0
$ domblklist nosuch
--- stderr
error: domain 'nosuch' not found
--- exit 1
# vnc1 listens on 127.0.0.1:5901, vnc2 on 0.0.0.0:5900
$ -e "define @DATA@/vnc1.xml; define @DATA@/vnc2.xml; vncdisplay vnc1; start vnc1; start vnc2; vncdisplay vnc1; domdisplay vnc1; vncdisplay vnc2; domdisplay vnc2; domdisplay --all vnc1; domdisplay --type spice vnc1"
Domain 'vnc1' defined from @DATA@/vnc1.xml

Domain 'vnc2' defined from @DATA@/vnc2.xml

Domain 'vnc1' started

Domain 'vnc2' started

127.0.0.1:1

vnc://127.0.0.1:1
:0

vnc://localhost:0
vnc://127.0.0.1:1

--- stderr
error: Domain is not running
error: No graphical display with type 'spice' found
--- exit 1
$ --json -e "define @DATA@/vnc1.xml; start vnc1; vncdisplay vnc1; domdisplay vnc1"
{
  "domain": "vnc1",
  "file": "@DATA@/vnc1.xml",
  "message": "Domain 'vnc1' defined from @DATA@/vnc1.xml",
  "uuid": "5d0c1a7e-3f4b-4c2a-9b1e-6a7f00000001"
}
{
  "action": "start",
  "domain": "vnc1",
  "message": "Domain 'vnc1' started",
  "uuid": "5d0c1a7e-3f4b-4c2a-9b1e-6a7f00000001"
}
{
  "display": 1,
  "domain": "vnc1",
  "listen": "127.0.0.1",
  "port": 5901
}
[
  "vnc://127.0.0.1:1"
]
--- exit 0
$ vncdisplay test
--- stderr
error: Failed to get VNC port. Is this domain using VNC?
--- exit 1
$ domdisplay test
--- stderr
error: No graphical display found
--- exit 1
$ domdisplay --type rdp test
--- stderr
error: invalid value 'rdp' for option --type of command 'domdisplay': expected one of vnc, spice
--- exit 2
