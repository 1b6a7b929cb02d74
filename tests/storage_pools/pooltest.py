"""Helpers of the storage pool integration tests (tests/storage_pools/test_*.py):
the luvirt binary over qemu:///embed?root=TMP, and the host objects a test
makes (loop devices on sparse files, mounts, LVM volume groups), each
recorded as it is made and taken down in cleanup() even when the test fails.

Every name the tests give the host (VG names) carries the test's pid, so two
runs on one machine never meet. Needs root; skip() says why it cannot run.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def log(msg):
    print(f"{os.path.basename(sys.argv[0])}: {msg}", flush=True)


def expect(text, pattern, what):
    if not re.search(pattern, text, re.M):
        raise Failure(f"{what}: /{pattern}/ not in:\n{text}")


def check(cond, what):
    if not cond:
        raise Failure(what)


def host(*argv, ok=True):
    """Runs a host tool; returns the CompletedProcess (text)."""
    env = dict(os.environ, LC_ALL="C", LVM_SUPPRESS_FD_WARNINGS="1")
    p = subprocess.run(argv, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    if ok and p.returncode != 0:
        raise Failure(f"{' '.join(argv)}: status {p.returncode}: {p.stderr.strip()}")
    return p


class Luvirt:
    def __init__(self, exe, srcdir, root):
        self.exe, self.uri = exe, f"qemu:///embed?root={root}"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("LUVIRT_") or k == "LUVIRT_GUEST_TIMEOUT"}
        self.env["LUVIRT_DATADIR"] = os.path.join(srcdir, "scripts")
        self.env["LUVIRT_MONITOR_EXE"] = os.path.join(os.path.dirname(exe), "luvirt-monitor")

    def argv(self, *args):
        return [self.exe, "-c", self.uri, *args]

    def run(self, *args, status=0, timeout=300):
        """Runs one command, checks its exit status; returns (stdout, stderr)."""
        p = subprocess.run(self.argv(*args), env=self.env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        log(f"$ luvirt {' '.join(args)}  (status {p.returncode})")
        if p.returncode != status:
            raise Failure(f"luvirt {' '.join(args)}: status {p.returncode}, expected {status}\n"
                          f"stdout: {p.stdout}\nstderr: {p.stderr}")
        return p.stdout, p.stderr

    def ok(self, *args):
        return self.run(*args)[0]

    def refused(self, *args, pattern):
        """A refusal: status 1 and one 'error: ...' line matching pattern."""
        out, err = self.run(*args, status=1)
        lines = [l for l in err.splitlines() if l.strip()]
        if len(lines) != 1 or not lines[0].startswith("error: "):
            raise Failure(f"luvirt {' '.join(args)}: expected one error line, got:\n{err}")
        expect(lines[0], pattern, f"luvirt {' '.join(args)}")
        log(f"  refused: {lines[0]}")
        return lines[0]

    def json(self, *args):
        return json.loads(self.ok(*args, "--json"))

    def define_pool(self, root, xml):
        path = os.path.join(root, "pool.xml")
        with open(path, "w") as f:
            f.write(xml)
        return self.ok("pool-define", path)


def pool_xml(name, ptype, target=None, devices=(), source_name=None, fmt=None):
    src = "".join(f"<device path='{d}'/>" for d in devices)
    if source_name:
        src += f"<name>{source_name}</name>"
    if fmt:
        src += f"<format type='{fmt}'/>"
    tgt = f"<target><path>{target}</path></target>" if target else ""
    return (f"<pool type='{ptype}'><name>{name}</name>"
            f"<source>{src}</source>{tgt}</pool>\n")


def mountinfo():
    """[(mount point, source)] of this process's namespace."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            point = left.split()[4]
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), point)
            out.append((point, right.split()[1]))
    return out


def mounted(path):
    return [src for point, src in mountinfo() if point == path]


def blkid_type(dev):
    p = host("blkid", "-p", "-o", "export", dev, ok=False)
    for line in p.stdout.splitlines():
        if line.startswith("TYPE="):
            return line[5:]
    return None


class Host:
    """The test's temporary root and the host objects made under it."""

    def __init__(self, prefix, need_root=True):
        self.root_user = os.geteuid() == 0
        if need_root and not self.root_user:
            raise Skip("needs root (losetup, mount, lvm2)")
        for tool in ("losetup", "blkid", "mount", "umount", "mkfs.ext4") if need_root else ():
            if not shutil.which(tool):
                raise Skip(f"no {tool} on PATH (util-linux, e2fsprogs)")
        # short: qemu's UNIX socket paths live under it
        self.root = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
        self.loops = []
        self.vgs = []
        self.tag = f"lvt{os.getpid()}"

    def loop(self, name, size_mib):
        """A loop device on a sparse file of size_mib under the root."""
        if not self.root_user:
            raise Skip("loop devices need root")
        img = os.path.join(self.root, name + ".img")
        with open(img, "wb") as f:
            f.truncate(size_mib << 20)
        p = host("losetup", "--find", "--show", img, ok=False)
        if p.returncode != 0:
            raise Skip(f"this machine cannot make loop devices: losetup: {p.stderr.strip()}")
        dev = p.stdout.strip()
        self.loops.append(dev)
        log(f"{dev} on {img} ({size_mib} MiB)")
        return dev

    def vg_name(self, what):
        name = f"{self.tag}{what}"
        self.vgs.append(name)
        return name

    def cleanup(self):
        """Takes down whatever is left, innermost first; reports what it had to."""
        leftovers = []
        for point, src in reversed(mountinfo()):
            if point == self.root or point.startswith(self.root + "/"):
                leftovers.append(f"mount {point}")
                host("umount", "-l", point, ok=False)
        if not self.root_user:
            shutil.rmtree(self.root, ignore_errors=True)
            return leftovers
        for vg in self.vgs:
            if host("vgs", vg, ok=False).returncode == 0:
                leftovers.append(f"VG {vg}")
                host("vgchange", "-an", vg, ok=False)
                host("vgremove", "-f", vg, ok=False)
        for dev in self.loops:
            if host("pvs", dev, ok=False).returncode == 0:
                host("pvremove", "-ff", "-y", dev, ok=False)
            host("losetup", "-d", dev, ok=False)
        # loop devices mount(8) attached to image files under the root
        p = host("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE", ok=False)
        for line in p.stdout.splitlines():
            parts = line.split(None, 1)
            if len(parts) == 2 and parts[1].startswith(self.root + "/") and \
                    parts[0] not in self.loops:
                leftovers.append(f"loop {parts[0]}")
                host("losetup", "-d", parts[0], ok=False)
        shutil.rmtree(self.root, ignore_errors=True)
        return leftovers


def main(body, prefix, need_root=True):
    """Runs body(host) with cleanup; the exit status for ctest."""
    t0 = time.monotonic()
    try:
        h = Host(prefix, need_root)
    except Skip as e:
        log(f"skipped: {e}")
        return SKIP
    status = 0
    try:
        body(h)
        log(f"passed in {time.monotonic() - t0:.1f} s")
    except Skip as e:
        log(f"skipped: {e}")
        status = SKIP
    except Failure as e:
        log(f"FAILED: {e}")
        status = 1
    finally:
        left = h.cleanup()
        if left and status == 0:
            log(f"FAILED: left behind: {', '.join(left)}")
            status = 1
        elif left:
            log(f"cleaned up after the failure: {', '.join(left)}")
    return status
