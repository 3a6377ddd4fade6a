#!/usr/bin/env python3
"""Write the golden tensors for the C++ engine parity test (tests/golden/models/<id>/).

  /usr/bin/python3 models/training/make_goldens.py             # all networks
  /usr/bin/python3 models/training/make_goldens.py --id neid   # one
  /usr/bin/python3 models/training/make_goldens.py --check     # verify, write nothing

For each network: build the eager fp32 inference model exactly as `export.py --random-init`
does (seed and arguments in nocturne_export/goldens.py), run the fixed input through it, export
the TorchScript module with the real CLI into a temporary folder, reload it with torch.jit.load
and require the same output to 1e-5, then store input, eager output and meta.json. The .pt is
not kept: the C++ test regenerates it with the export_args recorded in meta.json.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import torch

from nocturne_export import build_inference_model, sha256_of
from nocturne_export.goldens import (CASES, GOLDEN_SEED, PYTHON_TOLERANCE,
                                     default_root, outputs_of, read_golden, write_golden)

HERE = os.path.dirname(os.path.abspath(__file__))


def export_with_cli(case, out_dir: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, os.path.join(HERE, "export.py")] + case.export_args()
                   + ["--out", out_dir, "--quiet"], check=True)
    return time.perf_counter() - start


def max_diff(a, b) -> float:
    return max((a[k] - b[k]).abs().max().item() for k in a)


def run_case(case, root: str, check_only: bool) -> bool:
    eager = build_inference_model(case.net_id, seed=GOLDEN_SEED, base=case.base(),
                                  init=case.init())
    x = case.make_input()
    with torch.no_grad():
        ref = outputs_of(eager(x))
    with tempfile.TemporaryDirectory() as tmp:
        seconds = export_with_cli(case, tmp)
        pt = os.path.join(tmp, f"{case.net_id}.pt")
        with open(os.path.join(tmp, f"{case.net_id}.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        if manifest["sha256"] != sha256_of(pt):
            print(f"{case.net_id}: manifest sha256 does not match the .pt", file=sys.stderr)
            return False
        size = os.path.getsize(pt)
        module = torch.jit.load(pt)
        with torch.no_grad():
            scripted = outputs_of(module(x))
    d = max_diff(ref, scripted)
    ok = d <= PYTHON_TOLERANCE
    folder = os.path.join(root, case.net_id)
    status = f"{case.net_id}: export {seconds:.1f} s, .pt {size / 1e6:.2f} MB, " \
             f"TorchScript vs eager max |diff| {d:.2e}"
    if check_only:
        _, gx, gouts = read_golden(folder)
        dg = max_diff(gouts, ref) if torch.equal(gx, x) else float("inf")
        ok = ok and dg <= PYTHON_TOLERANCE
        status += f", stored golden vs eager {dg:.2e}"
    elif ok:
        sizes = write_golden(case, folder, x, ref, manifest)
        status += f", golden {sum(sizes.values()) / 1024:.1f} KiB"
    print(status + ("" if ok else "  FAILED"))
    return ok


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--id", action="append", choices=sorted(CASES), help="network (repeatable)")
    p.add_argument("--root", default=default_root(), help="golden folder (tests/golden/models)")
    p.add_argument("--check", action="store_true", help="verify the stored goldens only")
    args = p.parse_args(argv)
    torch.set_num_threads(2)
    ok = True
    for net_id in args.id or list(CASES):
        ok = run_case(CASES[net_id], args.root, args.check) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
