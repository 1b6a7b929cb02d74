#!/usr/bin/env python3
"""Smoke test of the test guest with bare qemu (no luvirt involved).

Boots tests/guest's vmlinuz + initramfs.cpio.gz paused, with the serial console
and QMP on UNIX sockets, resumes it, waits for the ready line, types a command
into the console shell, then presses the ACPI power button (QMP
system_powerdown) and checks that qemu exits by itself, with status 0.

    test_boot.py GUEST_DIR [QEMU]

QEMU defaults to qemu-system-x86_64 on PATH; without it the test is skipped
(exit 77). LUVIRT_TEST_ACCEL picks the accelerator (default tcg: see
/work/shared/FACTS.md, KVM is unusable on the CI machines).
"""

import json
import os
import select
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time

READY = b"LUVIRT-GUEST-READY"
PROMPT = b"luvirt-guest# "
BOOT_TIMEOUT = float(os.environ.get("LUVIRT_GUEST_TIMEOUT", "60"))
POWERDOWN_TIMEOUT = 10.0
SKIP = 77


class Failure(Exception):
    pass


def log(msg):
    print(f"test_boot: {msg}", flush=True)


def connect_unix(path, proc, timeout):
    """Connect to a UNIX socket qemu creates, waiting for it to appear."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
        if proc.poll() is not None:
            raise Failure(f"qemu exited with status {proc.returncode} before {path} appeared")
        if time.monotonic() > deadline:
            raise Failure(f"{path} did not appear within {timeout} s")
        time.sleep(0.01)


class Qmp:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.next_id = 0
        self.events = []
        greeting = self.read_message(10)
        if greeting is None or "QMP" not in greeting:
            raise Failure(f"no QMP greeting: {greeting!r}")

    def read_message(self, timeout):
        """One JSON message, or None at end of file."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure("QMP: no reply within %.0f s" % timeout)
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                continue
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, **args):
        self.next_id += 1
        cmd = {"execute": name, "id": self.next_id}
        if args:
            cmd["arguments"] = args
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        while True:
            msg = self.read_message(10)
            if msg is None:
                raise Failure(f"QMP closed while waiting for the reply to {name}")
            if "event" in msg:
                self.events.append(msg)
            elif msg.get("id") == self.next_id:
                if "error" in msg:
                    raise Failure(f"QMP {name} failed: {json.dumps(msg)}")
                return msg["return"]

    def wait_eof(self, timeout):
        while True:
            msg = self.read_message(timeout)
            if msg is None:
                return
            if "event" in msg:
                self.events.append(msg)


class Console:
    def __init__(self, sock):
        self.sock = sock
        self.seen = b""

    def wait_for(self, needle, timeout, proc):
        start = time.monotonic()
        deadline = start + timeout
        while needle not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"no {needle!r} on the console within {timeout:.0f} s")
            ready, _, _ = select.select([self.sock], [], [], min(left, 0.5))
            if ready:
                data = self.sock.recv(65536)
                if not data:
                    raise Failure(f"console closed before {needle!r} (qemu status {proc.poll()})")
                self.seen += data
            elif proc.poll() is not None:
                raise Failure(f"qemu exited with status {proc.returncode} before {needle!r}")
        # Keep only what follows the match, for the next wait.
        self.seen = self.seen[self.seen.index(needle) + len(needle):]
        return time.monotonic() - start

    def type(self, text):
        self.sock.sendall(text)


def run(guest_dir, qemu, tmp):
    kernel = os.path.join(guest_dir, "vmlinuz")
    initrd = os.path.join(guest_dir, "initramfs.cpio.gz")
    for f in (kernel, initrd):
        if not os.path.isfile(f):
            raise Failure(f"{f} is missing: run tests/guest/build-guest first")
    qmp_path = os.path.join(tmp, "qmp.sock")
    serial_path = os.path.join(tmp, "serial.sock")
    serial_log = os.path.join(tmp, "serial.log")
    accel = os.environ.get("LUVIRT_TEST_ACCEL", "tcg")
    argv = [
        qemu, "-accel", accel, "-m", "128", "-nodefaults", "-no-user-config",
        "-display", "none", "-S",
        "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 quiet",
        "-chardev", f"socket,id=serial0,path={serial_path},server=on,wait=off,logfile={serial_log}",
        "-serial", "chardev:serial0",
        "-qmp", f"unix:{qmp_path},server=on,wait=off",
    ]
    log("running " + shlex.join(argv))
    stderr = open(os.path.join(tmp, "qemu.stderr"), "w+b")
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
    try:
        qmp = Qmp(connect_unix(qmp_path, proc, 10))
        console = Console(connect_unix(serial_path, proc, 10))
        qmp.command("qmp_capabilities")
        qmp.command("cont")
        boot = console.wait_for(READY, BOOT_TIMEOUT, proc)
        log(f"ready line after {boot:.2f} s (accel {accel})")

        console.wait_for(PROMPT, 10, proc)
        # The shell computes the answer, so the echo of what we type cannot match.
        console.type(b"echo LUVIRT-$((6 * 7))\n")
        console.wait_for(b"LUVIRT-42", 10, proc)
        log("the console shell answers")

        t0 = time.monotonic()
        qmp.command("system_powerdown")
        qmp.wait_eof(POWERDOWN_TIMEOUT)
        try:
            status = proc.wait(timeout=max(0.1, POWERDOWN_TIMEOUT - (time.monotonic() - t0)))
        except subprocess.TimeoutExpired:
            raise Failure(f"qemu still running {POWERDOWN_TIMEOUT:.0f} s after system_powerdown")
        took = time.monotonic() - t0
        if status != 0:
            raise Failure(f"qemu exited with status {status} after system_powerdown")
        shutdown = [e for e in qmp.events if e["event"] == "SHUTDOWN"]
        if not shutdown or not shutdown[0].get("data", {}).get("guest"):
            raise Failure(f"no SHUTDOWN event from the guest: {qmp.events}")
        log(f"system_powerdown to qemu exit: {took * 1000:.0f} ms")
        return 0
    except Failure:
        for name in ("serial.log", "qemu.stderr"):
            path = os.path.join(tmp, name)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    print(f"---- {name}\n" + f.read().decode(errors="replace"), flush=True)
        raise
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        stderr.close()


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    guest_dir = sys.argv[1]
    qemu = sys.argv[2] if len(sys.argv) == 3 else "qemu-system-x86_64"
    if shutil.which(qemu) is None:
        log(f"{qemu} not found: skipped")
        return SKIP
    # Socket paths must stay short (108 bytes): not under the build tree.
    tmp = tempfile.mkdtemp(prefix="luvirt-guest-")
    try:
        return run(guest_dir, qemu, tmp)
    except Failure as e:
        log(f"FAILED: {e}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
