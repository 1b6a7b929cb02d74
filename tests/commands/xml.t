# define, dumpxml (--inactive, --xpath), rename, desc
$ -e "define @DATA@/web1.xml; dumpxml web1"
Domain 'web1' defined from @DATA@/web1.xml

<domain type='qemu'>
  <name>web1</name>
  <uuid>0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01</uuid>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <boot dev='hd'/>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/luvirt/images/web1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
--- exit 0
$ dumpxml test --xpath /domain/name
<name>test</name>
--- exit 0
$ dumpxml test --xpath //disk/source/@file
 file="/guest/diskimage1"
--- exit 0
$ dumpxml test --xpath "count(//disk)"
1
--- exit 0
$ dumpxml test --xpath "/domain/devices/*[1]"
<disk type='file' device='disk'>
      <source file='/guest/diskimage1'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </disk>
--- exit 0
$ dumpxml test --xpath //nosuch
--- exit 0
$ dumpxml test --xpath "//disk[@device='disk']/target/@dev"
 dev="vda"
--- exit 0
$ --json dumpxml test --xpath /domain/uuid/text()
[
  "6695eb01-f6a4-8304-79aa-97f2502e193f"
]
--- exit 0
$ dumpxml test --xpath "///"
--- stderr
error: invalid XPath expression '///'
--- exit 2
$ -e "define @DATA@/web1.xml; start web1; dumpxml web1 --xpath /domain/@id; dumpxml --inactive web1 --xpath /domain/@id"
Domain 'web1' defined from @DATA@/web1.xml

Domain 'web1' started

 id="2"
--- exit 0
$ -e "define @DATA@/web1.xml; domrename web1 web9; list --all; dumpxml web9 --xpath /domain/name; domrename test web9; domrename web9 test"
Domain 'web1' defined from @DATA@/web1.xml

Domain successfully renamed

 Id   Name   State
-----------------------
 1    test   running
 -    web9   shut off

<name>web9</name>
--- stderr
error: cannot rename domain 'test': it is active (only a shut off domain can be renamed)
error: domain 'test' already exists
--- exit 1
$ -e "desc test; desc test --title; desc test --new-desc 'A test domain'; desc test; desc test --title Test box; desc test --title; list --title; desc test --new-desc ''; desc test"
No description for domain: test
No title for domain: test
Domain description updated successfully
A test domain
Domain title updated successfully
Test box
 Id   Name   State     Title
---------------------------------
 1    test   running   Test box

Domain description updated successfully
No description for domain: test
--- exit 0
$ -e "desc test --config Persistent only; desc test --config; desc test --live"
Domain description updated successfully
Persistent only
No description for domain: test
--- exit 0
$ --json -e "desc test --new-desc hello; desc test"
{
  "changed": true,
  "description": "hello",
  "domain": "test",
  "message": "Domain description updated successfully"
}
{
  "changed": false,
  "description": "hello",
  "domain": "test",
  "message": "hello"
}
--- exit 0
$ desc test --title "two\nlines"
--- stderr
error: title can't contain newlines
--- exit 1
