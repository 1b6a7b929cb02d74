#!/usr/bin/env python3
"""Network benchmark: luvirt's network driver next to libvirt 9.0's (libvirtd +
virsh), both inside one network namespace this script makes, on one machine,
in one run, interleaved, from the same network and domain XML:

  net-start    `net-start` of a NAT network with DHCP (bridge, address,
               dnsmasq, firewall rules), whole command process
  net-destroy  `net-destroy` of it (everything removed again)
  lease        `start` of the test guest (tests/guest, TCG, booted with
               luvirt.net=dhcp) with a NIC on that network, until its console
               file shows the DHCP lease (LUVIRT-NET-UP); the ready line's time
               is recorded next to it, so the DHCP part shows on its own. The
               network stays up across these boots, after one warm-up boot
               (see Bench.go: dnsmasq's ping check of a new address)

Every command runs under `ip netns exec NS` for both tools (same wrapper
cost). libvirtd runs in the namespace, started by this script as
bench/bench_qemu.py starts it (its qemu.conf written for the run and put back,
under `tini -s`), with virtlogd; it uses qemu:///system, a network and a domain
named lvbench-*, undefined at the end. libvirt's network driver in Debian 12
is in libvirt-daemon and drives iptables (package iptables); luvirt's uses
nftables. luvirt uses qemu:///embed?root=A_TEMP_DIR.

Median of --runs runs (at least 5) after one warm-up run of each tool; prints
the medians and luvirt/libvirt ratios and rewrites the networks section of
docs/performance.md (between its own markers) unless --no-write. Needs root.
This is a script, never a timed test: the numbers depend on the machine.
"""

import argparse
import datetime
import grp
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import bench_qemu  # noqa: E402  (libvirtd's start and stop, process helpers)

SRC = bench.SRC
BEGIN = "<!-- bench-network:begin (written by bench/bench_network.py; edits here are overwritten) -->"
END = "<!-- bench-network:end -->"
HEADING = "## Networks (`bench/bench_network.py`)"
NET = "lvbench-net"
GUEST = "lvbench-netguest"
LEASE = re.compile(rb"LUVIRT-NET-(UP \S+ \S+|FAILED)")

# One per tool (both are up at once during the lease runs): bridge lvbbr0 on
# 192.168.79.0/24 for luvirt, lvbbr1 on 192.168.80.0/24 for libvirt.
NETWORK_XML = """<network>
  <name>%s</name>
  <forward mode='nat'/>
  <bridge name='lvbbr{n}' stp='on' delay='0'/>
  <ip address='192.168.{subnet}.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.{subnet}.100' end='192.168.{subnet}.199'/>
    </dhcp>
  </ip>
</network>
""" % NET

DOMAIN_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0 quiet no_timer_check luvirt.net=dhcp</cmdline>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <devices>
    <emulator>{emulator}</emulator>
    <controller type='usb' model='none'/>
    <interface type='network'>
      <source network='{net}'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'>
      <source path='{console}'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
"""

Failure = bench_qemu.Failure
log = bench_qemu.log
med = bench_qemu.med
ratio = bench_qemu.ratio


class Netns:
    def __init__(self):
        self.name = "lvbench-net%d" % os.getpid()
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        subprocess.run(self.wrap(["ip", "link", "set", "lo", "up"]), check=True)

    def wrap(self, argv):
        return ["ip", "netns", "exec", self.name] + list(argv)

    def pids(self):
        r = subprocess.run(["ip", "netns", "pids", self.name], capture_output=True, text=True)
        return [int(x) for x in r.stdout.split()]

    def remove(self):
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


class Libvirt(bench_qemu.Libvirt):
    """bench_qemu's libvirtd, started inside the namespace."""

    def __init__(self, work, virsh, ns):
        super().__init__(work, virsh)
        self.ns = ns

    def cmd(self, *args):
        return self.ns.wrap([self.virsh, "-c", "qemu:///system"] + list(args))

    def start(self):
        """As bench_qemu's (qemu.conf for the run, virtlogd, libvirtd, under tini -s),
        with libvirtd in the namespace."""
        for name in ("libvirtd", "virtlogd"):
            if bench_qemu.pids_named(name):
                raise Failure("a %s is already running (pid %s): stop it first, this bench "
                              "starts and stops its own" % (name, bench_qemu.pids_named(name)))
        # libvirt's qemu driver looks up its build-time default user even when
        # qemu.conf says root (as bench_qemu.py).
        try:
            pwd.getpwnam("libvirt-qemu")
        except KeyError:
            log("creating the system user libvirt-qemu (libvirtd's qemu driver needs it)")
            try:
                grp.getgrnam("libvirt-qemu")
            except KeyError:
                subprocess.run(["groupadd", "--system", "libvirt-qemu"], check=True)
            subprocess.run(["useradd", "--system", "-g", "libvirt-qemu", "-d", "/var/lib/libvirt",
                            "-s", "/usr/sbin/nologin", "libvirt-qemu"], check=True)
        conf = bench_qemu.QEMU_CONF
        os.makedirs(os.path.dirname(conf), exist_ok=True)
        if os.path.exists(conf):
            with open(conf) as f:
                self.conf_backup = f.read()
        with open(conf, "w") as f:
            f.write(bench_qemu.QEMU_CONF_TEXT)
        self.conf_written = True
        wrap = [self.tini, "-s", "--"] if self.tini else []
        for name in ("virtlogd", "libvirtd"):
            out = open(os.path.join(self.work, name + ".log"), "wb")
            argv = wrap + [name]
            p = subprocess.Popen(self.ns.wrap(argv) if name == "libvirtd" else argv,
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
            out.close()
            self.procs.append(p)
            if name == "virtlogd":
                self._wait_for(lambda: os.path.exists("/run/libvirt/virtlogd-sock"), "virtlogd")
        self._wait_for(self._answers, "libvirtd")

    def cleanup_network(self):
        subprocess.run(self.cmd("net-destroy", NET), env=self.env, capture_output=True)
        subprocess.run(self.cmd("net-undefine", NET), env=self.env, capture_output=True)


class LeaseWatcher(threading.Thread):
    """Polls a console file every 10 ms: when the ready line, when the lease."""

    def __init__(self, path, t0):
        super().__init__(daemon=True)
        self.path, self.t0 = path, t0
        self.ready = self.lease = None
        self.failed = False
        self.stop_flag = False

    def run(self):
        while not self.stop_flag and self.lease is None and not self.failed:
            try:
                with open(self.path, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                data = b""
            now = time.perf_counter() - self.t0
            if self.ready is None and bench_qemu.READY in data:
                self.ready = now
            m = LEASE.search(data)
            if m:
                if m.group(1) == b"FAILED":
                    self.failed = True
                else:
                    self.lease = now
            time.sleep(0.01)

    def wait(self, timeout, what):
        self.join(timeout)
        self.stop_flag = True
        if self.lease is None:
            raise Failure("%s: no DHCP lease within %d s (%s)" % (
                what, timeout, "the guest's udhcpc gave up" if self.failed else "timeout"))
        return self.ready, self.lease


class Bench:
    def __init__(self, args, luvirt, virsh, work, ns):
        self.args, self.work, self.ns = args, work, ns
        self.uri = "qemu:///embed?root=%s" % os.path.join(work, "lv")
        self.lv_env = bench.luvirt_env(luvirt)
        self.luvirt = luvirt
        self.libvirt = Libvirt(work, virsh, ns)
        self.r = {}
        self.netxml = {}
        for n, tool in enumerate(("lv", "vs")):
            self.netxml[tool] = os.path.join(work, "%s-net.xml" % tool)
            with open(self.netxml[tool], "w") as f:
                f.write(NETWORK_XML.format(n=n, subnet=79 + n))

    def add(self, key, v):
        self.r.setdefault(key, []).append(v)

    def argv(self, tool, *args):
        if tool == "lv":
            return self.ns.wrap([self.luvirt, "-c", self.uri] + list(args))
        return self.libvirt.cmd(*args)

    def env(self, tool):
        return self.lv_env if tool == "lv" else self.libvirt.env

    def run(self, tool, *args):
        wall, out = bench_qemu.run(self.argv(tool, *args), self.env(tool),
                                   "%s %s" % (tool, " ".join(args)))
        return wall

    def console(self, tool):
        return os.path.join(self.work, "%s-console.log" % tool)

    def define(self):
        g = self.args.guest_dir
        for tool in ("lv", "vs"):
            self.run(tool, "net-define", self.netxml[tool])
            if self.args.lease_runs:
                path = os.path.join(self.work, "%s-guest.xml" % tool)
                with open(path, "w") as f:
                    f.write(DOMAIN_XML.format(name=GUEST, kernel=os.path.join(g, "vmlinuz"),
                                              initrd=os.path.join(g, "initramfs.cpio.gz"),
                                              emulator=self.args.emulator, net=NET,
                                              console=self.console(tool)))
                self.run(tool, "define", path)

    def start_destroy(self, tool, record):
        s = self.run(tool, "net-start", NET)
        d = self.run(tool, "net-destroy", NET)
        if record:
            self.add(tool + ".net-start", s)
            self.add(tool + ".net-destroy", d)

    def lease(self, tool, record):
        """One boot on the running network, until the guest holds its lease."""
        con = self.console(tool)
        bench_qemu.fresh([con])
        t0 = time.perf_counter()
        w = LeaseWatcher(con, t0)
        w.start()
        self.run(tool, "start", GUEST)
        try:
            ready, lease = w.wait(self.args.timeout, "%s start" % tool)
        finally:
            self.run(tool, "destroy", GUEST)
            bench_qemu.reap_orphans(self.libvirt.own_pids)
        if record:
            self.add(tool + ".ready", ready)
            self.add(tool + ".lease", lease)

    def go(self):
        self.libvirt.start()
        self.define()
        for tool in ("lv", "vs"):  # warm-up: first runs load code, libvirt makes its chains
            self.start_destroy(tool, False)
        for i in range(self.args.runs):
            for tool in (("lv", "vs") if i % 2 == 0 else ("vs", "lv")):
                self.start_destroy(tool, True)
            log("  net-start/destroy run %d: luvirt %.0f/%.0f ms, libvirt %.0f/%.0f ms" % (
                i + 1, self.r["lv.net-start"][-1] * 1000, self.r["lv.net-destroy"][-1] * 1000,
                self.r["vs.net-start"][-1] * 1000, self.r["vs.net-destroy"][-1] * 1000))
        if not self.args.lease_runs:
            return
        # The network stays up across the boots: dnsmasq then knows the guest's
        # MAC after the warm-up boot in both (libvirt also remembers leases
        # across net-destroy, luvirt does not), so neither pays dnsmasq's ping
        # check of a new address (about 3 s) in the measured runs.
        for tool in ("lv", "vs"):
            self.run(tool, "net-start", NET)
            self.lease(tool, False)
        for i in range(self.args.lease_runs):
            for tool in (("lv", "vs") if i % 2 == 0 else ("vs", "lv")):
                self.lease(tool, True)
            log("  lease run %d: luvirt %.2f s (ready %.2f s), libvirt %.2f s (ready %.2f s)" % (
                i + 1, self.r["lv.lease"][-1], self.r["lv.ready"][-1], self.r["vs.lease"][-1],
                self.r["vs.ready"][-1]))
        for tool in ("lv", "vs"):
            self.run(tool, "net-destroy", NET)

    def cleanup(self):
        for args in (("destroy", GUEST), ("undefine", GUEST), ("net-destroy", NET),
                     ("net-undefine", NET)):
            subprocess.run(self.argv("lv", *args), env=self.lv_env, capture_output=True)
        if self.libvirt.procs:
            subprocess.run(self.libvirt.cmd("destroy", GUEST), env=self.libvirt.env,
                           capture_output=True)
            subprocess.run(self.libvirt.cmd("undefine", GUEST), env=self.libvirt.env,
                           capture_output=True)
            self.libvirt.cleanup_network()
        self.libvirt.stop()


def render(r, args, info):
    rows = [("`net-start` (NAT, DHCP)", "net-start", 1000, "ms", "%.0f"),
            ("`net-destroy`", "net-destroy", 1000, "ms", "%.0f")]
    if args.lease_runs:
        rows += [("`start` to the guest's ready line (network up)", "ready", 1, "s", "%.2f"),
                 ("`start` to the guest's DHCP lease (network up)", "lease", 1, "s", "%.2f")]
    lines = [
        BEGIN,
        "",
        "Measured %s by `bench/bench_network.py --runs %d --lease-runs %d` at commit %s." % (
            info["date"], args.runs, args.lease_runs, info["commit"]),
        "",
        "- Machine: %s" % info["machine"],
        "- luvirt: `%s` (%s), qemu:///embed in a network namespace" % (
            info["luvirt"], info["build"]),
        "- libvirt: `%s`, its network driver (iptables), in the same namespace" % (
            info["libvirt"]),
        "- Whole command processes under `ip netns exec`, median of %d runs each (%s), luvirt "
        "and libvirt interleaved, after one warm-up run of each" % (
            args.runs, "the lease: %d boots, the network up across them" % args.lease_runs
            if args.lease_runs else "no lease runs"),
        "",
        "| workload | luvirt | libvirt | ratio |",
        "|---|--:|--:|--:|",
    ]
    for label, key, scale, unit, fmt in rows:
        a, b = med(r.get("lv." + key, [])), med(r.get("vs." + key, []))
        lines.append("| %s | %s %s | %s %s | %.2fx |" % (
            label, fmt % (a * scale), unit, fmt % (b * scale), unit, ratio(a, b)))
    rs = ratio(med(r["lv.net-start"]), med(r["vs.net-start"]))
    lines += [
        "",
        "Target: `net-start` at most 0.5x libvirt's. This run: %.2fx, %s." % (
            rs, "met" if rs <= 0.5 else "**not met**"),
        "",
        END,
    ]
    return "\n".join(lines)


def write_doc(path, section):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        text = text.rstrip("\n") + "\n\n" + HEADING + "\n\n" + section + "\n"
    else:
        text = text[:start] + section + text[end + len(END):]
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--luvirt", default=os.environ.get("LUVIRT_BIN"),
                   help="the luvirt binary (default: $LUVIRT_BIN, else build/shell/luvirt)")
    p.add_argument("--virsh", default=os.environ.get("VIRSH_BIN", "virsh"))
    p.add_argument("--emulator", default=shutil.which("qemu-system-x86_64") or
                   "/usr/bin/qemu-system-x86_64")
    p.add_argument("--guest-dir", default=os.environ.get("LUVIRT_GUEST_DIR",
                                                         os.path.join(SRC, "tests", "guest", "cache")))
    p.add_argument("--runs", type=int, default=9, help="net-start/net-destroy runs (>= 5)")
    p.add_argument("--lease-runs", type=int, default=5,
                   help="guest boots per tool until a lease (>= 5; 0: leave the lease out)")
    p.add_argument("--timeout", type=int, default=180, help="seconds to a lease, one guest")
    p.add_argument("--doc", default=os.path.join(SRC, "docs", "performance.md"))
    p.add_argument("--no-write", action="store_true", help="print only; leave the doc alone")
    args = p.parse_args()
    if args.runs < 5 or 0 < args.lease_runs < 5:
        p.error("--runs and --lease-runs must be at least 5 (--lease-runs 0 leaves it out)")
    if os.geteuid() != 0:
        p.error("run as root: network namespaces, bridges, libvirtd")
    luvirt = os.path.abspath(args.luvirt or os.path.join(SRC, "build", "shell", "luvirt"))
    if not os.access(luvirt, os.X_OK):
        p.error("no luvirt binary at '%s' (use --luvirt PATH or LUVIRT_BIN)" % luvirt)
    virsh = shutil.which(args.virsh)
    if not virsh:
        p.error("no virsh (apt-get install libvirt-clients)")
    for tool, package in (("ip", "iproute2"), ("dnsmasq", "dnsmasq-base"), ("nft", "nftables"),
                          ("iptables", "iptables"), ("libvirtd", "libvirt-daemon")):
        if not shutil.which(tool):
            p.error("no %s (apt-get install %s)" % (tool, package))
    bench.SUBREAPER = bench.become_subreaper()
    kind = bench.build_kind(luvirt)
    if kind and ("unoptimised" in kind or "Debug" in kind or "ASan" in kind):
        log("bench: warning: %s is a %s build" % (luvirt, kind))

    work = tempfile.mkdtemp(prefix="lvn-", dir="/tmp")  # short: UNIX socket paths
    ns = Netns()
    b = Bench(args, luvirt, virsh, work, ns)
    os.makedirs(b.libvirt.env["XDG_CONFIG_HOME"])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        log("luvirt: %s; namespace %s" % (luvirt, ns.name))
        b.go()
    except (Failure, KeyboardInterrupt) as e:
        print("\nbench: %s" % (e or "interrupted"), file=sys.stderr)
        return 1
    finally:
        b.cleanup()
        ns.remove()
        shutil.rmtree(work, ignore_errors=True)

    libvirt_version = "libvirt"
    try:
        out = subprocess.run(["libvirtd", "--version"], capture_output=True, text=True).stdout
        libvirt_version = out.strip() or libvirt_version
    except OSError:
        pass
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": bench.machine_info(),
        "commit": bench.git_commit(),
        "luvirt": luvirt,
        "build": kind or "installed",
        "libvirt": libvirt_version,
    }
    section = render(b.r, args, info)
    print(section)
    if not args.no_write:
        write_doc(args.doc, section)
        log("wrote %s" % args.doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
