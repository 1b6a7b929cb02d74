# Statistics: domstats, dommemstat, domblkinfo (test:///default; its cpu and
# vcpu times and dommemstat's last_update move, so those are checked by tests/qemu)
$ domstats --state
Domain: 'test'
  state.state=1
  state.reason=0

--- exit 0
$ domstats --balloon --interface --block test
Domain: 'test'
  balloon.current=2097152
  balloon.maximum=8388608
  balloon.rss=1048576
  net.count=1
  net.0.name=testnet0
  net.0.rx.bytes=1000000
  net.0.rx.pkts=1000
  net.0.rx.errs=0
  net.0.rx.drop=0
  net.0.tx.bytes=500000
  net.0.tx.pkts=500
  net.0.tx.errs=0
  net.0.tx.drop=0
  block.count=1
  block.0.name=vda
  block.0.path=/guest/diskimage1
  block.0.rd.reqs=1000
  block.0.rd.bytes=4096000
  block.0.rd.times=1000000
  block.0.wr.reqs=500
  block.0.wr.bytes=2048000
  block.0.wr.times=500000
  block.0.fl.reqs=10
  block.0.fl.times=100000
  block.0.allocation=1073741824
  block.0.capacity=107374182400
  block.0.physical=1073741824

--- exit 0
$ domstats --state test
Domain: 'test'
  state.state=1
  state.reason=0

--- exit 0
$ -e "define @DATA@/web1.xml; domstats --state --block web1"
Domain 'web1' defined from @DATA@/web1.xml

Domain: 'web1'
  state.state=5
  state.reason=0

--- exit 0
$ -e "define @DATA@/web1.xml; domstats --state; domstats --list-inactive; domstats --list-running --state; domstats --list-shutoff --list-paused --state; domstats --state web1 test"
Domain 'web1' defined from @DATA@/web1.xml

Domain: 'test'
  state.state=1
  state.reason=0

Domain: 'web1'
  state.state=5
  state.reason=0

Domain: 'web1'
  state.state=5
  state.reason=0

Domain: 'test'
  state.state=1
  state.reason=0

Domain: 'web1'
  state.state=5
  state.reason=0

Domain: 'web1'
  state.state=5
  state.reason=0

Domain: 'test'
  state.state=1
  state.reason=0

--- exit 0
$ --json domstats --state
[
  {
    "domain": "test",
    "stats": {
      "state.reason": 0,
      "state.state": 1
    }
  }
]
--- exit 0
$ domstats nosuch
--- stderr
error: domain 'nosuch' not found
--- exit 1
$ domstats --list-active test
--- stderr
error: options --domain and --list-active of command 'domstats' are mutually exclusive
--- exit 2
$ -e "destroy test; dommemstat test"
Domain 'test' destroyed

--- stderr
error: domain 'test' is not running
--- exit 1
$ dommemstat
--- stderr
error: command 'dommemstat' requires <domain> option
--- exit 2
$ -e "define @DATA@/web1.xml; dommemstat web1"
Domain 'web1' defined from @DATA@/web1.xml

--- stderr
error: domain 'web1' is not running
--- exit 1
$ domblkinfo test vda
Capacity:       107374182400
Allocation:     1073741824
Physical:       1073741824

--- exit 0
$ domblkinfo test --device vda --human
Capacity:       100.000 GiB
Allocation:     1.000 GiB
Physical:       1.000 GiB

--- exit 0
$ domblkinfo test --all
 Target   Capacity       Allocation   Physical
--------------------------------------------------
 vda      107374182400   1073741824   1073741824

--- exit 0
$ domblkinfo test --all --human
 Target   Capacity      Allocation   Physical
------------------------------------------------
 vda      100.000 GiB   1.000 GiB    1.000 GiB

--- exit 0
$ --json domblkinfo test vda
{
  "allocation": 1073741824,
  "capacity": 107374182400,
  "device": "vda",
  "physical": 1073741824
}
--- exit 0
$ domblkinfo test vdz
--- stderr
error: invalid path vdz not assigned to domain 'test'
--- exit 1
$ domblkinfo test
--- stderr
error: command 'domblkinfo' requires <device> option
--- exit 2
$ domblkinfo test vda --all
--- stderr
error: options --all and --device of command 'domblkinfo' are mutually exclusive
--- exit 2
$ -e "create @DATA@/web2.xml; define @DATA@/web1.xml; domstats --state --list-transient; domstats --state --list-persistent --list-running; domstats --state --list-transient --list-shutoff"
Domain 'web2' created from @DATA@/web2.xml

Domain 'web1' defined from @DATA@/web1.xml

Domain: 'web2'
  state.state=1
  state.reason=1

Domain: 'test'
  state.state=1
  state.reason=0

--- exit 0
