# Pools and volumes through the commands, against the qemu driver's local
# storage in an embedded root (one scratch folder per run): dir pools,
# raw and qcow2 volumes of fixed sizes made by the real qemu-img. Each case
# is one process; the state carries over on disk. Sizes of a live pool come
# from the host's file system and are not shown here (storage_render_spec
# pins those layouts; tests/lua/storage_spec.lua checks the numbers).
# Files the cases need, written by Lua: a pool XML with a fixed UUID, 256 KiB
# of data to upload, 4 MiB more than a 4 MiB volume holds.
$ -e "lua local f = assert(io.open('@TMP@/p1.xml', 'w')) f:write(\"<pool type='dir'>\\n  <name>p1</name>\\n  <uuid>0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0001</uuid>\\n  <target>\\n    <path>@TMP@/p1</path>\\n  </target>\\n</pool>\\n\") f:close() f = assert(io.open('@TMP@/p2.xml', 'w')) f:write(\"<pool type='dir'><name>p2</name><uuid>0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0002</uuid><target><path>@TMP@/p2</path></target></pool>\") f:close() f = assert(io.open('@TMP@/p6.xml', 'w')) f:write(\"<pool type='dir'><name>p6</name><uuid>0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0006</uuid><target><path>@TMP@/p6</path></target></pool>\") f:close() local u = assert(io.open('@TMP@/up.bin', 'wb')) for i = 0, 1023 do u:write(string.rep(string.char(i % 251), 256)) end u:close() local b = assert(io.open('@TMP@/big.bin', 'wb')) b:write(string.rep('x', 5 * 1024 * 1024)) b:close()"
--- exit 0
# defining, looking up, starting
$ -c 'qemu:///embed?root=@TMP@/root' pool-define @TMP@/p1.xml
Pool p1 defined from @TMP@/p1.xml

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-list --all
 Name      State      Autostart
---------------------------------
 default   active     yes
 p1        inactive   no

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "= conn:pool('default'):info().target"
"@TMP@/root/images"
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-info p1 --bytes
Name:           p1
UUID:           0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0001
State:          inactive
Persistent:     yes
Autostart:      no

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-uuid p1
0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0001

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-name 0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0001
p1

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-dumpxml p1
<pool type='dir'>
  <name>p1</name>
  <uuid>0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0001</uuid>
  <target>
    <path>@TMP@/p1</path>
  </target>
</pool>
--- exit 0
# the folder is not there yet: start fails naming it, build makes it
$ -c 'qemu:///embed?root=@TMP@/root' pool-start p1
--- stderr
error: pool 'p1': its target folder '@TMP@/p1' does not exist (pool-build creates it)
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-build p1
Pool p1 built

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-start p1
Pool p1 started

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-start p1
--- stderr
error: storage pool 'p1' is already active
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-autostart p1
Pool p1 marked as autostarted

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-list --autostart --name
default
p1

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-autostart p1 --disable
Pool p1 unmarked as autostarted

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-list --autostart --name
default

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-list
 Name      State    Autostart
-------------------------------
 default   active   yes
 p1        active   no

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-define @TMP@/p2.xml
Pool p2 defined from @TMP@/p2.xml

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-create-as p3 dir --target @TMP@/p3 --build
Pool p3 created

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' --json pool-create @TMP@/p6.xml --build
{
  "file": "@TMP@/p6.xml",
  "message": "Pool p6 created from @TMP@/p6.xml",
  "pool": "p6",
  "uuid": "0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0006"
}
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-list --all --transient --name
p3
p6

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-list --all --persistent --name
default
p1
p2

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-list --inactive
 Name   State      Autostart
------------------------------
 p2     inactive   no

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' --json pool-list --inactive --type dir
[
  {
    "active": false,
    "allocation": 0,
    "autostart": false,
    "available": 0,
    "capacity": 0,
    "name": "p2",
    "persistent": true,
    "state": "inactive",
    "target": "@TMP@/p2",
    "type": "dir",
    "uuid": "0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0002"
  }
]
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-define-as p5 dir - - - - @TMP@/p5
Pool p5 defined

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-list --all --type logical --name

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-edit p2
env VISUAL=true
Pool p2 XML configuration not changed.

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-edit p2
env VISUAL=sed -i s|1f1e0002|1f1e0003|
--- stderr
error: pool 'p2' already exists with uuid 0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0002; pool p2 not changed
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-edit p2
env VISUAL=sed -i s|/p2<|/p2x<|
Pool p2 XML configuration edited.

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-dumpxml --inactive p2
<pool type='dir'>
  <name>p2</name>
  <uuid>0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0002</uuid>
  <target>
    <path>@TMP@/p2x</path>
  </target>
</pool>
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-edit p2
env VISUAL=false
--- stderr
error: the editor 'false' exited with status 1; pool p2 not changed
--- exit 1
# pools refused
$ -c 'qemu:///embed?root=@TMP@/root' pool-define-as p4 dir --target @TMP@/p1
--- stderr
error: pool 'p4': target '@TMP@/p1' overlaps pool 'p1' (target '@TMP@/p1')
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-define-as p4 dir --target @TMP@/p1/inner
--- stderr
error: pool 'p4': target '@TMP@/p1/inner' overlaps pool 'p1' (target '@TMP@/p1')
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-define-as p4 dir --target relative/path
--- stderr
error: pool target 'relative/path' must be an absolute path
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-define-as p4 netfs --target @TMP@/p4
--- stderr
error: unsupported configuration: pool type 'netfs' is not supported (luvirt serves dir, fs and logical pools)
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-define @DATA@/storage/pool-iscsi.xml
--- stderr
error: unsupported configuration: element <host> in <source> is not supported
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-define @DATA@/storage/missing.xml
--- stderr
error: cannot read '@DATA@/storage/missing.xml': No such file or directory
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-info nosuch
--- stderr
error: storage pool not found: no pool with matching name or uuid 'nosuch'
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-name 0f6e2a52-6b8e-4b7e-9d59-3a1c1f1effff
--- stderr
error: storage pool not found: no pool with matching uuid '0f6e2a52-6b8e-4b7e-9d59-3a1c1f1effff'
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-list --all --name
default
p1
p2
p3
p5
p6

--- exit 0
# volumes
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-as p1 a.img 4M --format raw --allocation 4M
Vol a.img created

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-as p1 b.qcow2 8M --format qcow2
Vol b.qcow2 created

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-as p1 m.qcow2 8M --format qcow2 --prealloc-metadata
Vol m.qcow2 created

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-as p1 o.qcow2 16M --format qcow2 --backing-vol a.img
Vol o.qcow2 created

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "= (function() local i = conn:pool('p1'):volume('o.qcow2'):info() return i.backing_path, i.backing_format end)()"
"@TMP@/p1/a.img"	"raw"
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-list p1
 Name      Path
--------------------------------------------------
 a.img     @TMP@/p1/a.img
 b.qcow2   @TMP@/p1/b.qcow2
 m.qcow2   @TMP@/p1/m.qcow2
 o.qcow2   @TMP@/p1/o.qcow2

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-info a.img --pool p1
Name:           a.img
Type:           file
Capacity:       4.00 MiB
Allocation:     4.00 MiB

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-info @TMP@/p1/a.img --bytes --physical
Name:           a.img
Type:           file
Capacity:       4194304 bytes
Physical:       4194304 bytes

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' --json vol-info a.img --pool p1
{
  "allocation": 4194304,
  "capacity": 4194304,
  "format": "raw",
  "key": "@TMP@/p1/a.img",
  "name": "a.img",
  "path": "@TMP@/p1/a.img",
  "physical": 4194304,
  "pool": "p1",
  "pool_uuid": "0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0001",
  "type": "file"
}
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-info b.qcow2 --pool p1 --bytes --physical
Name:           b.qcow2
Type:           file
Capacity:       8388608 bytes
Physical:       196616 bytes

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-info m.qcow2 --pool p1 --bytes --physical
Name:           m.qcow2
Type:           file
Capacity:       8388608 bytes
Physical:       8716288 bytes

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-path a.img --pool p1
@TMP@/p1/a.img

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-key a.img --pool p1
@TMP@/p1/a.img

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-name @TMP@/p1/a.img
a.img

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-pool @TMP@/p1/a.img
p1

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-pool --uuid @TMP@/p1/a.img
0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0001

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-dumpxml a.img --pool p1
<volume type='file'>
  <name>a.img</name>
  <key>@TMP@/p1/a.img</key>
  <capacity unit='bytes'>4194304</capacity>
  <allocation unit='bytes'>4194304</allocation>
  <physical unit='bytes'>4194304</physical>
  <target>
    <path>@TMP@/p1/a.img</path>
    <format type='raw'/>
    <permissions>
      <mode>0600</mode>
      <owner>0</owner>
      <group>0</group>
    </permissions>
  </target>
</volume>
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-create p2 @DATA@/storage/vol.xml
--- stderr
error: storage pool 'p2' is not active
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-start p2 --build
Pool p2 started

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-create p2 @DATA@/storage/vol.xml
Vol fromxml.qcow2 created from @DATA@/storage/vol.xml

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-from p2 @DATA@/storage/vol-from.xml a.img --inputpool p1
Vol converted.qcow2 created from input vol a.img

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-info converted.qcow2 --pool p2 --bytes --physical
Name:           converted.qcow2
Type:           file
Capacity:       4194304 bytes
Physical:       196616 bytes

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-list p2
 Name              Path
-------------------------------------------------------------------
 converted.qcow2   @TMP@/p2x/converted.qcow2
 fromxml.qcow2     @TMP@/p2x/fromxml.qcow2

--- exit 0
# transfers, copies, resizing: no progress bar when stderr is not a terminal
$ -c 'qemu:///embed?root=@TMP@/root' vol-clone a.img c.img --pool p1
Vol c.img cloned from a.img

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-upload c.img @TMP@/up.bin --pool p1 --sparse
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-upload c.img @TMP@/up.bin --pool p1
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-download c.img @TMP@/down.bin --pool p1 --length 256K
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "= io.open('@TMP@/down.bin', 'rb'):read('a') == io.open('@TMP@/up.bin', 'rb'):read('a')"
true
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-download c.img @TMP@/down.bin --pool p1 --offset 1K --length 4
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "= io.open('@TMP@/down.bin', 'rb'):read('a')"
"\4\4\4\4"
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-download c.img @TMP@/sparse.bin --pool p1 --sparse
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "= io.open('@TMP@/sparse.bin', 'rb'):seek('end')"
4194304
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-wipe c.img --pool p1
Vol c.img wiped

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-download c.img @TMP@/down.bin --pool p1 --length 4
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "= io.open('@TMP@/down.bin', 'rb'):read('a') == string.rep('\\0', 4)"
true
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-resize c.img 8M --pool p1
Size of volume 'c.img' successfully changed to 8M

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-resize c.img 2M --pool p1
--- stderr
error: vol-resize: volume 'c.img' would shrink from 8.0 MiB to 2.0 MiB: give --shrink to allow it
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-resize c.img 2M --pool p1 --delta
Size of volume 'c.img' successfully changed to 2M

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-info c.img --pool p1 --bytes --physical
Name:           c.img
Type:           file
Capacity:       10485760 bytes
Physical:       10485760 bytes

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-resize c.img --pool p1 -- -6M
Size of volume 'c.img' successfully changed to -6M

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-resize c.img 1M --pool p1 --shrink
Size of volume 'c.img' successfully changed to 1M

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-info c.img --pool p1 --bytes --physical
Name:           c.img
Type:           file
Capacity:       1048576 bytes
Physical:       1048576 bytes

--- exit 0
# volumes refused, each leaving nothing behind
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-as p1 ../x.img 1M
--- stderr
error: invalid volume name '../x.img': contains '/'
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-as p1 a/b.img 1M
--- stderr
error: invalid volume name 'a/b.img': contains '/'
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-as p1 .hidden 1M
--- stderr
error: invalid volume name '.hidden': must not start with '.'
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-as p1 a.img 1M
--- stderr
error: volume 'a.img' of pool 'p1' already exists
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-create-as p1 e.qcow2 1M --format qcow2 --backing-vol nosuch.img
--- stderr
error: backing volume 'nosuch.img' not found: neither a volume of pool 'p1' nor a volume key or path
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-create p1 @DATA@/storage/vol-bad.xml
--- stderr
error: XML error: volume 'bad.img' needs a <capacity>
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-upload c.img @TMP@/big.bin --pool p1
--- stderr
error: vol-upload: '@TMP@/big.bin' (5242880 bytes) does not fit in volume 'c.img' of pool 'p1' (1048576 bytes from offset 0)
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-upload c.img @TMP@/nosuch.bin --pool p1
--- stderr
error: vol-upload: cannot read '@TMP@/nosuch.bin': No such file or directory
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-info nosuch.img --pool p1
--- stderr
error: storage volume not found: no volume 'nosuch.img' in pool 'p1'
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-info nosuch.img
--- stderr
error: failed to get vol 'nosuch.img', specifying --pool might help
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-info @TMP@/p1/nosuch.img
--- stderr
error: storage volume not found: no volume 'nosuch.img' in pool 'p1'
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-list nosuch
--- stderr
error: storage pool not found: no pool with matching name or uuid 'nosuch'
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' -r vol-delete c.img --pool p1
--- stderr
error: vol-delete: the connection 'qemu:///embed?root=@TMP@/root' is read-only
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' -r vol-download c.img @TMP@/down.bin --pool p1
--- stderr
error: vol-download: the connection 'qemu:///embed?root=@TMP@/root' is read-only
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' vol-list p1
 Name      Path
--------------------------------------------------
 a.img     @TMP@/p1/a.img
 b.qcow2   @TMP@/p1/b.qcow2
 c.img     @TMP@/p1/c.img
 m.qcow2   @TMP@/p1/m.qcow2
 o.qcow2   @TMP@/p1/o.qcow2

--- exit 0
# an image copied in behind luvirt's back appears after pool-refresh
$ -c 'qemu:///embed?root=@TMP@/root' -e "lua local p = conn:pool('p1') local before = #p:volumes() local f = assert(io.open('@TMP@/p1/outside.img', 'wb')) f:write(string.rep('\\0', 65536)) f:close() print(before, #p:volumes()) assert(p:refresh()) print(#p:volumes())"
5	6
6
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "pool-refresh p1; vol-info outside.img --pool p1 --bytes --physical"
Pool p1 refreshed

Name:           outside.img
Type:           file
Capacity:       65536 bytes
Physical:       65536 bytes

--- exit 0
# taking it all down
$ -c 'qemu:///embed?root=@TMP@/root' vol-delete c.img --pool p1
Vol c.img deleted

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-delete @TMP@/p1/outside.img
Vol outside.img deleted

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-delete p1
--- stderr
error: storage pool 'p1' is still active: destroy it first
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-destroy p1
Pool p1 destroyed

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "vol-create-as p6 r.img 2M --allocation 2M --format raw; vol-list p6 --details"
Vol r.img created

 Name    Path                                  Type   Capacity   Allocation
-----------------------------------------------------------------------------
 r.img   @TMP@/p6/r.img   file   2.00 MiB   2.00 MiB

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' --json vol-list p6
[
  {
    "allocation": 2097152,
    "capacity": 2097152,
    "format": "raw",
    "key": "@TMP@/p6/r.img",
    "name": "r.img",
    "path": "@TMP@/p6/r.img",
    "physical": 2097152,
    "pool": "p6",
    "pool_uuid": "0f6e2a52-6b8e-4b7e-9d59-3a1c1f1e0006",
    "type": "file"
  }
]
--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' vol-delete r.img --pool p6
Vol r.img deleted

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-destroy p6
Pool p6 destroyed

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-destroy p3
Pool p3 destroyed

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-list --all --name
default
p1
p2
p5

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' pool-delete p1
--- stderr
error: pool 'p1': its target folder '@TMP@/p1' is not empty (delete its volumes first)
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' -e "vol-delete o.qcow2 --pool p1"
--- stderr
error: storage pool 'p1' is not active
--- exit 1
$ -c 'qemu:///embed?root=@TMP@/root' pool-start p1
Pool p1 started

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "vol-delete o.qcow2 --pool p1; vol-delete b.qcow2 --pool p1; vol-delete m.qcow2 --pool p1; vol-delete a.img --pool p1; pool-destroy p1; pool-delete p1; pool-undefine p1"
Vol o.qcow2 deleted

Vol b.qcow2 deleted

Vol m.qcow2 deleted

Vol a.img deleted

Pool p1 destroyed

Pool p1 deleted

Pool p1 has been undefined

--- exit 0
$ -c 'qemu:///embed?root=@TMP@/root' -e "pool-destroy p2; pool-undefine p2; pool-undefine p5; pool-list --all --name"
Pool p2 destroyed

Pool p2 has been undefined

Pool p5 has been undefined

default

--- exit 0
# the scratch folder goes
$ -e "= luvirt.run_interactive { 'rm', '-rf', '@TMP@/root', '@TMP@/p1', '@TMP@/p2', '@TMP@/p2x', '@TMP@/p3', '@TMP@/p6.xml', '@TMP@/p6', '@TMP@/p1.xml', '@TMP@/p2.xml', '@TMP@/up.bin', '@TMP@/big.bin', '@TMP@/down.bin', '@TMP@/sparse.bin' }"
0
--- exit 0
