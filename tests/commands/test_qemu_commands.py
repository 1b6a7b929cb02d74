#!/usr/bin/env python3
"""The qemu-facing commands for real: the luvirt binary against a booted test
guest (tests/guest) over qemu:///embed?root=TMP.

    test_qemu_commands.py LUVIRT SRCDIR GUEST_DIR

One guest, one boot: define; start --console through a pipe (the ready line,
then `echo hel''lo` answered by `hello`); vncdisplay, domdisplay, domstats,
dommemstat, domblklist, domiflist, domblkinfo, qemu-monitor-command (QMP and
--hmp); console through a pipe, from the interactive shell on a pty, and
--force taking it over; event while another luvirt process suspends and
resumes the guest; shutdown --timeout 30 (and --timeout 1 of a guest without
ACPI, which fails); domxml-to-native; capabilities.
Skipped (77) without qemu-system-x86_64 or the test guest.
"""

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
READY = "LUVIRT-GUEST-READY"
BOOT_TIMEOUT = float(os.environ.get("LUVIRT_GUEST_TIMEOUT", "60"))


class Failure(Exception):
    pass


def log(msg):
    print(f"test_qemu_commands: {msg}", flush=True)


class Luvirt:
    def __init__(self, exe, srcdir, uri):
        self.exe, self.uri = exe, uri
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("LUVIRT_") and k != "LUVIRT_GUEST_TIMEOUT":
                del self.env[k]
        self.env["LUVIRT_DATADIR"] = os.path.join(srcdir, "scripts")
        self.env["LUVIRT_MONITOR_EXE"] = os.path.join(os.path.dirname(exe), "luvirt-monitor")

    def argv(self, *args):
        return [self.exe, "-c", self.uri, *args]

    def run(self, *args, status=0, timeout=60):
        """Runs one command; checks its exit status; returns its stdout."""
        t0 = time.monotonic()
        p = subprocess.run(self.argv(*args), env=self.env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        ms = (time.monotonic() - t0) * 1000
        log(f"$ luvirt {' '.join(args)}  ({ms:.0f} ms, status {p.returncode})")
        if p.returncode != status:
            raise Failure(f"luvirt {' '.join(args)}: status {p.returncode}, expected {status}\n"
                          f"stdout: {p.stdout}\nstderr: {p.stderr}")
        return p.stdout

    def spawn(self, *args, stdin=subprocess.PIPE):
        return subprocess.Popen(self.argv(*args), env=self.env, stdin=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def expect(text, pattern, what):
    if not re.search(pattern, text, re.M):
        raise Failure(f"{what}: /{pattern}/ not in:\n{text}")


def read_until(proc, needle, timeout, seen=b""):
    """Reads proc's stdout until needle shows up; returns all read so far."""
    deadline = time.monotonic() + timeout
    buf = seen
    while needle.encode() not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure(f"'{needle}' not seen within {timeout} s; got:\n"
                          f"{buf.decode(errors='replace')}")
        r, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                err = proc.stderr.read().decode(errors="replace")
                raise Failure(f"output ended before '{needle}' (status {proc.wait()}); got:\n"
                              f"{buf.decode(errors='replace')}\nstderr: {err}")
            buf += chunk
    return buf


def finish(proc, timeout=10):
    """Closes proc's stdin and waits for it; returns (status, stdout rest, stderr)."""
    try:
        out, err = proc.communicate(timeout=timeout)  # closes stdin first
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise Failure(f"still running {timeout} s after its input ended: {err.decode()}")
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def console_echo(proc, seen):
    """Types a command into the guest's shell; its answer differs from what is typed."""
    proc.stdin.write(b"echo hel''lo\n")
    proc.stdin.flush()
    return read_until(proc, "\nhello", 20, seen)


def start_console(lv):
    """start --console through a pipe: the banner, the boot, then our echo."""
    p = lv.spawn("start", "cmds", "--console")
    seen = read_until(p, "Domain 'cmds' started\nConnected to domain 'cmds'\n"
                         "Escape character is ^] (Ctrl + ])\n", 20)
    seen = read_until(p, READY, BOOT_TIMEOUT, seen)
    console_echo(p, seen)
    status, _, err = finish(p)
    if status != 0:
        raise Failure(f"start --console: status {status}: {err}")


def console_pipe(lv):
    p = lv.spawn("console", "cmds")
    seen = read_until(p, "Connected to domain 'cmds'\nEscape character is ^] (Ctrl + ])\n", 10)
    console_echo(p, seen)
    status, _, err = finish(p)
    if status != 0:
        raise Failure(f"console: status {status}: {err}")


def console_force(lv):
    """One session at a time: a second console is refused, --force takes over."""
    first = lv.spawn("console", "cmds")
    read_until(first, "Escape character is ^] (Ctrl + ])\n", 10)
    p = subprocess.run(lv.argv("console", "cmds"), env=lv.env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=10)
    if p.returncode != 1 or not p.stderr.startswith("error: "):
        raise Failure(f"a second console: status {p.returncode}: {p.stdout!r} {p.stderr!r}")
    log(f"second console refused: {p.stderr.strip()}")
    second = lv.spawn("console", "cmds", "--force")
    seen = read_until(second, "Escape character is ^] (Ctrl + ])\n", 10)
    try:
        first.wait(timeout=10)
    except subprocess.TimeoutExpired:
        raise Failure("the first console session is still attached after console --force")
    console_echo(second, seen)
    status, _, err = finish(second)
    if status != 0:
        raise Failure(f"console --force: status {status}: {err}")
    first.communicate()


def repl_console(lv):
    """console from the interactive shell on a terminal: attach, type, ^] back
    to the prompt, which still works."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(lv.exe, lv.argv(), lv.env)
    buf = b""

    def until(needle, timeout=10, since=0):
        """Reads until needle shows up after offset since of the output."""
        nonlocal buf
        deadline = time.monotonic() + timeout
        while needle.encode() not in buf[since:]:
            if time.monotonic() > deadline:
                raise Failure(f"REPL: '{needle}' not seen; got:\n{buf.decode(errors='replace')}")
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    buf += os.read(fd, 4096)
                except OSError:
                    break

    try:
        until("luvirt # ")
        os.write(fd, b"console cmds\r")
        until("Escape character is ^] (Ctrl + ])")
        time.sleep(0.3)
        os.write(fd, b"echo wor''ld\r")
        until("\nworld")
        mark = len(buf)
        os.write(fd, b"\x1d")
        # the prompt again; what is typed before it may be dropped with the raw mode
        until("luvirt # ", 5, mark)
        os.write(fd, b"domstate cmds\r")
        until("running\r\n")
        os.write(fd, b"quit\r")
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise Failure(f"REPL exited with {status}:\n{buf.decode(errors='replace')}")
    finally:
        os.close(fd)
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def guest_xml(guest_dir, disk):
    return f"""<domain type='qemu'>
  <name>cmds</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>{guest_dir}/vmlinuz</kernel>
    <initrd>{guest_dir}/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='{disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='user'>
      <mac address='52:54:00:12:34:56'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
    <memballoon model='virtio'><stats period='1'/></memballoon>
  </devices>
</domain>
"""


def main():
    exe, srcdir, guest_dir = sys.argv[1:4]
    if not shutil.which("qemu-system-x86_64"):
        log("skipped: no qemu-system-x86_64")
        return SKIP
    for f in ("vmlinuz", "initramfs.cpio.gz"):
        if not os.access(os.path.join(guest_dir, f), os.R_OK):
            log(f"skipped: no test guest in {guest_dir} (tests/guest/build-guest makes it)")
            return SKIP
    root = tempfile.mkdtemp(prefix="lvcmd-", dir="/tmp")  # short: UNIX socket paths
    lv = Luvirt(exe, srcdir, f"qemu:///embed?root={root}")
    t_start = time.monotonic()
    try:
        disk = os.path.join(root, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(64 << 20)
        xml = os.path.join(root, "cmds.xml")
        with open(xml, "w") as f:
            f.write(guest_xml(guest_dir, disk))
        lv.run("define", xml)

        start_console(lv)
        log(f"ready line after {time.monotonic() - t_start:.1f} s")

        # the display qemu picked for autoport, from the live XML
        out = lv.run("vncdisplay", "cmds")
        m = re.fullmatch(r"127\.0\.0\.1:(\d+)\n\n", out)
        if not m:
            raise Failure(f"vncdisplay: {out!r}")
        out = lv.run("domdisplay", "cmds")
        if out != f"vnc://127.0.0.1:{m.group(1)}\n":
            raise Failure(f"domdisplay: {out!r}")

        out = lv.run("domstats", "cmds")
        for pat in (r"^Domain: 'cmds'$", r"^  state\.state=1$", r"^  cpu\.time=[1-9]\d*$",
                    r"^  balloon\.current=131072$", r"^  vcpu\.current=1$",
                    r"^  vcpu\.0\.time=\d+$", r"^  net\.count=1$", r"^  block\.count=1$",
                    r"^  block\.0\.name=vda$", rf"^  block\.0\.path={re.escape(disk)}$",
                    r"^  block\.0\.capacity=67108864$"):
            expect(out, pat, "domstats")
        order = [line.split(".")[0].strip() for line in out.splitlines()[1:] if "=" in line]
        groups = list(dict.fromkeys(order))
        if groups != ["state", "cpu", "balloon", "vcpu", "net", "block"]:
            raise Failure(f"domstats: groups in the order {groups}")
        out = lv.run("domstats", "--state", "--cpu-total")
        expect(out, r"\A(Domain: 'cmds'\n  state\.state=1\n  state\.reason=1\n"
                    r"  cpu\.time=\d+\n(  cpu\.\w+=\d+\n)*\n)\Z", "domstats --state --cpu-total")
        stats = json.loads(lv.run("--json", "domstats", "--balloon", "cmds"))
        if stats[0]["stats"].get("balloon.current") != 131072:
            raise Failure(f"domstats --json: {stats}")

        out = lv.run("dommemstat", "cmds")
        expect(out, r"\Aactual 131072\n", "dommemstat")
        expect(out, r"^rss [1-9]\d*$", "dommemstat")

        out = lv.run("domblklist", "cmds", "--details")
        expect(out, rf"^ file   disk     vda      {re.escape(disk)}$", "domblklist")
        out = lv.run("domiflist", "cmds")
        expect(out, r"^ -           user   -        virtio   52:54:00:12:34:56$", "domiflist")
        out = lv.run("domblkinfo", "cmds", "vda")
        expect(out, r"^Capacity:       67108864$", "domblkinfo")
        out = lv.run("domblkinfo", "cmds", "--all", "--human")
        expect(out, r"^ vda      64\.000 MiB ", "domblkinfo --all --human")

        out = lv.run("qemu-monitor-command", "cmds", '{"execute":"query-status"}')
        reply = json.loads(out)
        if reply.get("return", {}).get("status") != "running":
            raise Failure(f"qemu-monitor-command: {out}")
        out = lv.run("qemu-monitor-command", "cmds", "--pretty", '{"execute":"query-status"}')
        expect(out, r'^  "return": \{$', "qemu-monitor-command --pretty")
        out = lv.run("qemu-monitor-command", "cmds", "--hmp", "info", "status")
        expect(out, r"^VM status: running", "qemu-monitor-command --hmp")
        lv.run("qemu-monitor-command", "cmds", '{"execute":"no-such-command"}')

        # console through a pipe: what we type reaches the guest's shell
        console_pipe(lv)
        repl_console(lv)
        console_force(lv)


        # event: another process suspends and resumes the guest meanwhile
        p = lv.spawn("event", "--domain", "cmds", "--event", "lifecycle", "--loop",
                     "--timeout", "3", stdin=subprocess.DEVNULL)
        time.sleep(1)  # let it subscribe and take its first look
        lv.run("suspend", "cmds")
        # another process's changes are seen by watching the runtime files, which
        # are compared 15 ms after a change: keep the two changes apart
        time.sleep(0.5)
        lv.run("resume", "cmds")
        out, err = p.communicate(timeout=10)
        out = out.decode()
        if p.returncode != 0 or out != (
                "event 'lifecycle' for domain 'cmds': Suspended Paused\n"
                "event 'lifecycle' for domain 'cmds': Resumed Unpaused\n"
                "event loop timed out\nevents received: 2\n\n"):
            raise Failure(f"event --loop: status {p.returncode}\n{out}\n{err.decode()}")
        p = lv.spawn("event", "--all", "--timeout", "20", stdin=subprocess.DEVNULL)
        time.sleep(1)

        # shutdown --timeout: the ACPI button, and the wait until shut off
        out = lv.run("shutdown", "cmds", "--mode", "acpi", "--timeout", "30")
        if out != "Domain 'cmds' is shut off\n\n":
            raise Failure(f"shutdown --timeout: {out!r}")
        out, err = p.communicate(timeout=10)
        out = out.decode()
        if p.returncode != 0 or not out.startswith("event 'lifecycle' for domain 'cmds': "
                                                   "Shutdown Finished"):
            raise Failure(f"event: status {p.returncode}\n{out}\n{err.decode()}")
        out = lv.run("domstate", "cmds", "--reason")
        if out != "shut off (shutdown)\n\n":
            raise Failure(f"domstate after shutdown: {out!r}")
        lv.run("console", "cmds", status=1)
        lv.run("vncdisplay", "cmds", status=1)

        # a guest that does not react to the button (no ACPI): shutdown --timeout
        # fails and the guest runs on
        xml2 = os.path.join(root, "noacpi.xml")
        with open(xml2, "w") as f:
            f.write(guest_xml(guest_dir, disk).replace("<name>cmds</name>", "<name>noacpi</name>")
                    .replace("<features><acpi/></features>", ""))
        lv.run("define", xml2)
        lv.run("start", "noacpi")
        p = subprocess.run(lv.argv("shutdown", "noacpi", "--timeout", "1"), env=lv.env,
                           capture_output=True, text=True, timeout=30)
        if p.returncode != 1 or p.stderr != ("error: domain 'noacpi' is still running after "
                                             "1 seconds\n"):
            raise Failure(f"shutdown --timeout 1 without ACPI: {p.returncode} {p.stderr!r}")
        out = lv.run("domstate", "noacpi")
        if out != "running\n\n":
            raise Failure(f"domstate after a shutdown that timed out: {out!r}")
        lv.run("destroy", "noacpi")

        for args in (("--domain", "cmds"), (xml,)):
            out = lv.run("domxml-to-native", "qemu-argv", *args)
            expect(out, r"qemu-system-x86_64 ", "domxml-to-native")
            expect(out, re.escape(f"{guest_dir}/vmlinuz"), "domxml-to-native")
            expect(out, r"-accel tcg", "domxml-to-native")
        out = lv.run("capabilities")
        expect(out, r"<domain type='qemu'", "capabilities")
        expect(out, r"<machine[^>]*>pc", "capabilities")
        log(f"passed in {time.monotonic() - t_start:.1f} s")
        return 0
    except Failure as e:
        log(f"FAILED: {e}")
        return 1
    finally:
        for name in ("cmds", "noacpi"):
            subprocess.run(lv.argv("destroy", name), env=lv.env, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
