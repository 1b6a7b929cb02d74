#!/usr/bin/env python3
"""Real-guest benchmark: luvirt next to libvirt 9.0 (libvirtd + virsh) on QEMU.

Boots the test guest of tests/guest (direct kernel boot, TCG, 128 MiB, serial
console written to a file) with luvirt and with libvirt on the same machine in
the same run, from the same domain XML, interleaved, and records medians of:

  (a) `start` of one guest: until the command returns, and until the guest's
      ready line (LUVIRT-GUEST-READY) is in its console file
  (b) 8 guests started at once (luvirt: one Lua script, luvirt.all over
      dom:start(); libvirt: 8 parallel `virsh start`): until the last command
      returns, and until all 8 ready lines
  (c) `list --all` with 100 defined and 8 running (in each of them)
  (d) suspend + resume round trip (`suspend` then `resume`, two processes;
      and both in one process)
  (e) peak RSS during (b): luvirt's shell process plus its per-guest monitor
      processes against libvirtd plus virtlogd
  (f) the floor: bare qemu with luvirt's argv (QMP on a UNIX socket), exec to
      `cont` answered and to the ready line, and a QMP stop + cont round trip

libvirt is run by this script: it writes /etc/libvirt/qemu.conf
(security_driver "none", qemu as root, like luvirt; the original is put back
afterwards), starts virtlogd and libvirtd in the foreground as its children,
under `tini -s` (a reaping subreaper; PID 1 on these machines reaps orphans
only every ~2 s), uses qemu:///system with domains named lvbench-NNN, and
undefines them and stops both daemons at the end. luvirt uses
qemu:///embed?root=A_TEMP_DIR. Needs root, qemu-system-x86, libvirt-daemon,
libvirt-daemon-driver-qemu, libvirt-clients and tini (.ci/setup).

Prints the medians and the luvirt/libvirt ratios and rewrites the real-guest
section of docs/performance.md (between its own markers) unless --no-write.
This is a script, never a timed test: the numbers depend on the machine.
"""

import argparse
import datetime
import json
import os
import platform
import pwd
import grp
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (run_once, subreaper, machine info: one method for both scripts)

SRC = bench.SRC
BEGIN = "<!-- bench-qemu:begin (written by bench/bench_qemu.py; edits here are overwritten) -->"
END = "<!-- bench-qemu:end -->"
READY = b"LUVIRT-GUEST-READY"
PREFIX = "lvbench-"
LV_SOCK = "/run/libvirt/libvirt-sock"
QEMU_CONF = "/etc/libvirt/qemu.conf"
QEMU_CONF_TEXT = """# written by luvirt's bench/bench_qemu.py for the length of a run
security_driver = "none"
user = "root"
group = "root"
"""

# One XML for both: libvirt's own format, what both accept. The console is a
# <serial type='file'>, so both are watched the same way (the file's bytes).
DOMAIN_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0 quiet no_timer_check</cmdline>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>{emulator}</emulator>
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path='{console}'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
"""

# `luvirt -c URI start-all.lua NAME...`: starts every named domain at once.
LUA_START_ALL = """-- written by bench/bench_qemu.py
local fns = {}
for i = 1, #arg do
    local name = arg[i]
    fns[#fns + 1] = function()
        local dom = assert(conn:domain(name))
        return assert(dom:start())
    end
end
luvirt.all(fns)
return 0
"""


class Failure(Exception):
    pass


class NotReady(Failure):
    """A guest that did not print its ready line in time: counted, not fatal."""


def log(msg):
    print(msg, flush=True)


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def ratio(a, b):
    return a / b if b else float("nan")


# ---------------------------------------------------------------- processes

def run(argv, env, what):
    """One whole process spawned directly by us: (wall seconds, stdout). Fails on status != 0."""
    wall, _rss, code, out, err = bench.run_once(argv, env, capture=True)
    if code != 0:
        raise Failure("%s: exit status %d\n%s%s" % (what, code, out[-1500:], err[-1500:]))
    return wall, out


def reap_orphans(keep):
    """Reaps exited descendants that were reparented to us (we are a subreaper:
    luvirt's monitors land here), leaving our own Popen children alone."""
    while True:
        try:
            r = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if r is None or r.si_pid in keep():
            return
        try:
            os.waitpid(r.si_pid, 0)
        except ChildProcessError:
            return


def proc_status(pid):
    """{'VmHWM': KiB, 'VmRSS': KiB} of a live process ({} when gone)."""
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmHWM", "VmRSS"):
                    out[k] = int(v.split()[0])
    except (OSError, ValueError):
        pass
    return out


def proc_pss(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def monitor_kind(pid):
    """'`PATH` (linked statically)' or '(dynamically)' for a running monitor process."""
    try:
        exe = os.readlink("/proc/%d/exe" % pid)
        with open("/proc/%d/maps" % pid) as f:
            dynamic = any("/libc.so" in line for line in f)
    except OSError:
        return "unknown"
    return "`%s` (linked %s)" % (exe, "dynamically" if dynamic else "statically")


def reset_hwm(pid):
    """Resets a process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0)."""
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def children_of(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def pids_named(name):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit() and comm(int(d)) == name:
            try:
                with open("/proc/%s/stat" % d) as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        continue
            except OSError:
                continue
            out.append(int(d))
    return out


# ---------------------------------------------------------------- console files

class ReadyWatcher(threading.Thread):
    """Polls console files every 10 ms; records when each first holds the ready line."""

    def __init__(self, paths, t0):
        super().__init__(daemon=True)
        self.paths = list(paths)
        self.t0 = t0
        self.ready = {}
        self.stop_flag = False
        self.offsets = {p: 0 for p in self.paths}
        self.tails = {p: b"" for p in self.paths}

    def run(self):
        while not self.stop_flag and len(self.ready) < len(self.paths):
            for p in self.paths:
                if p in self.ready:
                    continue
                try:
                    with open(p, "rb") as f:
                        f.seek(self.offsets[p])
                        data = f.read()
                except FileNotFoundError:
                    continue
                if data:
                    self.offsets[p] += len(data)
                    buf = self.tails[p] + data
                    if READY in buf:
                        self.ready[p] = time.perf_counter() - self.t0
                    self.tails[p] = buf[-len(READY):]
            time.sleep(0.01)

    def wait(self, timeout, what):
        self.join(timeout)
        self.stop_flag = True
        if len(self.ready) < len(self.paths):
            missing = [p for p in self.paths if p not in self.ready]
            raise NotReady("%s: no ready line within %d s in %s" % (what, timeout, ", ".join(missing)))
        return max(self.ready.values())


def fresh(paths):
    for p in paths:
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


# ---------------------------------------------------------------- libvirt

class Libvirt:
    """libvirtd + virtlogd started by us, under tini -s, stopped by stop()."""

    def __init__(self, work, virsh):
        self.work = work
        self.virsh = virsh
        self.env = dict(os.environ)
        self.env.pop("LIBVIRT_DEFAULT_URI", None)
        self.env["XDG_CONFIG_HOME"] = self.env["XDG_CACHE_HOME"] = os.path.join(work, "vhome")
        self.procs = []
        self.conf_backup = None
        self.conf_written = False
        self.tini = shutil.which("tini")

    def cmd(self, *args):
        return [self.virsh, "-c", "qemu:///system"] + list(args)

    def start(self):
        for name in ("libvirtd", "virtlogd"):
            if pids_named(name):
                raise Failure("a %s is already running (pid %s): stop it first, this bench "
                              "starts and stops its own" % (name, pids_named(name)))
        if not shutil.which("libvirtd"):
            raise Failure("no libvirtd (apt-get install libvirt-daemon libvirt-daemon-driver-qemu)")
        # libvirt's qemu driver looks up its build-time default user even when
        # qemu.conf says root; Debian's libvirt-daemon-system would create it.
        try:
            pwd.getpwnam("libvirt-qemu")
        except KeyError:
            log("creating the system user libvirt-qemu (libvirtd's qemu driver needs it to exist)")
            try:
                grp.getgrnam("libvirt-qemu")
            except KeyError:
                subprocess.run(["groupadd", "--system", "libvirt-qemu"], check=True)
            subprocess.run(["useradd", "--system", "-g", "libvirt-qemu", "-d", "/var/lib/libvirt",
                            "-s", "/usr/sbin/nologin", "libvirt-qemu"], check=True)
        os.makedirs(os.path.dirname(QEMU_CONF), exist_ok=True)
        if os.path.exists(QEMU_CONF):
            with open(QEMU_CONF) as f:
                self.conf_backup = f.read()
        with open(QEMU_CONF, "w") as f:
            f.write(QEMU_CONF_TEXT)
        self.conf_written = True
        wrap = [self.tini, "-s", "--"] if self.tini else []
        if not self.tini:
            log("bench: warning: no tini; libvirt's qemu processes are reaped by PID 1 "
                "(slow here): apt-get install tini")
        for name in ("virtlogd", "libvirtd"):
            out = open(os.path.join(self.work, name + ".log"), "wb")
            p = subprocess.Popen(wrap + [name], stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)
            out.close()
            self.procs.append(p)
            if name == "virtlogd":
                self._wait_for(lambda: os.path.exists("/run/libvirt/virtlogd-sock"), "virtlogd")
        self._wait_for(self._answers, "libvirtd")

    def _answers(self):
        r = subprocess.run(self.cmd("version"), env=self.env, capture_output=True)
        return r.returncode == 0

    def _wait_for(self, pred, what, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if pred():
                return
            for p in self.procs:
                if p.poll() is not None:
                    raise Failure("%s exited with status %s; see %s" % (
                        what, p.returncode, os.path.join(self.work, what + ".log")))
            time.sleep(0.05)
        raise Failure("%s did not come up within %d s" % (what, timeout))

    def daemon_pid(self, name):
        for p in self.procs:
            if comm(p.pid) == name:
                return p.pid
            for c in children_of(p.pid):
                if comm(c) == name:
                    return c
        raise Failure("cannot find the %s process" % name)

    def own_pids(self):
        return {p.pid for p in self.procs}

    def names(self, *flags):
        r = subprocess.run(self.cmd("list", "--name", *flags), env=self.env, capture_output=True,
                           text=True)
        return [n for n in r.stdout.split() if n.startswith(PREFIX)]

    def cleanup_domains(self):
        active = self.names()
        if active:
            subprocess.run(self.cmd("; ".join("destroy " + n for n in active)), env=self.env,
                           capture_output=True)
        every = self.names("--all")
        if every:
            subprocess.run(self.cmd("; ".join("undefine " + n for n in every)), env=self.env,
                           capture_output=True)

    def stop(self):
        if self.procs:
            try:
                self.cleanup_domains()
            except OSError:
                pass
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)  # tini passes it on to the daemon
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    for c in children_of(p.pid):
                        os.kill(c, signal.SIGKILL)
                    p.kill()
                    p.wait()
        self.procs = []
        if self.conf_written:
            if self.conf_backup is None:
                os.unlink(QEMU_CONF)
            else:
                with open(QEMU_CONF, "w") as f:
                    f.write(self.conf_backup)
            self.conf_written = False


# ---------------------------------------------------------------- the floor: bare qemu

class QMP:
    def __init__(self, path, timeout=30):
        end = time.time() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.s.close()
                if time.time() > end:
                    raise Failure("bare qemu: no QMP socket %s" % path)
                time.sleep(0.001)
        self.buf = b""
        self.recv()  # greeting

    def recv(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise Failure("bare qemu: QMP closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name):
        self.s.sendall(json.dumps({"execute": name}).encode())
        while True:
            m = self.recv()
            if "return" in m:
                return m["return"]
            if "error" in m:
                raise Failure("bare qemu: %s: %s" % (name, m["error"]))

    def close(self):
        self.s.close()


def floor_argv(status_argv, qmp_path, console):
    """luvirt's argv with its inherited QMP fds replaced by one QMP socket path
    (the monitor process binds them for qemu), no pidfile, its own console file."""
    out, i = [], 0
    a = status_argv
    while i < len(a):
        if a[i] == "-chardev" and i + 1 < len(a) and a[i + 1].startswith("socket,id=charmonitor"):
            i += 2
            continue
        if a[i] == "-mon" and i + 1 < len(a) and "charmonitor" in a[i + 1]:
            i += 2
            continue
        if a[i] == "-pidfile":
            i += 2
            continue
        if a[i] == "-chardev" and i + 1 < len(a) and a[i + 1].startswith("file,id=charserial0"):
            out += ["-chardev", "file,id=charserial0,path=%s" % console]
            i += 2
            continue
        out.append(a[i])
        i += 1
    return out + ["-qmp", "unix:%s,server=on,wait=off" % qmp_path]


# ---------------------------------------------------------------- the bench

class Bench:
    def __init__(self, args, luvirt, virsh, work):
        self.args = args
        self.luvirt = luvirt
        self.work = work
        self.cons = os.path.join(work, "cons")
        self.xml = os.path.join(work, "xml")
        os.makedirs(self.cons)
        os.makedirs(self.xml)
        self.uri = "qemu:///embed?root=%s" % os.path.join(work, "lv")
        self.lv_env = bench.luvirt_env(luvirt)
        self.libvirt = Libvirt(work, virsh)
        self.names = ["%s%03d" % (PREFIX, i) for i in range(1, args.defined + 1)]
        self.group = self.names[:args.guests]   # (b), (c)
        self.monitor = "unknown"  # which monitor binary ran, for the report
        self.one = self.names[args.guests]       # (a), (d) (not among the 8)
        self.script = os.path.join(work, "start-all.lua")
        with open(self.script, "w") as f:
            f.write(LUA_START_ALL)
        self.r = {}   # key -> list of seconds (or KiB)
        self.floor_base = None
        self.floor_procs = []

    def add(self, key, v):
        self.r.setdefault(key, []).append(v)

    def keep(self):
        return self.libvirt.own_pids() | {p.pid for p in self.floor_procs}

    def console(self, tool, name):
        return os.path.join(self.cons, "%s-%s.log" % (tool, name))

    def lv(self, *args):
        return [self.luvirt, "-c", self.uri] + list(args)

    def vs(self, *args):
        return self.libvirt.cmd(*args)

    def define_all(self):
        g = self.args.guest_dir
        for tool in ("lv", "vs"):
            files = []
            for n in self.names:
                path = os.path.join(self.xml, "%s-%s.xml" % (tool, n))
                with open(path, "w") as f:
                    f.write(DOMAIN_XML.format(name=n, kernel=os.path.join(g, "vmlinuz"),
                                              initrd=os.path.join(g, "initramfs.cpio.gz"),
                                              emulator=self.args.emulator,
                                              console=self.console(tool, n)))
                files.append(path)
            cmds = "; ".join("define " + f for f in files)
            if tool == "lv":
                run(self.lv("-e", cmds), self.lv_env, "luvirt define")
            else:
                run(self.vs(cmds), self.libvirt.env, "virsh define")

    # (a), (d) and (f): one guest at a time
    def one_guest(self, tool):
        n = self.one
        con = self.console(tool, n)
        fresh([con])
        start = self.lv("start", n) if tool == "lv" else self.vs("start", n)
        env = self.lv_env if tool == "lv" else self.libvirt.env
        t0 = time.perf_counter()
        w = ReadyWatcher([con], t0)
        w.start()
        wall, _ = run(start, env, "%s start" % tool)
        self.add(tool + ".start", wall)
        self.add(tool + ".ready", w.wait(self.args.timeout, "%s start" % tool))
        if tool == "lv" and self.floor_base is None:
            with open(os.path.join(self.work, "lv", "run", n + ".status")) as f:
                self.floor_base = json.load(f)["argv"]
        for _ in range(self.args.round_trips):
            s, _ = run((self.lv if tool == "lv" else self.vs)("suspend", n), env, tool + " suspend")
            self.settle(tool, n, "paused")
            r, _ = run((self.lv if tool == "lv" else self.vs)("resume", n), env, tool + " resume")
            self.settle(tool, n, "running")
            self.add(tool + ".sr", s + r)
            both = "suspend %s; resume %s" % (n, n)
            w1, _ = run(self.lv("-e", both) if tool == "lv" else self.vs(both), env,
                        tool + " suspend; resume")
            self.settle(tool, n, "running")
            self.add(tool + ".sr1", w1)
        d, _ = run((self.lv if tool == "lv" else self.vs)("destroy", n), env, tool + " destroy")
        self.add(tool + ".destroy", d)
        reap_orphans(self.keep)

    def not_ready(self, what, e):
        log("  %s (run left out, counted as %s.notready)" % (e, what))
        self.r.setdefault(what + ".notready", []).append(1)

    def stop_one(self, tool):
        n = self.one
        argv = self.lv("destroy", n) if tool == "lv" else self.vs("destroy", n)
        bench.run_once(argv, self.lv_env if tool == "lv" else self.libvirt.env)
        reap_orphans(self.keep)

    def dump(self):
        if self.args.json:
            with open(self.args.json, "w") as f:
                json.dump({"samples": self.r, "args": vars(self.args), "partial": True}, f)

    def settle(self, tool, name, state):
        """luvirt: waits (untimed) until the status file shows the new state. A shell's
        suspend/resume returns when qemu has answered; the monitor process writes the
        state into the status file when qemu's STOP/RESUME event reaches it, and a
        next process that reads the file before then sees the old state (and refuses
        a suspend as 'already paused'). The lag is recorded as lv.settle."""
        if tool != "lv":
            return
        path = os.path.join(self.work, "lv", "run", name + ".status")
        t0 = time.perf_counter()
        while True:
            try:
                with open(path) as f:
                    if json.load(f).get("state") == state:
                        break
            except (OSError, ValueError):
                pass
            if time.perf_counter() - t0 > 10:
                raise Failure("luvirt: %s's status file does not say %s after 10 s" % (name, state))
            time.sleep(0.0005)
        self.add("lv.settle", time.perf_counter() - t0)

    def floor(self):
        con = os.path.join(self.cons, "floor.log")
        qmp = os.path.join(self.work, "floor.qmp")
        fresh([con, qmp])
        argv = floor_argv(self.floor_base, qmp, con)
        t0 = time.perf_counter()
        w = ReadyWatcher([con], t0)
        w.start()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(self.work, "floor.err"), "wb"))
        self.floor_procs.append(p)
        try:
            q = QMP(qmp)
            q.cmd("qmp_capabilities")
            q.cmd("cont")
            self.add("floor.start", time.perf_counter() - t0)
            self.add("floor.ready", w.wait(self.args.timeout, "bare qemu"))
            for _ in range(self.args.round_trips):
                t = time.perf_counter()
                q.cmd("stop")
                q.cmd("cont")
                self.add("floor.sr", time.perf_counter() - t)
            q.close()
        finally:
            p.terminate()
            p.wait(30)
            self.floor_procs.remove(p)

    def group_floor(self):
        """(b)'s floor: N bare qemus (luvirt's argv) spawned at once, each resumed over
        its own QMP socket by a thread of its own, until all N ready lines."""
        cons = [os.path.join(self.cons, "floor-%d.log" % i) for i in range(len(self.group))]
        qmps = [os.path.join(self.work, "floor-%d.qmp" % i) for i in range(len(self.group))]
        fresh(cons + qmps)
        errors = []

        def resume(path):
            try:
                q = QMP(path)
                q.cmd("qmp_capabilities")
                q.cmd("cont")
                q.close()
            except (Failure, OSError) as e:
                errors.append(str(e))
        t0 = time.perf_counter()
        w = ReadyWatcher(cons, t0)
        w.start()
        procs = []
        try:
            threads = []
            for con, qmp in zip(cons, qmps):
                p = subprocess.Popen(floor_argv(self.floor_base, qmp, con), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                procs.append(p)
                self.floor_procs.append(p)
                th = threading.Thread(target=resume, args=(qmp,), daemon=True)
                th.start()
                threads.append(th)
            for th in threads:
                th.join(60)
            if errors:
                raise Failure("bare qemu: %s" % errors[0])
            self.add("floor.group_cmd", time.perf_counter() - t0)
            self.add("floor.group_ready", w.wait(self.args.group_timeout, "bare qemu x %d" % len(cons)))
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(30)
                self.floor_procs.remove(p)

    # (b) and (e)
    def group_lv(self, record=True):
        cons = [self.console("lv", n) for n in self.group]
        fresh(cons)
        t0 = time.perf_counter()
        w = ReadyWatcher(cons, t0)
        w.start()
        # Through /bin/sh as in bench.py, for a ru_maxrss of luvirt's own (the ~1 ms
        # of sh is inside this wall time; next to seconds it does not count).
        wall, rss, code, out, err = bench.run_once(self.lv(self.script, *self.group), self.lv_env,
                                                   small_parent=bench.SUBREAPER)
        if code != 0:
            raise Failure("luvirt start-all.lua: exit status %d\n%s%s" % (code, out, err[-2000:]))
        allready = w.wait(self.args.group_timeout, "luvirt: %d guests" % len(self.group))
        if not record:
            return
        self.add("lv.group_cmd", wall)
        self.add("lv.group_ready", allready)
        mons, mon_hwm, mon_pss = [], 0, 0
        for n in self.group:
            with open(os.path.join(self.work, "lv", "run", n + ".status")) as f:
                st = json.load(f)
            pid = st["monitor_pid"]
            s = proc_status(pid)
            if "VmHWM" not in s:
                raise Failure("luvirt monitor of %s (pid %d) is gone" % (n, pid))
            mons.append(pid)
            self.monitor = monitor_kind(pid)
            mon_hwm += s["VmHWM"]
            mon_pss += proc_pss(pid)
        self.add("lv.shell_rss", rss)
        self.add("lv.mon_hwm", mon_hwm)
        self.add("lv.mon_pss", mon_pss)
        self.add("lv.rss", rss + mon_hwm)

    def group_vs(self, record=True):
        cons = [self.console("vs", n) for n in self.group]
        fresh(cons)
        daemons = [self.libvirt.daemon_pid("libvirtd"), self.libvirt.daemon_pid("virtlogd")]
        for pid in daemons:
            reset_hwm(pid)
        idle = [proc_status(pid).get("VmRSS", 0) for pid in daemons]
        t0 = time.perf_counter()
        w = ReadyWatcher(cons, t0)
        w.start()
        pids = []
        for n in self.group:
            pids.append(os.posix_spawn(self.virsh_bin(), self.vs("start", n), self.libvirt.env,
                                       file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                                                     (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]))
        bad = 0
        for pid in pids:
            _, status = os.waitpid(pid, 0)
            bad += os.waitstatus_to_exitcode(status) != 0
        wall = time.perf_counter() - t0
        if bad:
            raise Failure("%d of %d `virsh start` failed" % (bad, len(pids)))
        allready = w.wait(self.args.group_timeout, "libvirt: %d guests" % len(self.group))
        if not record:
            return
        self.add("vs.group_cmd", wall)
        self.add("vs.group_ready", allready)
        hwm = [proc_status(pid).get("VmHWM", 0) for pid in daemons]
        self.add("vs.libvirtd_idle", idle[0])
        self.add("vs.libvirtd_hwm", hwm[0])
        self.add("vs.virtlogd_hwm", hwm[1])
        self.add("vs.pss", sum(proc_pss(pid) for pid in daemons))
        self.add("vs.rss", sum(hwm))

    def virsh_bin(self):
        return self.libvirt.virsh

    def stop_group(self, tool):
        cmds = "; ".join("destroy " + n for n in self.group)
        if tool == "lv":
            run(self.lv("-e", cmds), self.lv_env, "luvirt destroy")
        else:
            run(self.vs(cmds), self.libvirt.env, "virsh destroy")
        reap_orphans(self.keep)

    # (c)
    def lists(self):
        def check(out, what):
            listed = set(re.findall(r"\b(%s\d+)\b" % PREFIX, out))
            running = re.findall(r"^\s*\d+\s+%s\d+\s+running\s*$" % PREFIX, out, re.M)
            if len(listed) != len(self.names) or len(running) != len(self.group):
                raise Failure("%s: %d defined and %d running listed, expected %d and %d\n%s" % (
                    what, len(listed), len(running), len(self.names), len(self.group), out[:3000]))
        check(run(self.lv("list", "--all"), self.lv_env, "luvirt list")[1], "luvirt list --all")
        check(run(self.vs("list", "--all"), self.libvirt.env, "virsh list")[1], "virsh list --all")
        for i in range(self.args.list_runs):
            order = ("lv", "vs") if i % 2 == 0 else ("vs", "lv")
            for tool in order:
                if tool == "lv":
                    self.add("lv.list", run(self.lv("list", "--all"), self.lv_env, "list")[0])
                else:
                    self.add("vs.list", run(self.vs("list", "--all"), self.libvirt.env, "list")[0])

    def cleanup(self):
        for p in self.floor_procs:
            p.kill()
            p.wait()
        try:
            out = subprocess.run(self.lv("list", "--name"), env=self.lv_env, capture_output=True,
                                 text=True, timeout=60).stdout.split()
            if out:
                subprocess.run(self.lv("-e", "; ".join("destroy " + n for n in out)),
                               env=self.lv_env, capture_output=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.libvirt.stop()
        reap_orphans(lambda: set())

    def go(self):
        a = self.args
        log("starting virtlogd and libvirtd (qemu:///system) ...")
        self.libvirt.start()
        self.libvirt.cleanup_domains()
        log("defining %d domains in each ..." % len(self.names))
        self.define_all()
        log("warm-up: one start of each ...")
        for tool in ("lv", "vs"):
            try:
                self.one_guest(tool)
            except NotReady as e:
                log("  warm-up: %s" % e)
                self.stop_one(tool)
        self.r.clear()
        for i in range(a.runs):
            log("(a)(d)(f) run %d/%d" % (i + 1, a.runs))
            order = ["lv", "vs", "floor"] if i % 2 == 0 else ["vs", "lv", "floor"]
            for tool in order:
                try:
                    self.floor() if tool == "floor" else self.one_guest(tool)
                except NotReady as e:
                    self.not_ready(tool, e)
                    if tool != "floor":
                        self.stop_one(tool)
            self.dump()
        for i in range(a.group_runs):
            log("(b)(e) run %d/%d: %d guests at once" % (i + 1, a.group_runs, len(self.group)))
            order = ["lv", "vs"] if i % 2 == 0 else ["vs", "lv"]
            if not a.no_group_floor:
                order.append("floor")
            for tool in order:
                try:
                    if tool == "floor":
                        self.group_floor()
                    else:
                        (self.group_lv if tool == "lv" else self.group_vs)()
                except NotReady as e:
                    self.not_ready(tool + ".group", e)
                if tool != "floor":
                    self.stop_group(tool)
            self.dump()
        log("(c) %d guests running in each, %d defined: list --all x %d" % (
            len(self.group), len(self.names), a.list_runs))
        for f in (self.group_lv, self.group_vs):
            try:
                f(record=False)
            except NotReady as e:  # still running, which is what (c) needs
                log("(c): %s" % e)
        self.lists()
        self.stop_group("lv")
        self.stop_group("vs")


# ---------------------------------------------------------------- report

def rows(r, args):
    """(label, luvirt, libvirt, floor, unit, target) rows, in the units shown."""
    ms = lambda k: med(r.get(k, [])) * 1000  # noqa: E731
    mib = lambda k: med(r.get(k, [])) / 1024  # noqa: E731
    return [
        ("(a) `start`: command returns", ms("lv.start"), ms("vs.start"), ms("floor.start"), "ms", 0.5),
        ("(a) `start`: ready line", ms("lv.ready"), ms("vs.ready"), ms("floor.ready"), "ms", None),
        ("(b) %d at once: last command returns" % args.guests, ms("lv.group_cmd"), ms("vs.group_cmd"),
         ms("floor.group_cmd"), "ms", None),
        ("(b) %d at once: all %d ready lines" % (args.guests, args.guests), ms("lv.group_ready"),
         ms("vs.group_ready"), ms("floor.group_ready"), "ms", 0.8),
        ("(c) `list --all`, %d defined, %d running" % (args.defined, args.guests), ms("lv.list"), ms("vs.list"), None, "ms", 0.5),
        ("(d) `suspend` + `resume` (two processes)", ms("lv.sr"), ms("vs.sr"), ms("floor.sr"), "ms", 0.5),
        ("(d) `suspend; resume` in one process", ms("lv.sr1"), ms("vs.sr1"), ms("floor.sr"), "ms", None),
        ("`destroy` (one guest)", ms("lv.destroy"), ms("vs.destroy"), None, "ms", None),
        ("(e) peak RSS during (b)", mib("lv.rss"), mib("vs.rss"), None, "MiB", 0.25),
        ("(e) PSS once all %d are ready (luvirt: the monitors; its shell has exited)" % args.guests,
         mib("lv.mon_pss"), mib("vs.pss"), None, "MiB", None),
    ]


def fmt(v, unit):
    if v is None or v != v:
        return "-"
    return ("%.0f ms" % v if v >= 100 else "%.1f ms" % v) if unit == "ms" else "%.1f MiB" % v


def verdict(lv, vs, target):
    if target is None:
        return ""
    x = ratio(lv, vs)
    return "≤ %.2fx: %s" % (target, "met" if x <= target else "**not met**")


def render(r, args, info):
    n = lambda k: len(r.get(k, []))  # noqa: E731
    lines = [
        BEGIN,
        "",
        "Measured %s by `bench/bench_qemu.py --runs %d --group-runs %d --list-runs %d`." % (
            info["date"], args.runs, args.group_runs, args.list_runs),
        "",
        "- Machine: %s" % info["machine"],
        "- luvirt: %s (%s, `%s`, %s), `qemu:///embed?root=/tmp/...`; per-guest monitor %s" % (
            info["luvirt_version"], info["commit"], info["luvirt_path"], info["build"],
            info.get("monitor", "unknown")),
        "- libvirt: %s, `virsh -c qemu:///system`; libvirtd and virtlogd in the foreground "
        "under `tini -s`, qemu.conf `security_driver = \"none\"`, `user = group = \"root\"`"
        % info["libvirt_version"],
        "- %s; guest: %s" % (info["qemu_version"], info["guest"]),
        "- Samples: (a) %d, (b)/(e) %d, (c) %d, (d) %d per tool (round trips %d per start); "
        "luvirt and libvirt interleaved, order alternating, after one warm-up start of each" % (
            n("lv.start"), n("lv.group_ready"), n("lv.list"), n("lv.sr"), args.round_trips),
        "",
        "| workload | luvirt | libvirt | luvirt / libvirt | target | bare qemu (floor) |",
        "|---|--:|--:|--:|---|--:|",
    ]
    for label, lv, vs, fl, unit, target in rows(r, args):
        lines.append("| %s | %s | %s | %.2fx | %s | %s |" % (
            label, fmt(lv, unit), fmt(vs, unit), ratio(lv, vs), verdict(lv, vs, target),
            fmt(fl, unit)))
    mib = lambda k: med(r.get(k, [])) / 1024  # noqa: E731
    lines += [
        "",
        "(e) in detail (medians, MiB): luvirt shell process %.1f + %d monitor processes %.1f "
        "(%.2f each; their PSS %.1f in all); libvirtd %.1f (%.1f before (b) with %d defined) + "
        "virtlogd %.1f. Not counted on either side: the qemu processes (the same), the %d `virsh` "
        "client processes. luvirt's status file showed a suspend/resume %.1f ms (median, "
        "max %.1f) after the command returned (see the notes)." % (
            mib("lv.shell_rss"), args.guests, mib("lv.mon_hwm"), mib("lv.mon_hwm") / args.guests,
            mib("lv.mon_pss"), mib("vs.libvirtd_hwm"), mib("vs.libvirtd_idle"), args.defined,
            mib("vs.virtlogd_hwm"), args.guests, med(r.get("lv.settle", [])) * 1000,
            max(r.get("lv.settle", [float("nan")])) * 1000),
        "",
        "Runs left out because a guest printed no ready line in time: %s." % left_out(r),
        "",
        END,
    ]
    return "\n".join(lines)


def left_out(r):
    out = ["%s %d" % (k[:-len(".notready")], len(v)) for k, v in sorted(r.items())
           if k.endswith(".notready")]
    return ", ".join(out).replace("lv", "luvirt").replace("vs", "libvirt") if out else "none"


def write_doc(path, section):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
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
    p.add_argument("--runs", type=int, default=5, help="(a)(d)(f) starts per tool (>= 5)")
    p.add_argument("--group-runs", type=int, default=5, help="(b)(e) runs per tool (>= 5)")
    p.add_argument("--list-runs", type=int, default=10, help="(c) runs per tool")
    p.add_argument("--round-trips", type=int, default=2, help="(d) round trips per start")
    p.add_argument("--guests", type=int, default=8, help="guests started at once in (b)")
    p.add_argument("--defined", type=int, default=100, help="domains defined for (c)")
    p.add_argument("--no-group-floor", action="store_true",
                   help="leave out (b)'s floor: N bare qemus at once")
    p.add_argument("--timeout", type=int, default=120, help="seconds to a ready line, one guest")
    p.add_argument("--group-timeout", type=int, default=300, help="seconds to all ready lines in (b)")
    p.add_argument("--doc", default=os.path.join(SRC, "docs", "performance.md"))
    p.add_argument("--no-write", action="store_true", help="print only; leave the doc alone")
    p.add_argument("--json", help="also write every sample (seconds, KiB) to this file")
    p.add_argument("--from-json", metavar="FILE",
                   help="measure nothing: print and write the doc from a --json file of a run")
    p.add_argument("--allow-few-runs", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.from_json:
        with open(args.from_json) as f:
            saved = json.load(f)
        for k, v in saved.get("args", {}).items():
            if k not in ("doc", "no_write", "json", "from_json"):
                setattr(args, k, v)
        return report(saved["samples"], args, saved["info"])

    if min(args.runs, args.group_runs) < 5 and not args.allow_few_runs:
        p.error("--runs and --group-runs must be at least 5")
    if args.defined <= args.guests:
        p.error("--defined must be larger than --guests")
    if os.geteuid() != 0:
        p.error("run as root: libvirtd for qemu:///system is started by this script")
    luvirt = os.path.abspath(args.luvirt or os.path.join(SRC, "build", "shell", "luvirt"))
    if not os.access(luvirt, os.X_OK):
        p.error("no luvirt binary at '%s' (use --luvirt PATH or LUVIRT_BIN)" % luvirt)
    virsh = shutil.which(args.virsh)
    if not virsh:
        p.error("no virsh (apt-get install libvirt-clients)")
    for f in ("vmlinuz", "initramfs.cpio.gz"):
        if not os.path.exists(os.path.join(args.guest_dir, f)):
            log("building the test guest ...")
            subprocess.run([os.path.join(SRC, "tests", "guest", "build-guest"), args.guest_dir],
                           check=True)
            break
    bench.SUBREAPER = bench.become_subreaper() and os.access("/bin/sh", os.X_OK)
    if not bench.SUBREAPER:
        log("bench: warning: cannot become a subreaper; luvirt's peak RSS includes this "
            "Python process's own as a floor")
    kind = bench.build_kind(luvirt)
    if kind and ("unoptimised" in kind or "Debug" in kind or "ASan" in kind):
        log("bench: warning: %s is a %s build" % (luvirt, kind))

    work = tempfile.mkdtemp(prefix="lvq-", dir="/tmp")   # short: UNIX socket paths
    b = Bench(args, luvirt, virsh, work)
    b.virsh = virsh
    os.makedirs(b.libvirt.env["XDG_CONFIG_HOME"])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        log("luvirt: %s" % luvirt)
        b.go()
    except (Failure, KeyboardInterrupt) as e:
        print("\nbench: %s" % (e or "interrupted"), file=sys.stderr)
        return 1
    finally:
        b.cleanup()
        shutil.rmtree(work, ignore_errors=True)

    r = b.r
    src = bench.find_cmake_source(luvirt) or SRC
    commit = "unknown"
    try:
        with open(os.path.join(src, ".commit")) as f:
            commit = "commit %s, a `git archive` of it" % f.read().strip()
    except OSError:
        g = subprocess.run(["git", "-C", src, "rev-parse", "--short", "HEAD"], capture_output=True,
                           text=True)
        if g.returncode == 0:
            commit = "commit %s" % g.stdout.strip()
    stamp = os.path.join(args.guest_dir, "guest.stamp")
    guest = "tests/guest"
    try:
        with open(stamp) as f:
            kernel = re.search(r"linux-image-[\w.+~-]+", f.read())
            if kernel:
                guest += " (%s)" % kernel.group(0)
    except OSError:
        pass
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": bench.machine_info(),
        "luvirt_version": bench.command_version([luvirt, "--version"], b.lv_env),
        "luvirt_path": luvirt,
        "commit": commit,
        "build": kind or "installed",
        "libvirt_version": bench.command_version(["libvirtd", "--version"], os.environ),
        "qemu_version": bench.command_version([args.emulator, "--version"], os.environ),
        "guest": guest,
        "monitor": b.monitor,
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"info": info, "samples": r, "args": vars(args)}, f, indent=1)
    return report(r, args, info)


def report(r, args, info):
    print()
    print("%-44s %12s %12s %8s %12s  %s" % ("workload", "luvirt", "libvirt", "ratio", "floor",
                                          "target"))
    for label, lv, vs, fl, unit, target in rows(r, args):
        print("%-44s %12s %12s %7.2fx %12s  %s" % (
            label.replace("`", ""), fmt(lv, unit), fmt(vs, unit), ratio(lv, vs), fmt(fl, unit),
            verdict(lv, vs, target).replace("*", "")))
    print("runs left out (no ready line in time): %s" % left_out(r))
    if not args.no_write:
        write_doc(args.doc, render(r, args, info))
        print("updated %s" % args.doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
