#!/usr/bin/env python3
"""logical pools for real: an LVM volume group on loop devices made by the
test, through the luvirt binary over qemu:///embed?root=TMP.

    test_logical_pools.py LUVIRT SRCDIR [volumes]

Without 'volumes': pool-build refuses when any source device holds a
signature (and touches none of them), --overwrite makes the PVs and the VG;
pool-start, pool-info (the VG's size), pool-refresh, a qcow2 volume refused
with a clear line, pool-destroy, pool-delete (VG and PV labels gone); a VG
removed behind luvirt's back is named by pool-refresh, which leaves the pool
inactive.

With 'volumes' (logical volumes need the kernel's device-mapper): vol-create-as,
vol-list and vol-info with the LV's size, vol-resize growing, shrinking
without --shrink refused (the LV unchanged), with --shrink done, vol-delete.
Skipped (77) without root, loop devices, lvm2, or (volumes) device-mapper.
Every VG, PV label and loop device is gone afterwards.
"""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pooltest import (Luvirt, Skip, blkid_type, check, expect, host, log, main,  # noqa: E402
                      pool_xml)


def vg_report(vg):
    """(size, free, pv count) of vg, or None when it does not exist."""
    p = host("vgs", "--noheadings", "--units", "b", "--nosuffix", "--separator", ":",
             "-o", "vg_size,vg_free,pv_count", vg, ok=False)
    if p.returncode != 0:
        return None
    size, free, pvs = p.stdout.strip().split(":")
    return int(size), int(free), int(pvs)


def is_pv(dev):
    return host("pvs", dev, ok=False).returncode == 0


def lv_size(vg, name):
    p = host("lvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "lv_size",
             f"{vg}/{name}", ok=False)
    return int(p.stdout.strip()) if p.returncode == 0 else None


def device_mapper_reason():
    """Why logical volumes cannot be made here, or None."""
    try:
        fd = os.open("/dev/mapper/control", os.O_RDWR)
        os.close(fd)
    except OSError as e:
        return f"the kernel's device-mapper is not usable (/dev/mapper/control: {e.strerror})"
    return None


def pool_lifecycle(lv, h):
    d1, d2 = h.loop("pv1", 64), h.loop("pv2", 64)
    vg = h.vg_name("pool")
    host("mkfs.ext2", "-q", "-F", d2)
    lv.define_pool(h.root, pool_xml("lvp", "logical", f"/dev/{vg}", [d1, d2], source_name=vg))

    lv.refused("pool-build", "lvp", pattern=rf"{d2}.*filesystem \(ext2\).*--overwrite")
    check(not is_pv(d1) and not is_pv(d2), "the refused build made a PV")
    check(vg_report(vg) is None, "the refused build made the VG")
    check(blkid_type(d2) == "ext2", "the refused build changed the device")

    lv.ok("pool-build", "lvp", "--overwrite")
    rep = vg_report(vg)
    check(rep is not None and rep[2] == 2, f"after pool-build, vgs says {rep}")
    lv.ok("pool-start", "lvp")
    info = lv.json("pool-info", "lvp")
    log(f"pool-info: {info}")
    check(info.get("capacity") == rep[0], f"pool-info capacity {info.get('capacity')} != "
          f"the VG's {rep[0]}")
    check(info.get("available") == rep[1], f"pool-info available {info.get('available')} != "
          f"the VG's {rep[1]}")
    lv.ok("pool-refresh", "lvp")
    lv.refused("vol-create-as", "lvp", "img", "8M", "--format", "qcow2",
               pattern=r"qcow2.*not supported.*logical")
    return vg, (d1, d2)


def pool_teardown(lv, vg, devices):
    lv.ok("pool-destroy", "lvp")
    lv.ok("pool-delete", "lvp")
    check(vg_report(vg) is None, "pool-delete left the VG")
    for d in devices:
        check(not is_pv(d), f"pool-delete left the PV label on {d}")
    lv.ok("pool-undefine", "lvp")


def vanished_vg(lv, h, dev):
    """A started pool whose VG was removed behind luvirt's back: refresh names
    it and the pool is no longer active (as libvirt)."""
    vg = h.vg_name("gone")
    lv.define_pool(h.root, pool_xml("lvgone", "logical", f"/dev/{vg}", [dev], source_name=vg))
    lv.ok("pool-build", "lvgone")
    lv.ok("pool-start", "lvgone")
    host("vgremove", "-f", vg)
    lv.refused("pool-refresh", "lvgone", pattern=rf"pool 'lvgone': .*{vg}.*not found")
    info = lv.json("pool-info", "lvgone")
    check(not info.get("active"), f"pool-info after the failed refresh: {info}")
    lv.ok("pool-undefine", "lvgone")


def volumes(lv, vg):
    lv.ok("vol-create-as", "lvp", "disk1", "8M")
    check(lv_size(vg, "disk1") == 8 << 20, f"the LV is {lv_size(vg, 'disk1')} bytes")
    check(os.path.exists(f"/dev/{vg}/disk1"), f"no /dev/{vg}/disk1")
    out = lv.ok("vol-list", "lvp")
    expect(out, rf"^\s*disk1\s+/dev/{vg}/disk1", "vol-list")
    info = lv.json("vol-info", "disk1", "--pool", "lvp")
    check(info.get("capacity") == 8 << 20, f"vol-info: {info}")

    lv.ok("vol-resize", "disk1", "16M", "--pool", "lvp")
    check(lv_size(vg, "disk1") == 16 << 20, f"after growing, {lv_size(vg, 'disk1')} bytes")
    lv.refused("vol-resize", "disk1", "8M", "--pool", "lvp", pattern=r"--shrink")
    check(lv_size(vg, "disk1") == 16 << 20, "the refused shrink changed the LV")
    lv.ok("vol-resize", "disk1", "8M", "--pool", "lvp", "--shrink")
    check(lv_size(vg, "disk1") == 8 << 20, f"after --shrink, {lv_size(vg, 'disk1')} bytes")

    lv.ok("vol-delete", "disk1", "--pool", "lvp")
    check(lv_size(vg, "disk1") is None, "vol-delete left the LV")


def body(h):
    exe, srcdir = sys.argv[1:3]
    want_volumes = sys.argv[3:4] == ["volumes"]
    for tool in ("pvcreate", "vgcreate", "vgs", "lvs", "lvcreate"):
        if not shutil.which(tool):
            raise Skip(f"no {tool} on PATH (lvm2)")
    if want_volumes and device_mapper_reason():
        raise Skip(device_mapper_reason())
    lv = Luvirt(exe, srcdir, h.root)
    vg, devices = pool_lifecycle(lv, h)
    if want_volumes:
        volumes(lv, vg)
    pool_teardown(lv, vg, devices)
    vanished_vg(lv, h, devices[0])


if __name__ == "__main__":
    sys.exit(main(body, "lvlvm-"))
