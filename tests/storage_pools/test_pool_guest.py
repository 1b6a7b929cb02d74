#!/usr/bin/env python3
"""A guest boots with a pool volume: a qcow2 overlay on a raw backing volume,
attached as the second virtio disk through <source pool= volume=>, and the
guest sees it: /sys/block/vdb/size is the overlay's capacity in sectors and
its first bytes are what was written into the backing volume.

    test_pool_guest.py LUVIRT SRCDIR GUEST_DIR

The pool is an fs pool on a loop device when the machine can make one (root),
else a dir pool. Skipped (77) without qemu-system-x86_64 or the test guest.
"""

import os
import select
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pooltest import Failure, Luvirt, Skip, expect, log, main, pool_xml  # noqa: E402

READY = "LUVIRT-GUEST-READY"
BOOT_TIMEOUT = float(os.environ.get("LUVIRT_GUEST_TIMEOUT", "120"))
MARK = b"LUVIRT-BACKING-0123"
OVERLAY_MIB = 48


def guest_xml(guest_dir, pool):
    return f"""<domain type='qemu'>
  <name>poolguest</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>{guest_dir}/vmlinuz</kernel>
    <initrd>{guest_dir}/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet</cmdline>
  </os>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='raw'/>
      <source pool='{pool}' volume='first'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='{pool}' volume='overlay'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
"""


def read_until(proc, needle, timeout, seen=b"", start=0):
    """Reads the console until needle shows up after offset start."""
    deadline = time.monotonic() + timeout
    buf = seen
    while needle.encode() not in buf[start:]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure(f"'{needle}' not seen within {timeout} s; got:\n"
                          f"{buf.decode(errors='replace')}")
        r, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                err = proc.stderr.read().decode(errors="replace")
                raise Failure(f"the console ended before '{needle}' (status {proc.wait()}); "
                              f"got:\n{buf.decode(errors='replace')}\nstderr: {err}")
            buf += chunk
    return buf


def ask(proc, command, answer_marker, seen):
    """Types command; returns the console text after it up to answer_marker
    (which the typed command must not contain: the console echoes it)."""
    start = len(seen)
    proc.stdin.write(command.encode() + b"\n")
    proc.stdin.flush()
    seen = read_until(proc, answer_marker, 30, seen, start)
    return seen, seen[start:].decode(errors="replace")


def make_pool(lv, h):
    """An fs pool on a loop device, or a dir pool where loop devices cannot be made."""
    target = os.path.join(h.root, "pool")
    try:
        dev = h.loop("guestpool", 128)
        lv.define_pool(h.root, pool_xml("gp", "fs", target, [dev], fmt="ext4"))
        lv.ok("pool-build", "gp", "--no-overwrite")
        log("the pool is an fs pool on a loop device")
    except Skip as e:
        log(f"a dir pool instead of an fs pool: {e}")
        lv.define_pool(h.root, pool_xml("gp", "dir", target))
        lv.ok("pool-build", "gp")
    lv.ok("pool-start", "gp")


def body(h):
    exe, srcdir, guest_dir = sys.argv[1:4]
    if not shutil.which("qemu-system-x86_64"):
        raise Skip("no qemu-system-x86_64")
    for f in ("vmlinuz", "initramfs.cpio.gz"):
        if not os.access(os.path.join(guest_dir, f), os.R_OK):
            raise Skip(f"no test guest in {guest_dir} (tests/guest/build-guest makes it)")
    lv = Luvirt(exe, srcdir, h.root)
    make_pool(lv, h)
    lv.ok("vol-create-as", "gp", "first", "8M", "--format", "raw")
    lv.ok("vol-create-as", "gp", "base", "32M", "--format", "raw")
    base = lv.ok("vol-path", "base", "--pool", "gp").strip()
    with open(base, "r+b") as f:
        f.write(MARK)
    lv.ok("vol-create-as", "gp", "overlay", f"{OVERLAY_MIB}M", "--format", "qcow2",
          "--backing-vol", "base", "--backing-vol-format", "raw")
    xml = lv.ok("vol-dumpxml", "overlay", "--pool", "gp")
    expect(xml, r"<backingStore>[\s\S]*" + base, "the overlay's backing store")

    path = os.path.join(h.root, "guest.xml")
    with open(path, "w") as f:
        f.write(guest_xml(guest_dir, "gp"))
    lv.ok("define", path)
    p = subprocess.Popen(lv.argv("start", "poolguest", "--console"), env=lv.env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        seen = read_until(p, READY, BOOT_TIMEOUT)
        log("the guest is up")
        # E''ND: the echo of the typed line does not match what the shell prints
        seen, text = ask(p, "echo SIZE=$(cat /sys/block/vdb/size)=E''ND", "=END", seen)
        expect(text, rf"\nSIZE={OVERLAY_MIB * 2048}=END", "the guest's /sys/block/vdb/size")
        log(f"the guest sees vdb of {OVERLAY_MIB * 2048} sectors")
        seen, text = ask(p, f"echo MARK=$(dd if=/dev/vdb bs={len(MARK)} count=1 2>/dev/null)"
                            "=E''ND", "=END", seen)
        expect(text, "\nMARK=" + MARK.decode() + "=END", "the backing volume's data through vdb")
        log("the guest reads the backing volume's first bytes through vdb")
        # a volume in use by a running guest cannot be deleted
        lv.refused("vol-delete", "overlay", "--pool", "gp", pattern=r"in use|poolguest")
    finally:
        p.stdin.close()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        subprocess.run(lv.argv("destroy", "poolguest"), env=lv.env, capture_output=True)
    lv.ok("undefine", "poolguest")
    lv.ok("vol-delete", "overlay", "--pool", "gp")
    lv.ok("pool-destroy", "gp")
    lv.ok("pool-undefine", "gp")


if __name__ == "__main__":
    sys.exit(main(body, "lvpg-", need_root=False))
