#!/usr/bin/env python3
"""Guest NICs for real, inside a network namespace this test makes itself
(ip netns add), with every luvirt command run under `ip netns exec` against
qemu:///embed?root=TMP (qemu, the monitor processes and dnsmasq live in the
namespace too).

    test_netns_guest.py bridge|network LUVIRT SRCDIR GUEST_DIR

Each part first takes a snapshot of the namespace (`ip -j link`, `ip -j addr`,
`ip -j route`, `nft -j list ruleset`, the processes in it (ip netns pids), the
files under the network run folder) and compares it at the end, after
everything was destroyed and undefined: it must be exactly the same.

bridge (no network driver needed): a paused guest with <interface
type='bridge'> NICs on a bridge made with ip(8), one with a fixed <target
dev>, and a type='user' one: one TAP each, on the bridge and up, host-side MAC
fe:<guest MAC>; domiflist, domstats and the live XML name them; they vanish
with qemu; the MAC generated at define time stays in the persistent
definition, the vnetN name does not. Bad input: a bridge that does not exist
(after a good NIC, whose TAP must go again), a fixed TAP name already taken:
one line naming it, no TAP, no qemu, no live definition left.

network: net-define + net-start of a NAT network; the test guest with an
<interface type='network'> boots with luvirt.net=dhcp, takes a DHCP lease
(udhcpc) and pings the bridge address (both checked on the serial console);
the TAP is on the network's bridge; net-dhcp-leases and domifaddr show the
lease. Bad input: net-destroy while the guest runs is refused and changes
nothing; a guest NIC on an inactive or unknown network fails to start with
one line and leaves nothing. Then net-destroy --force takes the network down
under a (paused) guest using it.

The namespace is removed (its processes killed first) even when the test fails.
Skipped (77), with the reason, without root, ip netns, /dev/net/tun, dnsmasq,
nft, qemu-system-x86_64, the test guest, or (network) the net-* commands.
"""

import difflib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
READY = "LUVIRT-GUEST-READY"
BOOT_TIMEOUT = float(os.environ.get("LUVIRT_GUEST_TIMEOUT", "60"))
NET = "lvtestnet"
BRIDGE = "lvtbr0"
SUBNET = "192.168.77"
GUEST = "netguest"

NETWORK_XML = f"""<network>
  <name>{NET}</name>
  <forward mode='nat'/>
  <bridge name='{BRIDGE}' stp='on' delay='0'/>
  <ip address='{SUBNET}.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='{SUBNET}.100' end='{SUBNET}.199'/>
    </dhcp>
  </ip>
</network>
"""

OFF_NETWORK_XML = """<network>
  <name>offnet</name>
  <bridge name='lvtbr1'/>
  <ip address='192.168.78.1' prefix='24'/>
</network>
"""


class Failure(Exception):
    pass


def log(msg):
    print(f"test_netns_guest: {msg}", flush=True)


def guest_xml(guest_dir, name, interface, cmdline="console=ttyS0 quiet"):
    return f"""<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>{guest_dir}/vmlinuz</kernel>
    <initrd>{guest_dir}/initramfs.cpio.gz</initrd>
    <cmdline>{cmdline}</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    {interface}
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
"""


class Netns:
    """A network namespace of the test's own; remove() kills what runs in it."""

    PREFIX = "lvnetq"

    def __init__(self, name=None):
        self.name = name or f"{self.PREFIX}{os.getpid()}"
        self.made = name is not None

    @classmethod
    def remove_stale(cls):
        """Namespaces of earlier runs that were killed (a ctest timeout kills
        without letting `finally` run): their test process is gone."""
        p = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
        for line in p.stdout.splitlines():
            m = re.match(rf"({cls.PREFIX}(\d+))\b", line)
            if m and not os.path.exists(f"/proc/{m.group(2)}"):
                log(f"removing the namespace {m.group(1)} of a test run that is gone")
                cls(m.group(1)).remove()

    def create(self):
        p = subprocess.run(["ip", "netns", "add", self.name], capture_output=True, text=True)
        if p.returncode != 0:
            return p.stderr.strip() or f"ip netns add: status {p.returncode}"
        self.made = True
        return None

    def argv(self, *args):
        return ["ip", "netns", "exec", self.name, *args]

    def out(self, *args):
        p = subprocess.run(self.argv(*args), capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise Failure(f"{' '.join(args)}: status {p.returncode}: {p.stderr}")
        return p.stdout

    def pids(self):
        p = subprocess.run(["ip", "netns", "pids", self.name], capture_output=True, text=True)
        return sorted(int(x) for x in p.stdout.split())

    def remove(self):
        if not self.made:
            return
        for _ in range(50):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        self.made = False


class Luvirt:
    def __init__(self, ns, exe, srcdir, root, guest_dir):
        self.ns, self.exe, self.root, self.guest_dir = ns, exe, root, guest_dir
        self.network_run = os.path.join(root, "run", "network")
        self.uri = f"qemu:///embed?root={root}"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("LUVIRT_") or k == "LUVIRT_GUEST_TIMEOUT"}
        self.env["LUVIRT_DATADIR"] = os.path.join(srcdir, "scripts")
        self.env["LUVIRT_MONITOR_EXE"] = os.path.join(os.path.dirname(exe), "luvirt-monitor")

    def argv(self, *args):
        return self.ns.argv(self.exe, "-c", self.uri, *args)

    def run(self, *args, status=0, timeout=120):
        """Runs one command in the namespace; checks its exit status; returns
        (stdout, stderr)."""
        t0 = time.monotonic()
        p = subprocess.run(self.argv(*args), env=self.env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        log(f"$ luvirt {' '.join(args)}  ({(time.monotonic() - t0) * 1000:.0f} ms, "
            f"status {p.returncode})")
        if p.returncode != status:
            raise Failure(f"luvirt {' '.join(args)}: status {p.returncode}, expected {status}\n"
                          f"stdout: {p.stdout}\nstderr: {p.stderr}")
        return p.stdout, p.stderr

    def fails(self, *args, needles=()):
        """A refusal: status 1, one line on stderr, naming each of needles."""
        _, err = self.run(*args, status=1)
        lines = err.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith("error: "):
            raise Failure(f"luvirt {' '.join(args)}: not one error line: {err!r}")
        for n in needles:
            if n not in lines[0]:
                raise Failure(f"luvirt {' '.join(args)}: '{n}' not in {lines[0]!r}")
        log(f"  refused: {lines[0]}")
        return lines[0]

    def spawn(self, *args):
        return subprocess.Popen(self.argv(*args), env=self.env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def write(self, name, text):
        path = os.path.join(self.root, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def has_command(self, name):
        p = subprocess.run([self.exe, "help", name], env=self.env, capture_output=True)
        return p.returncode == 0


def expect(text, pattern, what):
    m = re.search(pattern, text, re.M)
    if not m:
        raise Failure(f"{what}: /{pattern}/ not in:\n{text}")
    return m


def read_until(proc, pattern, timeout, seen=b""):
    """Reads proc's stdout until pattern (a regex) matches; returns (match, all read)."""
    deadline = time.monotonic() + timeout
    buf = seen
    rx = re.compile(pattern.encode())
    while not rx.search(buf):
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure(f"/{pattern}/ not seen within {timeout} s; got:\n"
                          f"{buf.decode(errors='replace')}")
        r, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                raise Failure(f"output ended before /{pattern}/ (status {proc.wait()}); got:\n"
                              f"{buf.decode(errors='replace')}\n"
                              f"stderr: {proc.stderr.read().decode(errors='replace')}")
            buf += chunk
    return rx.search(buf), buf


def files_under(path):
    out = []
    for d, _, names in os.walk(path):
        for n in names:
            out.append(os.path.relpath(os.path.join(d, n), path))
    return sorted(out)


def snapshot(ns, network_run):
    """What a network's life may change in the namespace, to compare."""
    def links():
        # the kernel's counters and the link's own carrier state are not what we compare
        return [{k: v for k, v in link.items() if k not in ("stats64",)}
                for link in json.loads(ns.out("ip", "-j", "link"))]
    def addrs():
        return json.loads(ns.out("ip", "-j", "addr"))

    def settled():
        # a bridge that just got carrier has a link-local IPv6 address in
        # duplicate address detection for a moment ("tentative"): wait it out
        return not any(a.get("tentative") for link in addrs()
                       for a in link.get("addr_info", []))
    wait_for("the namespace's IPv6 addresses past DAD", settled)
    return {
        "links": links(),
        "addrs": addrs(),
        "routes": json.loads(ns.out("ip", "-j", "route")),
        "ruleset": json.loads(ns.out("nft", "-j", "list", "ruleset")),
        "pids": ns.pids(),
        "files": files_under(network_run),
    }


def wait_for(what, pred, timeout=60):
    """Waits (generously: a shared machine) until pred() holds."""
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise Failure(f"{what}: still not so after {timeout} s")
        time.sleep(0.1)


def compare(before, after, what):
    for key in before:
        if before[key] != after[key]:
            diff = difflib.unified_diff(json.dumps(before[key], indent=1).splitlines(),
                                        json.dumps(after[key], indent=1).splitlines(),
                                        "before", "after", lineterm="")
            raise Failure(f"{what}: the namespace's {key} differ:\n" + "\n".join(diff))


def link_of(ns, name):
    p = subprocess.run(ns.argv("ip", "-o", "link", "show", "dev", name), capture_output=True,
                       text=True)
    return p.stdout if p.returncode == 0 else None


def qemus_in(ns):
    names = []
    for pid in ns.pids():
        try:
            with open(f"/proc/{pid}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return [n for n in names if n.startswith("qemu")]


def boot_and_lease(lv, ns):
    """start --console: the ready line, the DHCP lease, a ping of the bridge."""
    p = lv.spawn("start", GUEST, "--console")
    try:
        _, seen = read_until(p, READY, BOOT_TIMEOUT)
        m, seen = read_until(p, r"LUVIRT-NET-(UP eth0 (\S+)/(\d+)|FAILED)\r?\n", 120, seen)
        if m.group(1) == b"FAILED":
            raise Failure(f"the guest got no DHCP lease:\n{seen.decode(errors='replace')}")
        addr, prefix = m.group(2).decode(), m.group(3).decode()
        log(f"guest lease: {addr}/{prefix}")
        if not addr.startswith(SUBNET + ".") or prefix != "24":
            raise Failure(f"lease {addr}/{prefix} is not in {SUBNET}.0/24")
        # the exit status of ping, computed by the guest (not the echo of our line)
        p.stdin.write(f"ping -c 3 -W 10 {SUBNET}.1 >/dev/null; echo PING-RC-$?\n".encode())
        p.stdin.flush()
        m, seen = read_until(p, r"PING-RC-(\d+)", 120, seen)
        if m.group(1) != b"0":
            raise Failure(f"the guest cannot ping {SUBNET}.1:\n{seen.decode(errors='replace')}")
        log(f"the guest pings {SUBNET}.1")
        out, err = p.communicate(timeout=30)  # closing its input detaches the console
        if p.returncode != 0:
            raise Failure(f"start --console: status {p.returncode}: {err.decode()}")
        return addr
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def check_nic(lv, ns, mac, addr):
    """The TAP on the bridge; domiflist, domstats, net-dhcp-leases, domifaddr."""
    out, _ = lv.run("domiflist", GUEST)
    m = expect(out, rf"^ (vnet\d+) +network +{NET} +virtio +{mac}$", "domiflist")
    tap = m.group(1)
    line = link_of(ns, tap)
    if not line or f"master {BRIDGE}" not in line or ",UP" not in line:
        raise Failure(f"TAP {tap}: not up on {BRIDGE}: {line}")
    expect(line, "link/ether fe" + re.escape(mac[2:]), f"TAP {tap}'s MAC")
    out, _ = lv.run("domstats", "--interface", GUEST)
    expect(out, rf"^  net\.0\.name={tap}$", "domstats")
    m = expect(out, r"^  net\.0\.tx\.pkts=(\d+)$", "domstats")
    if int(m.group(1)) == 0:
        raise Failure(f"domstats: the guest sent no packet through {tap}:\n{out}")
    xml, _ = lv.run("dumpxml", GUEST)
    expect(xml, rf"<target dev='{tap}'/>", "the live XML")
    expect(xml, rf"<source network='{NET}'", "the live XML")

    out, _ = lv.run("net-dhcp-leases", NET)
    expect(out, rf"^ .*{mac} +ipv4 +{re.escape(addr)}/24 ", "net-dhcp-leases")
    leases = json.loads(lv.run("--json", "net-dhcp-leases", NET)[0])
    if not any(e.get("mac") == mac and e.get("ipaddr") == addr for e in leases):
        raise Failure(f"net-dhcp-leases --json: no {mac} {addr}: {leases}")
    out, _ = lv.run("domifaddr", GUEST)
    expect(out, rf"^ {tap} +{mac} +ipv4 +{re.escape(addr)}/24\s*$", "domifaddr")
    return tap


def start_fails(lv, ns, bad):
    """Each of bad (name -> (interfaces, words its error must name)) is defined,
    fails to start with one line, and leaves the namespace as it was: no TAP,
    no qemu, no live definition."""
    for name, (iface, _) in bad.items():
        lv.run("define", lv.write(name + ".xml", guest_xml(lv.guest_dir, name, iface)))
    before = snapshot(ns, lv.network_run)
    qemus = qemus_in(ns)
    for name, (_, needles) in bad.items():
        lv.fails("start", name, needles=(f"domain '{name}'",) + needles)
        out, _ = lv.run("domstate", name)
        if out.strip() != "shut off":
            raise Failure(f"{name} after a failed start: {out!r}")
        for suffix in (".xml", ".status", ".pid", ".qmp", ".console"):
            if os.path.exists(os.path.join(lv.root, "run", name + suffix)):
                raise Failure(f"{name}: run/{name}{suffix} is left after a failed start")
    compare(before, snapshot(ns, lv.network_run), "after the failed starts")
    if qemus_in(ns) != qemus:
        raise Failure(f"a qemu is left after the failed starts: {qemus_in(ns)}")
    for name in bad:
        lv.run("undefine", name)


def nic(kind, source, model="virtio", extra=""):
    if kind == "user":
        return f"<interface type='user'><model type='{model}'/>{extra}</interface>"
    attr = "network" if kind == "network" else "bridge"
    return (f"<interface type='{kind}'><source {attr}='{source}'/>{extra}"
            f"<model type='{model}'/></interface>")


def part_bridge(lv, ns):
    before = snapshot(ns, lv.network_run)
    ns.out("ip", "link", "add", "ownbr0", "type", "bridge")
    ns.out("ip", "link", "set", "ownbr0", "up")
    ifaces = (nic("bridge", "ownbr0") + nic("user", None) +
              nic("bridge", "ownbr0", "e1000", "<target dev='lvtap0'/>"))
    lv.run("define", lv.write("bridged.xml", guest_xml(lv.guest_dir, "bridged", ifaces)))
    xml, _ = lv.run("dumpxml", "--inactive", "bridged")
    macs = re.findall(r"<mac address='(52:54:00:[0-9a-f:]{8})'/>", xml)
    if len(macs) != 3:
        raise Failure(f"MACs generated at define time: {macs}\n{xml}")
    lv.run("start", "bridged", "--paused")

    out, _ = lv.run("domiflist", "bridged")
    m = expect(out, rf"^ (vnet\d+) +bridge +ownbr0 +virtio +{macs[0]}$", "domiflist")
    tap = m.group(1)
    expect(out, rf"^ - +user +- +virtio +{macs[1]}$", "domiflist: the user NIC has no TAP")
    expect(out, rf"^ lvtap0 +bridge +ownbr0 +e1000 +{macs[2]}$", "domiflist: a fixed name")
    for name, mac in ((tap, macs[0]), ("lvtap0", macs[2])):
        line = link_of(ns, name)
        if not line or "master ownbr0" not in line or ",UP" not in line:
            raise Failure(f"TAP {name}: not up on ownbr0: {line}")
        expect(line, "link/ether fe" + re.escape(mac[2:]), f"TAP {name}'s MAC")
    out, _ = lv.run("domstats", "--interface", "bridged")
    expect(out, rf"^  net\.0\.name={tap}$", "domstats")
    expect(out, r"^  net\.1\.name=$", "domstats: the user NIC")
    expect(out, r"^  net\.2\.name=lvtap0$", "domstats")
    xml, _ = lv.run("dumpxml", "bridged")
    expect(xml, rf"<target dev='{tap}'/>", "the live XML")

    # a failing NIC after a good one: the good one's TAP goes again
    start_fails(lv, ns, {
        "nobr": (nic("bridge", "ownbr0") + nic("bridge", "nosuchbr0"), ("nosuchbr0",)),
        "taken": (nic("bridge", "ownbr0", extra="<target dev='lvtap0'/>"),
                  ("lvtap0", "exists")),
    })

    lv.run("destroy", "bridged")
    for name in (tap, "lvtap0"):
        wait_for(f"{name} gone with its qemu", lambda n=name: link_of(ns, n) is None)
    xml, _ = lv.run("dumpxml", "--inactive", "bridged")
    if re.findall(r"<mac address='([0-9a-f:]+)'/>", xml) != macs:
        raise Failure(f"the MACs changed in the persistent definition:\n{xml}")
    if "vnet" in xml or "<target dev='lvtap0'/>" not in xml:
        raise Failure(f"TAP names in the persistent definition:\n{xml}")
    lv.run("undefine", "bridged")
    ns.out("ip", "link", "del", "ownbr0")
    wait_for("no process left in the namespace", lambda: ns.pids() == before["pids"])
    compare(before, snapshot(ns, lv.network_run), "after everything was destroyed")


def part_network(lv, ns):
    for cmd in ("net-define", "net-start", "net-destroy", "net-dhcp-leases", "domifaddr"):
        if not lv.has_command(cmd):
            log(f"skipped: luvirt has no '{cmd}' command in this build")
            return SKIP
    p = subprocess.run(lv.argv("net-list", "--all"), env=lv.env, capture_output=True, text=True)
    if p.returncode != 0 and "not supported" in p.stderr:
        log(f"skipped: no network driver in this build ({p.stderr.strip()})")
        return SKIP
    lv.run("net-define", lv.write("net.xml", NETWORK_XML))
    lv.run("define", lv.write("guest.xml", guest_xml(
        lv.guest_dir, GUEST, nic("network", NET), "console=ttyS0 quiet luvirt.net=dhcp")))
    xml, _ = lv.run("dumpxml", "--inactive", GUEST)
    mac = expect(xml, r"<mac address='(52:54:00:[0-9a-f:]{8})'/>", "a generated MAC").group(1)
    before = snapshot(ns, lv.network_run)

    lv.run("net-start", NET)
    addr = boot_and_lease(lv, ns)
    tap = check_nic(lv, ns, mac, addr)

    state = snapshot(ns, lv.network_run)
    lv.fails("net-destroy", NET, needles=(NET, GUEST))
    compare(state, snapshot(ns, lv.network_run), "after a refused net-destroy")
    lv.run("net-define", lv.write("offnet.xml", OFF_NETWORK_XML))
    start_fails(lv, ns, {
        "offguest": (nic("network", "offnet"), ("offnet", "not active")),
        "nonetguest": (nic("network", "nosuchnet"), ("nosuchnet",)),
    })
    lv.run("net-undefine", "offnet")

    lv.run("destroy", GUEST)
    wait_for(f"{tap} gone with its qemu", lambda: link_of(ns, tap) is None)
    xml, _ = lv.run("dumpxml", "--inactive", GUEST)
    expect(xml, f"<mac address='{mac}'/>", "the MAC kept in the persistent definition")
    if "vnet" in xml:
        raise Failure(f"the persistent definition names a TAP:\n{xml}")

    # a (paused) guest on the network: refused unless forced
    lv.run("define", lv.write("second.xml", guest_xml(
        lv.guest_dir, "second", nic("network", NET, "e1000") + nic("user", None))))
    lv.run("start", "second", "--paused")
    out, _ = lv.run("domiflist", "second")
    tap2 = expect(out, rf"^ (vnet\d+) +network +{NET} +e1000 ", "domiflist").group(1)
    lv.fails("net-destroy", NET, needles=(NET, "second"))
    lv.run("net-destroy", NET, "--force")
    if link_of(ns, BRIDGE):
        raise Failure(f"{BRIDGE} still there after net-destroy --force")
    line = link_of(ns, tap2)
    if not line or "master" in line:
        raise Failure(f"{tap2} after net-destroy --force: not there, on no bridge: {line}")
    lv.run("destroy", "second")
    wait_for(f"{tap2} gone with its qemu", lambda: link_of(ns, tap2) is None)
    for name in (GUEST, "second"):
        lv.run("undefine", name)
    lv.run("net-undefine", NET)
    # the monitor processes and dnsmasq may take a moment to be gone
    wait_for("no process left in the namespace", lambda: ns.pids() == before["pids"])
    compare(before, snapshot(ns, lv.network_run), "after everything was destroyed")
    return 0


def main():
    part, exe, srcdir, guest_dir = sys.argv[1:5]
    if part not in ("bridge", "network"):
        print(__doc__, file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        log("skipped: needs root (ip netns, TAP devices, bridges)")
        return SKIP
    tools = [("ip", "iproute2"), ("nft", "nftables"), ("qemu-system-x86_64", "qemu-system-x86")]
    if part == "network":
        tools.append(("dnsmasq", "dnsmasq-base"))
    for tool, package in tools:
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            log(f"skipped: no {tool} (Debian package {package})")
            return SKIP
    if not os.access("/dev/net/tun", os.R_OK | os.W_OK):
        log("skipped: no /dev/net/tun")
        return SKIP
    for f in ("vmlinuz", "initramfs.cpio.gz"):
        if not os.access(os.path.join(guest_dir, f), os.R_OK):
            log(f"skipped: no test guest in {guest_dir} (tests/guest/build-guest makes it)")
            return SKIP
    Netns.remove_stale()
    ns = Netns()
    why = ns.create()
    if why:
        log(f"skipped: cannot make a network namespace: {why}")
        return SKIP
    root = tempfile.mkdtemp(prefix="lvnq-", dir="/tmp")  # short: UNIX socket paths
    lv = Luvirt(ns, exe, srcdir, root, guest_dir)
    t0 = time.monotonic()
    try:
        ns.out("ip", "link", "set", "lo", "up")
        rc = part_bridge(lv, ns) if part == "bridge" else part_network(lv, ns)
        if rc != SKIP:
            log(f"passed in {time.monotonic() - t0:.1f} s")
        return rc or 0
    except (Failure, subprocess.TimeoutExpired) as e:
        log(f"FAILED: {e}")
        logs = os.path.join(root, "log")
        for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
            with open(os.path.join(logs, name), errors="replace") as f:
                log(f"{name}:\n{f.read()[-3000:]}")
        return 1
    finally:
        for name in (GUEST, "second", "bridged"):
            subprocess.run(lv.argv("destroy", name), env=lv.env, capture_output=True)
        for net in (NET, "offnet"):
            subprocess.run(lv.argv("net-destroy", net, "--force"), env=lv.env,
                           capture_output=True)
        ns.remove()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
