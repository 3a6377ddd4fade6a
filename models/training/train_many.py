#!/usr/bin/env python3
"""Train several networks at once on one GPU and gather what a local export needs.

A GPU trains each of these small networks far faster than one process can synthesise its
pairs, so running the networks side by side (each with its own batch-synthesis workers) keeps
the GPU and the CPU cores busy together. Used for the shipped weights on a lent GPU machine:

  /usr/bin/python3 models/training/pack_photos.py --out .photo-pack            # here
  python3 models/training/train_many.py --photo-pack .photo-pack --collect OUT \\
      lamba-mitra gia-net sid-unet attention-unet neid ba-gan                  # GPU machine

--collect writes <id>.npz (the final weights, stored as float16: the exported model stores
fp16 anyway, and it halves what travels back; split into <id>.npz.partN when larger than
PART_BYTES, the most one file may be to come back from the machine) and runs.tar.gz (each
run's loss/val CSVs, curves, summary, config and log, its warm-start base run's too; no
optimiser state). `train_many.py --unpack OUT` puts both into models/training/runs, then
reproduce.py --skip-train evaluates and ships.
"""
import argparse
import os
import subprocess
import sys
import tarfile
import time

import numpy as np

from nocturne_train import load_config

HERE = os.path.dirname(os.path.abspath(__file__))

KEEP = ("loss.csv", "val.csv", "curves.png", "summary.json", "config.json")
PART_BYTES = 15 * 2**20


def config_path(net_id: str) -> str:
    return os.path.join(HERE, "configs", f"{net_id}.json")


def warm_base(net_id: str):
    """(config path, run folder) of the run a network's config warm-starts from, or None."""
    warm = load_config(config_path(net_id)).warm_start
    return (warm.config_path, os.path.join(HERE, warm.run)) if warm else None


def job_commands(net_id: str, runs: str, extra: list) -> list:
    """train.py command lines for one network: its warm-start base first, if it has one
    (reproduce.py trains through these too)."""
    train_py = [sys.executable, os.path.join(HERE, "train.py")]
    cmds = []
    base = warm_base(net_id)
    if base:
        cmds.append(train_py + ["--config", base[0], "--run-dir", base[1]] + extra)
    cmds.append(train_py + ["--config", config_path(net_id), "--run-dir",
                            os.path.join(runs, net_id)] + extra)
    return cmds


def to_fp16_npz(src: str, dest: str) -> None:
    with np.load(src, allow_pickle=False) as data:
        arrays = {k: (data[k].astype(np.float16) if data[k].dtype == np.float32 else data[k])
                  for k in data.files}
    with open(dest, "wb") as f:
        np.savez(f, **arrays)


def split_file(path: str, part_bytes: int = PART_BYTES) -> None:
    """Replace path by path.part0, path.part1, ... when it is larger than part_bytes."""
    if os.path.getsize(path) <= part_bytes:
        return
    with open(path, "rb") as f:
        i = 0
        while True:
            chunk = f.read(part_bytes)
            if not chunk:
                break
            with open(f"{path}.part{i}", "wb") as part:
                part.write(chunk)
            i += 1
    os.remove(path)


def collect(ids: list, runs: str, out: str, part_bytes: int = PART_BYTES) -> None:
    os.makedirs(out, exist_ok=True)
    with tarfile.open(os.path.join(out, "runs.tar.gz"), "w:gz") as tar:
        for net_id in ids:
            run_dir = os.path.join(runs, net_id)
            ckpt = os.path.join(run_dir, "checkpoint.npz")
            if os.path.isfile(ckpt):
                to_fp16_npz(ckpt, os.path.join(out, f"{net_id}.npz"))
                split_file(os.path.join(out, f"{net_id}.npz"), part_bytes)
            dirs = {net_id: run_dir}
            base = warm_base(net_id)
            if base:  # the base run's curves and summary belong in the card too
                dirs[os.path.basename(base[1])] = base[1]
            for arc, folder in dirs.items():
                for name in KEEP:
                    path = os.path.join(folder, name)
                    if os.path.isfile(path):
                        tar.add(path, arcname=f"{arc}/{name}")
            log = os.path.join(runs, f"{net_id}.log")
            if os.path.isfile(log):
                tar.add(log, arcname=f"{net_id}.log")


def unpack(src: str, runs: str) -> None:
    with tarfile.open(os.path.join(src, "runs.tar.gz")) as tar:
        for m in tar.getmembers():
            if not m.isfile() or m.name.startswith("/") or ".." in m.name.split("/"):
                raise ValueError(f"unexpected member {m.name!r} in runs.tar.gz")
        tar.extractall(runs)
    names = sorted(os.listdir(src))
    for net_id in sorted({n.split(".npz")[0] for n in names if ".npz" in n}):
        whole = os.path.join(src, f"{net_id}.npz")
        parts = sorted((n for n in names if n.startswith(f"{net_id}.npz.part")),
                       key=lambda n: int(n.rsplit("part", 1)[1]))
        run_dir = os.path.join(runs, net_id)
        os.makedirs(run_dir, exist_ok=True)
        with open(os.path.join(run_dir, "checkpoint.npz"), "wb") as dest:
            for path in ([whole] if os.path.isfile(whole) else
                         [os.path.join(src, n) for n in parts]):
                with open(path, "rb") as f:
                    dest.write(f.read())
        print(f"{net_id} -> {run_dir}/checkpoint.npz")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("ids", nargs="*", help="network ids (configs/<id>.json)")
    p.add_argument("--runs", default=os.path.join(HERE, "runs"))
    p.add_argument("--photo-pack", help="pack_photos.py folder (the machine has no packages)")
    p.add_argument("--max-wall-s", type=float, help="override every config's wall cap")
    p.add_argument("--collect", help="gather weights and logs here when all runs end")
    p.add_argument("--unpack", help="a --collect folder to unpack into --runs (no training)")
    a = p.parse_args(argv)
    if a.unpack:
        unpack(a.unpack, a.runs)
        return 0
    if not a.ids:
        p.error("name the networks to train")
    extra = (["--photo-pack", os.path.abspath(a.photo_pack)] if a.photo_pack else []) + \
        (["--max-wall-s", str(a.max_wall_s)] if a.max_wall_s is not None else [])
    os.makedirs(a.runs, exist_ok=True)
    procs = {}
    t0 = time.time()
    for net_id in a.ids:
        chain = " && ".join(" ".join(c) for c in job_commands(net_id, a.runs, extra))
        log = open(os.path.join(a.runs, f"{net_id}.log"), "w", encoding="utf-8")
        procs[net_id] = (subprocess.Popen(["bash", "-c", chain], stdout=log,
                                          stderr=subprocess.STDOUT), log)
    failed = []
    for net_id, (proc, log) in procs.items():
        rc = proc.wait()
        log.close()
        print(f"{net_id}: exit {rc} after {time.time() - t0:.0f} s", flush=True)
        if rc:
            failed.append(net_id)
    if a.collect:
        collect(a.ids, a.runs, a.collect)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
