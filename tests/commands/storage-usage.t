# Storage commands without a storage driver (test:///default has no pools):
# the XML the -as commands write (--print-xml needs no driver), usage errors
# (exit 2, one line) and the driver's refusal (exit 1, one line).
$ pool-define-as images dir --target /srv/images --print-xml
<pool type='dir'>
  <name>images</name>
  <target>
    <path>/srv/images</path>
  </target>
</pool>
--- exit 0
$ pool-define-as images dir - - - - /srv/images --print-xml
<pool type='dir'>
  <name>images</name>
  <target>
    <path>/srv/images</path>
  </target>
</pool>
--- exit 0
$ pool-create-as data fs --source-dev /dev/loop7 --source-format ext4 --target /mnt/data --print-xml
<pool type='fs'>
  <name>data</name>
  <source>
    <device path='/dev/loop7'/>
    <format type='ext4'/>
  </source>
  <target>
    <path>/mnt/data</path>
  </target>
</pool>
--- exit 0
$ pool-define-as vg0 logical --source-name vg0 --source-dev /dev/loop8 --print-xml
<pool type='logical'>
  <name>vg0</name>
  <source>
    <device path='/dev/loop8'/>
    <name>vg0</name>
  </source>
</pool>
--- exit 0
$ vol-create-as images web.qcow2 10G --format qcow2 --prealloc-metadata --print-xml
<volume>
  <name>web.qcow2</name>
  <capacity unit='bytes'>10737418240</capacity>
  <target>
    <format type='qcow2'/>
  </target>
</volume>
--- exit 0
$ vol-create-as images raw.img 1048576 --allocation 512K --format raw --print-xml
<volume>
  <name>raw.img</name>
  <capacity unit='bytes'>1048576</capacity>
  <allocation unit='bytes'>524288</allocation>
  <target>
    <format type='raw'/>
  </target>
</volume>
--- exit 0
$ vol-create-as images over.qcow2 10G --format qcow2 --backing-vol /srv/images/base.img --backing-vol-format raw --print-xml
<volume>
  <name>over.qcow2</name>
  <capacity unit='bytes'>10737418240</capacity>
  <target>
    <format type='qcow2'/>
  </target>
  <backingStore>
    <path>/srv/images/base.img</path>
    <format type='raw'/>
  </backingStore>
</volume>
--- exit 0
$ --json vol-create-as images web.qcow2 1G --print-xml
{
  "xml": "<volume>\n  <name>web.qcow2</name>\n  <capacity unit='bytes'>1073741824</capacity>\n</volume>\n"
}
--- exit 0
$ vol-create-as images web.qcow2 10Q
--- stderr
error: --capacity: invalid size '10Q': unknown unit 'Q'
--- exit 2
$ vol-create-as images web.qcow2
--- stderr
error: command 'vol-create-as' requires <capacity> option
--- exit 2
$ vol-create-as images web.qcow2 1G --format vmdk
--- stderr
error: invalid value 'vmdk' for option --format of command 'vol-create-as': expected one of raw, qcow2
--- exit 2
$ vol-create-as images web.qcow2 1G --backing-vol-format raw
--- stderr
error: --backing-vol-format needs --backing-vol
--- exit 2
$ vol-create-as images web.qcow2 1G --format raw --prealloc-metadata
--- stderr
error: --prealloc-metadata needs --format qcow2
--- exit 2
$ pool-create-as p dir --target /x --overwrite
--- stderr
error: --overwrite and --no-overwrite need --build
--- exit 2
$ pool-build p --overwrite --no-overwrite
--- stderr
error: options --overwrite and --no-overwrite of command 'pool-build' are mutually exclusive
--- exit 2
$ pool-list --all --inactive
--- stderr
error: options --all and --inactive of command 'pool-list' are mutually exclusive
--- exit 2
$ pool-list --details --name
--- stderr
error: options --details and --name of command 'pool-list' are mutually exclusive
--- exit 2
$ vol-resize v.img 1Q --pool images
--- stderr
error: --capacity: invalid size '1Q': unknown unit 'Q'
--- exit 2
$ vol-upload v.img
--- stderr
error: command 'vol-upload' requires <file> option
--- exit 2
$ pool-list
--- stderr
error: listing pools: the test driver has no storage pools
--- exit 1
$ pool-info default
--- stderr
error: pool lookup: the test driver has no storage pools
--- exit 1
$ vol-list default
--- stderr
error: pool lookup: the test driver has no storage pools
--- exit 1
$ vol-info /srv/images/a.img
--- stderr
error: volume lookup: the test driver has no storage pools
--- exit 1
$ --json pool-list --all
--- stderr
error: listing pools: the test driver has no storage pools
--- exit 1
$ -r pool-define-as p dir --target /x
--- stderr
error: pool-define: the test driver has no storage pools
--- exit 1
$ vol-wipe v.img --pool images --algorithm dod
--- stderr
error: invalid value 'dod' for option --algorithm of command 'vol-wipe': expected one of zero
--- exit 2
