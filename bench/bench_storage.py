#!/usr/bin/env python3
"""Storage benchmark: luvirt's storage driver next to libvirt 9.0's (libvirtd +
virsh) on the same machine, in the same run, interleaved, median of --runs:

  create    `vol-create-as POOL NAME 10G --format qcow2`
  clone     `vol-clone` of a 1 GiB raw volume full of data
  upload    `vol-upload` of a 1 GiB host file into a 1 GiB raw volume
  download  `vol-download` of that 1 GiB volume to a host file
  refresh   `pool-refresh` of a pool holding 1000 qcow2 volumes
  list      `vol-list` of that pool

Both tools work on dir pools under one temporary folder (the same files: the
data volume and the 1000 images are made once with qemu-img and copied), so
the page cache treats them alike; nothing is dropped from it between runs.
libvirt is run by bench_qemu.py's Libvirt class: qemu.conf written for root
(and put back afterwards), virtlogd and libvirtd in the foreground under
`tini -s`, `virsh -c qemu:///system`, both stopped at the end; its pools are
named lvbench-*, destroyed and undefined at the end. luvirt uses
qemu:///embed?root=A_TEMP_DIR. Needs root, qemu-utils, libvirt-daemon (it
holds libvirt's storage driver and its dir/fs/logical backends on Debian 12),
libvirt-daemon-driver-qemu (bench_qemu.py's libvirtd setup), libvirt-clients
and tini (.ci/setup).

Prints the medians and the luvirt/libvirt ratios and rewrites the storage
section of docs/performance.md (between its own markers) unless --no-write.
This is a script, never a timed test: the numbers depend on the machine.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import bench_qemu  # noqa: E402  (Libvirt: libvirtd and virtlogd started and stopped by us)

SRC = bench.SRC
BEGIN = "<!-- bench-storage:begin (written by bench/bench_storage.py; edits here are overwritten) -->"
END = "<!-- bench-storage:end -->"
GIB = 1 << 30  # the data size of clone, upload and download (--data-mib changes it)


class Failure(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def ratio(a, b):
    return a / b if b and b == b and a == a else float("nan")


def run(argv, env, what):
    """Runs argv; returns its wall time in seconds; fails with its stderr."""
    t0 = time.perf_counter()
    p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise Failure("%s: %s: status %d: %s" % (what, " ".join(argv), p.returncode,
                                                p.stderr.strip()))
    return wall


def make_data_file(path, size):
    """A file of size bytes that no filesystem can make sparse (every block differs)."""
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        for i in range(size >> 20):
            f.write(i.to_bytes(8, "little") + block[8:])


class Tool:
    """One side: the argv of each command for its pools."""

    def __init__(self, name, argv0, env, data_pool, many_pool):
        self.name, self.argv0, self.env = name, argv0, env
        self.data_pool, self.many_pool = data_pool, many_pool

    def cmd(self, *args, what=None):
        return run(self.argv0 + list(args), self.env, what or "%s %s" % (self.name, args[0]))

    def quiet(self, *args):
        subprocess.run(self.argv0 + list(args), env=self.env, capture_output=True,
                       stdin=subprocess.DEVNULL)


class Bench:
    def __init__(self, args, luvirt, virsh, work):
        self.args, self.work = args, work
        self.r = {}
        self.libvirt = bench_qemu.Libvirt(work, virsh)
        lv_env = bench.luvirt_env(luvirt)
        self.lv_env = lv_env
        self.lv = Tool("luvirt", [luvirt, "-c", "qemu:///embed?root=%s" % os.path.join(work, "lv")],
                       lv_env, "lvbench-data", "lvbench-many")
        self.vs = Tool("libvirt", [virsh, "-c", "qemu:///system"], self.libvirt.env,
                       "lvbench-data", "lvbench-many")

    def add(self, key, v):
        self.r.setdefault(key, []).append(v)

    def pools(self, tool, tag):
        """The two dir pools of a tool, with the 1 GiB data volume and 1000 images."""
        for pool, sub in ((tool.data_pool, "data"), (tool.many_pool, "many")):
            target = os.path.join(self.work, tag, sub)
            os.makedirs(target, exist_ok=True)
            tool.cmd("pool-define-as", pool, "dir", "--target", target)
            tool.cmd("pool-start", pool)
        shutil.copyfile(self.data_file, os.path.join(self.work, tag, "data", "src.img"))
        many = os.path.join(self.work, tag, "many")
        for i in range(self.args.volumes):
            shutil.copyfile(self.small_image, os.path.join(many, "img%04d.qcow2" % i))
        for pool in (tool.data_pool, tool.many_pool):
            tool.cmd("pool-refresh", pool)

    def prepare(self):
        self.data_file = os.path.join(self.work, "data.bin")
        log("writing a %d MiB data file ..." % self.args.data_mib)
        make_data_file(self.data_file, self.args.data_mib << 20)
        self.small_image = os.path.join(self.work, "small.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", self.small_image, "1G"],
                       check=True)
        self.pools(self.lv, "lvpools")
        self.pools(self.vs, "vspools")

    def one_round(self, tool, key, i):
        p = tool.data_pool
        name = "bench%d" % i
        # create: a 10 GiB qcow2
        self.add(key + ".create", tool.cmd("vol-create-as", p, name, "10G", "--format", "qcow2"))
        tool.cmd("vol-delete", "--pool", p, name)
        # clone: 1 GiB of data
        self.add(key + ".clone", tool.cmd("vol-clone", "--pool", p, "src.img", name))
        tool.cmd("vol-delete", "--pool", p, name)
        # upload into, then download from, a 1 GiB raw volume
        tool.cmd("vol-create-as", p, name, "%dM" % self.args.data_mib, "--format", "raw")
        self.add(key + ".upload", tool.cmd("vol-upload", "--pool", p, name, self.data_file))
        out = os.path.join(self.work, "down-%s.bin" % tool.name)
        self.add(key + ".download", tool.cmd("vol-download", "--pool", p, name, out))
        if os.path.getsize(out) != self.args.data_mib << 20:
            raise Failure("%s vol-download wrote %d bytes" % (tool.name, os.path.getsize(out)))
        os.unlink(out)
        tool.cmd("vol-delete", "--pool", p, name)
        # 1000 volumes
        self.add(key + ".refresh", tool.cmd("pool-refresh", tool.many_pool))
        self.add(key + ".list", tool.cmd("vol-list", tool.many_pool))

    def go(self):
        log("starting virtlogd and libvirtd (qemu:///system) ...")
        self.libvirt.start()
        self.prepare()
        # one warm-up round each, then interleaved with the order alternating
        self.one_round(self.lv, "warm.lv", 0)
        self.one_round(self.vs, "warm.vs", 0)
        for i in range(1, self.args.runs + 1):
            order = (self.lv, "lv"), (self.vs, "vs")
            for tool, key in (order if i % 2 else order[::-1]):
                self.one_round(tool, key, i)
            log("run %d of %d done" % (i, self.args.runs))

    def cleanup(self):
        for tool in (self.vs, self.lv):
            for pool in (tool.data_pool, tool.many_pool):
                tool.quiet("pool-destroy", pool)
                tool.quiet("pool-undefine", pool)
        self.libvirt.stop()


WORKLOADS = [
    ("create", "`vol-create-as` qcow2 10 GiB", 1.0),
    ("clone", "`vol-clone` of a 1 GiB raw volume", 1.0),
    ("upload", "`vol-upload` 1 GiB", 1.0),
    ("download", "`vol-download` 1 GiB", 1.0),
    ("refresh", "`pool-refresh`, %d volumes", 0.5),
    ("list", "`vol-list`, %d volumes", 0.5),
]


def rows(r, args):
    out = []
    for key, label, target in WORKLOADS:
        if "%d" in label:
            label = label % args.volumes
        out.append((label, med(r.get("lv." + key, [])) * 1000, med(r.get("vs." + key, [])) * 1000,
                    target))
    return out


def fmt(ms):
    if ms != ms:
        return "-"
    return "%.0f ms" % ms if ms >= 100 else "%.1f ms" % ms


def verdict(lv, vs, target):
    x = ratio(lv, vs)
    return "≤ %.2fx: %s" % (target, "met" if x <= target else "**not met**")


def render(r, args, info):
    lines = [
        BEGIN,
        "",
        "Measured %s by `bench/bench_storage.py --runs %d`." % (info["date"], args.runs),
        "",
        "- Machine: %s" % info["machine"],
        "- luvirt: %s (%s, `%s`, %s), `qemu:///embed?root=/var/tmp/lvs-XXXX/lv`" % (
            info["luvirt_version"], info["commit"], info["luvirt_path"], info["build"]),
        "- libvirt: %s, `virsh -c qemu:///system`; libvirtd and virtlogd in the foreground "
        "under `tini -s`" % info["libvirt_version"],
        "- %s; dir pools on the same filesystem (/var/tmp, `stat -f`: %s)" % (
            info["qemu_img_version"], info["fs"]),
        "- Samples: %d per workload and tool, interleaved, order alternating, after one "
        "warm-up round of each" % len(r.get("lv.create", [])),
        "",
        "| workload | luvirt | libvirt | luvirt / libvirt | target |",
        "|---|--:|--:|--:|---|",
    ]
    for label, lv, vs, target in rows(r, args):
        lines.append("| %s | %s | %s | %.2fx | %s |" % (label, fmt(lv), fmt(vs), ratio(lv, vs),
                                                      verdict(lv, vs, target)))
    lines += ["", END]
    return "\n".join(lines)


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


def report(r, args, info):
    print()
    print("%-40s %12s %12s %8s  %s" % ("workload", "luvirt", "libvirt", "ratio", "target"))
    for label, lv, vs, target in rows(r, args):
        print("%-40s %12s %12s %7.2fx  %s" % (label.replace("`", ""), fmt(lv), fmt(vs),
                                              ratio(lv, vs), verdict(lv, vs, target).replace("*", "")))
    if not args.no_write:
        write_doc(args.doc, render(r, args, info))
        print("updated %s" % args.doc)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--luvirt", default=os.environ.get("LUVIRT_BIN"),
                   help="the luvirt binary (default: $LUVIRT_BIN, else build/shell/luvirt)")
    p.add_argument("--virsh", default=os.environ.get("VIRSH_BIN", "virsh"))
    p.add_argument("--runs", type=int, default=5, help="runs per workload and tool (>= 5)")
    p.add_argument("--volumes", type=int, default=1000, help="volumes in the refresh/list pool")
    p.add_argument("--data-mib", type=int, default=GIB >> 20, help=argparse.SUPPRESS)
    p.add_argument("--allow-few-runs", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--doc", default=os.path.join(SRC, "docs", "performance.md"))
    p.add_argument("--no-write", action="store_true", help="print only; leave the doc alone")
    p.add_argument("--json", help="also write every sample (seconds) to this file")
    p.add_argument("--from-json", metavar="FILE",
                   help="measure nothing: print and write the doc from a --json file of a run")
    args = p.parse_args()

    if args.from_json:
        with open(args.from_json) as f:
            saved = json.load(f)
        for k, v in saved.get("args", {}).items():
            if k not in ("doc", "no_write", "json", "from_json"):
                setattr(args, k, v)
        return report(saved["samples"], args, saved["info"])
    if args.runs < 5 and not args.allow_few_runs:
        p.error("--runs must be at least 5")
    if os.geteuid() != 0:
        p.error("run as root: libvirtd for qemu:///system is started by this script")
    luvirt = os.path.abspath(args.luvirt or os.path.join(SRC, "build", "shell", "luvirt"))
    if not os.access(luvirt, os.X_OK):
        p.error("no luvirt binary at '%s' (use --luvirt PATH or LUVIRT_BIN)" % luvirt)
    virsh = shutil.which(args.virsh)
    if not virsh:
        p.error("no virsh (apt-get install libvirt-clients)")
    if not shutil.which("qemu-img"):
        p.error("no qemu-img (apt-get install qemu-utils)")
    kind = bench.build_kind(luvirt)
    if kind and ("unoptimised" in kind or "Debug" in kind or "ASan" in kind):
        log("bench: warning: %s is a %s build" % (luvirt, kind))

    work = tempfile.mkdtemp(prefix="lvs-", dir="/var/tmp")  # a disk, not a tmpfs
    b = Bench(args, luvirt, virsh, work)
    os.makedirs(b.libvirt.env["XDG_CONFIG_HOME"], exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        log("luvirt: %s" % luvirt)
        b.go()
    except (Failure, bench_qemu.Failure, KeyboardInterrupt) as e:
        print("\nbench: %s" % (e or "interrupted"), file=sys.stderr)
        return 1
    finally:
        b.cleanup()
        shutil.rmtree(work, ignore_errors=True)
        # bench.luvirt_env's temporary XDG home (it leaves it to the caller)
        shutil.rmtree(b.lv_env["XDG_CONFIG_HOME"], ignore_errors=True)

    src = bench.find_cmake_source(luvirt) or SRC
    g = subprocess.run(["git", "-C", src, "rev-parse", "--short", "HEAD"], capture_output=True,
                       text=True)
    fs = subprocess.run(["stat", "-f", "-c", "%T", "/var/tmp"], capture_output=True, text=True)
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": bench.machine_info(),
        "luvirt_version": bench.command_version([luvirt, "--version"], b.lv_env),
        "luvirt_path": luvirt,
        "commit": "commit %s" % g.stdout.strip() if g.returncode == 0 else "unknown commit",
        "build": kind or "installed",
        "libvirt_version": bench.command_version(["libvirtd", "--version"], os.environ),
        "qemu_img_version": bench.command_version(["qemu-img", "--version"], os.environ),
        "fs": fs.stdout.strip() or "unknown",
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"info": info, "samples": b.r, "args": vars(args)}, f, indent=1)
    return report(b.r, args, info)


if __name__ == "__main__":
    sys.exit(main())
