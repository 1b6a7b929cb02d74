# The monitor and the host: qemu-monitor-command (refused by test:///default),
# capabilities
$ qemu-monitor-command test '{"execute":"query-status"}'
--- stderr
error: qemu-monitor-command is not supported by the test driver
--- exit 1
$ qemu-monitor-command test --hmp info status
--- stderr
error: qemu-monitor-command is not supported by the test driver
--- exit 1
$ qemu-monitor-command test
--- stderr
error: command 'qemu-monitor-command' requires <cmd> option
--- exit 2
$ qemu-monitor-command test --hmp --pretty info
--- stderr
error: options --hmp and --pretty of command 'qemu-monitor-command' are mutually exclusive
--- exit 2
$ -e "capabilities; capabilities --json"
<capabilities>

  <host>
    <cpu>
      <arch>i686</arch>
    </cpu>
    <power_management/>
    <topology>
      <cells num='2'>
        <cell id='0'>
          <memory unit='KiB'>1572864</memory>
          <cpus num='8'>
            <cpu id='0' socket_id='0' core_id='0' siblings='0-1'/>
            <cpu id='1' socket_id='0' core_id='0' siblings='0-1'/>
            <cpu id='2' socket_id='0' core_id='1' siblings='2-3'/>
            <cpu id='3' socket_id='0' core_id='1' siblings='2-3'/>
            <cpu id='4' socket_id='1' core_id='0' siblings='4-5'/>
            <cpu id='5' socket_id='1' core_id='0' siblings='4-5'/>
            <cpu id='6' socket_id='1' core_id='1' siblings='6-7'/>
            <cpu id='7' socket_id='1' core_id='1' siblings='6-7'/>
          </cpus>
        </cell>
        <cell id='1'>
          <memory unit='KiB'>1572864</memory>
          <cpus num='8'>
            <cpu id='8' socket_id='2' core_id='0' siblings='8-9'/>
            <cpu id='9' socket_id='2' core_id='0' siblings='8-9'/>
            <cpu id='10' socket_id='2' core_id='1' siblings='10-11'/>
            <cpu id='11' socket_id='2' core_id='1' siblings='10-11'/>
            <cpu id='12' socket_id='3' core_id='0' siblings='12-13'/>
            <cpu id='13' socket_id='3' core_id='0' siblings='12-13'/>
            <cpu id='14' socket_id='3' core_id='1' siblings='14-15'/>
            <cpu id='15' socket_id='3' core_id='1' siblings='14-15'/>
          </cpus>
        </cell>
      </cells>
    </topology>
  </host>

  <guest>
    <os_type>hvm</os_type>
    <arch name='i686'>
      <wordsize>32</wordsize>
      <emulator>/usr/bin/test-hv</emulator>
      <domain type='test'/>
    </arch>
  </guest>

</capabilities>

{
  "xml": "<capabilities>\n\n  <host>\n    <cpu>\n      <arch>i686</arch>\n    </cpu>\n    <power_management/>\n    <topology>\n      <cells num='2'>\n        <cell id='0'>\n          <memory unit='KiB'>1572864</memory>\n          <cpus num='8'>\n            <cpu id='0' socket_id='0' core_id='0' siblings='0-1'/>\n            <cpu id='1' socket_id='0' core_id='0' siblings='0-1'/>\n            <cpu id='2' socket_id='0' core_id='1' siblings='2-3'/>\n            <cpu id='3' socket_id='0' core_id='1' siblings='2-3'/>\n            <cpu id='4' socket_id='1' core_id='0' siblings='4-5'/>\n            <cpu id='5' socket_id='1' core_id='0' siblings='4-5'/>\n            <cpu id='6' socket_id='1' core_id='1' siblings='6-7'/>\n            <cpu id='7' socket_id='1' core_id='1' siblings='6-7'/>\n          </cpus>\n        </cell>\n        <cell id='1'>\n          <memory unit='KiB'>1572864</memory>\n          <cpus num='8'>\n            <cpu id='8' socket_id='2' core_id='0' siblings='8-9'/>\n            <cpu id='9' socket_id='2' core_id='0' siblings='8-9'/>\n            <cpu id='10' socket_id='2' core_id='1' siblings='10-11'/>\n            <cpu id='11' socket_id='2' core_id='1' siblings='10-11'/>\n            <cpu id='12' socket_id='3' core_id='0' siblings='12-13'/>\n            <cpu id='13' socket_id='3' core_id='0' siblings='12-13'/>\n            <cpu id='14' socket_id='3' core_id='1' siblings='14-15'/>\n            <cpu id='15' socket_id='3' core_id='1' siblings='14-15'/>\n          </cpus>\n        </cell>\n      </cells>\n    </topology>\n  </host>\n\n  <guest>\n    <os_type>hvm</os_type>\n    <arch name='i686'>\n      <wordsize>32</wordsize>\n      <emulator>/usr/bin/test-hv</emulator>\n      <domain type='test'/>\n    </arch>\n  </guest>\n\n</capabilities>\n"
}
--- exit 0
