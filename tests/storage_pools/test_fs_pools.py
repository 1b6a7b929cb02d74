#!/usr/bin/env python3
"""fs pools for real: a filesystem on a loop device (and on an image file)
mounted on the pool's target, through the luvirt binary over
qemu:///embed?root=TMP.

    test_fs_pools.py LUVIRT SRCDIR [xfs]

pool-build without a flag makes only the directory, --no-overwrite makes the
filesystem on a blank device and refuses one that holds a foreign filesystem
(the device untouched, the directory it made removed), --overwrite replaces
it; pool-start mounts, volumes are files on the mounted filesystem,
pool-refresh finds a file added behind luvirt's back, pool-destroy unmounts
(and refuses, with umount's reason, while the filesystem is busy);
refusals: a pool whose target directory vanished, a target on which something
else is mounted, a target overlapping another pool's. With 'xfs': an xfs pool
instead (mkfs.xfs, mount -t xfs). Skipped (77) without root, loop devices or
(xfs) mkfs.xfs. Every mount and loop device is gone afterwards.
"""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pooltest import (Luvirt, Skip, blkid_type, check, expect, host, log, main,  # noqa: E402
                      mounted, pool_xml)


def device_pool(lv, h):
    dev = h.loop("fsdev", 64)
    target = os.path.join(h.root, "pools", "fsp")
    lv.define_pool(h.root, pool_xml("fsp", "fs", target, [dev], fmt="ext4"))

    lv.ok("pool-build", "fsp")
    check(os.path.isdir(target), "pool-build did not make the target directory")
    check(blkid_type(dev) is None, "pool-build without a flag made a filesystem")

    lv.ok("pool-build", "fsp", "--no-overwrite")
    check(blkid_type(dev) == "ext4", f"pool-build --no-overwrite: blkid says {blkid_type(dev)}")

    lv.ok("pool-start", "fsp")
    check(mounted(target) == [dev], f"after pool-start, {target} has {mounted(target)}")
    info = lv.json("pool-info", "fsp")
    log(f"pool-info: {info}")
    cap = info.get("capacity") if isinstance(info, dict) else None
    check(isinstance(cap, int) and (40 << 20) < cap <= (64 << 20),
          f"pool-info capacity {cap!r} is not the 64 MiB filesystem's")

    lv.ok("vol-create-as", "fsp", "disk1", "16M", "--format", "qcow2")
    path = os.path.join(target, "disk1")
    check(os.path.exists(path), f"no {path}")
    check(os.stat(path).st_dev != os.stat(h.root).st_dev,
          "the volume is not on the mounted filesystem")
    with open(os.path.join(target, "extra.img"), "wb") as f:
        f.truncate(1 << 20)
    lv.ok("pool-refresh", "fsp")
    out = lv.ok("vol-list", "fsp")
    expect(out, r"^\s*disk1\s", "vol-list")
    expect(out, r"^\s*extra\.img\s", "vol-list after pool-refresh")

    # a second pool may not take the same target, nor one inside or around it
    outer = os.path.dirname(target)
    for name, tgt in (("same", target), ("inner", target + "/sub"), ("outer", outer)):
        lv.refused("pool-define", write(h, pool_xml(name, "fs", tgt, [dev], fmt="ext4")),
                   pattern=r"overlaps pool 'fsp'")
        out = lv.ok("pool-list", "--all")
        check(name not in out.split(), f"the refused pool '{name}' is listed:\n{out}")

    # a busy filesystem: umount's reason, still mounted, the pool still active
    with open(path, "rb"):
        os.chdir(target)
        try:
            lv.refused("pool-destroy", "fsp", pattern=r"umount failed: .*busy")
        finally:
            os.chdir("/")
    check(mounted(target) == [dev], f"after the refused pool-destroy, {target} has "
          f"{mounted(target)}")
    check(lv.json("pool-info", "fsp").get("active"), "the refused pool-destroy ended the pool")

    lv.ok("pool-destroy", "fsp")
    check(mounted(target) == [], f"after pool-destroy, {target} has {mounted(target)}")
    check(not os.path.exists(path), "the volume is visible with the filesystem unmounted")

    # something else mounted on the target: refused, that mount left alone
    host("mount", "-t", "tmpfs", "-o", "size=1m", "lvtest", target)
    try:
        lv.refused("pool-start", "fsp", pattern=r"mount point")
        check(mounted(target) == ["lvtest"], f"{target} has {mounted(target)}")
    finally:
        host("umount", target)

    lv.ok("pool-start", "fsp")
    check(os.path.exists(path), "the volume did not come back with the filesystem")
    lv.ok("pool-destroy", "fsp")

    # the target directory vanished: refused, nothing mounted
    os.rmdir(target)
    lv.refused("pool-start", "fsp", pattern=r"does not exist")
    check(mounted(target) == [], f"{target} has {mounted(target)}")
    lv.ok("pool-build", "fsp")
    lv.ok("pool-delete", "fsp")
    check(not os.path.exists(target), "pool-delete left the target directory")
    lv.ok("pool-undefine", "fsp")
    return dev


def foreign_filesystem(lv, h):
    dev = h.loop("foreign", 32)
    host("mkfs.ext2", "-q", "-F", dev)
    target = os.path.join(h.root, "fsforeign")
    lv.define_pool(h.root, pool_xml("fsforeign", "fs", target, [dev], fmt="ext4"))
    lv.refused("pool-build", "fsforeign", "--no-overwrite",
               pattern=r"filesystem \(ext2\).*--overwrite")
    check(blkid_type(dev) == "ext2", "the refused build changed the device")
    check(not os.path.exists(target), "the refused build left the directory it made")
    lv.ok("pool-build", "fsforeign", "--overwrite")
    check(blkid_type(dev) == "ext4", f"pool-build --overwrite: blkid says {blkid_type(dev)}")
    lv.ok("pool-undefine", "fsforeign")


def image_file(lv, h):
    img = os.path.join(h.root, "fs.img")
    with open(img, "wb") as f:
        f.truncate(32 << 20)
    target = os.path.join(h.root, "fsimg")
    lv.define_pool(h.root, pool_xml("fsimg", "fs", target, [img], fmt="auto"))
    lv.ok("pool-build", "fsimg", "--no-overwrite")
    check(blkid_type(img) == "ext4", "pool-build of an image file with format auto: not ext4")
    lv.ok("pool-start", "fsimg")
    src = mounted(target)
    check(len(src) == 1 and src[0].startswith("/dev/loop"), f"{target} has {src}")
    lv.ok("pool-destroy", "fsimg")
    check(mounted(target) == [], f"after pool-destroy, {target} has {mounted(target)}")
    back = host("losetup", "--associated", img).stdout.strip()
    check(back == "", f"the loop device of the image is still there: {back}")
    lv.ok("pool-undefine", "fsimg")


def xfs(lv, h):
    """An xfs pool: mkfs.xfs, mount -t xfs, a volume on it (xfs wants 300 MiB)."""
    dev = h.loop("xfsdev", 320)
    target = os.path.join(h.root, "xfsp")
    lv.define_pool(h.root, pool_xml("xfsp", "fs", target, [dev], fmt="xfs"))
    lv.ok("pool-build", "xfsp", "--no-overwrite")
    check(blkid_type(dev) == "xfs", f"pool-build of an xfs pool: blkid says {blkid_type(dev)}")
    lv.ok("pool-start", "xfsp")
    check(mounted(target) == [dev], f"after pool-start, {target} has {mounted(target)}")
    lv.ok("vol-create-as", "xfsp", "disk", "8M", "--format", "raw")
    check(os.path.exists(os.path.join(target, "disk")), "no volume on the xfs pool")
    lv.ok("pool-destroy", "xfsp")
    check(mounted(target) == [], f"after pool-destroy, {target} has {mounted(target)}")
    lv.ok("pool-undefine", "xfsp")


def write(h, xml):
    path = os.path.join(h.root, "other.xml")
    with open(path, "w") as f:
        f.write(xml)
    return path


def body(h):
    exe, srcdir = sys.argv[1:3]
    lv = Luvirt(exe, srcdir, h.root)
    if sys.argv[3:4] == ["xfs"]:
        if not shutil.which("mkfs.xfs"):
            raise Skip("no mkfs.xfs (xfsprogs)")
        xfs(lv, h)
        return
    device_pool(lv, h)
    foreign_filesystem(lv, h)
    image_file(lv, h)


if __name__ == "__main__":
    sys.exit(main(body, "lvfs-"))
