"""Export Nocturne's networks to the model package format (models/README.md).

Run with Debian's PyTorch 1.13 so LibTorch 1.13 can load the result:

  /usr/bin/python3 models/training/export.py --id lamba-mitra --checkpoint ckpt.npz --out models/
  /usr/bin/python3 models/training/export.py --id neid --random-init --seed 7 --out /tmp/m
  /usr/bin/python3 models/training/export.py --all --random-init --seed 7 --out /tmp/m
  /usr/bin/python3 models/training/export.py --all --checkpoint-dir ckpts/ --trained --out models/
  cd models/training && python3 -m nocturne_export --id neid --random-init --out /tmp/m

Checkpoints are version-neutral .npz files from nocturne_models.checkpoint.save_npz (weight
norm may still be applied). Writes <out>/<id>.pt and <out>/<id>.json for each network.
"""
import argparse
import os
import sys

import torch

from .cards import all_ids
from .exporter import INITS, ExportError, export_network


def pin_hash_seed() -> None:
    """TorchScript writes a module's constants in set order, which follows the per-process
    string hash seed; re-running the program with PYTHONHASHSEED=0 makes the .pt (and its
    sha256) reproducible for the same command. For program entry points only: it replaces
    the process."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        # orig_argv (3.10+) keeps "-m nocturne_export"; argv[0] would be __main__.py's path.
        argv = getattr(sys, "orig_argv", [sys.executable] + sys.argv)
        os.execv(sys.executable, argv)


def run() -> None:
    """Program entry of python3 -m nocturne_export and the nocturne-export command."""
    pin_hash_seed()
    sys.exit(main())


def parse_args(argv):
    p = argparse.ArgumentParser(prog="export.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", choices=all_ids(), help="network to export")
    which.add_argument("--all", action="store_true", help="export every network")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help=".npz checkpoint (save_npz); with --id")
    src.add_argument("--checkpoint-dir", help="folder of <id>.npz checkpoints; with --all")
    src.add_argument("--random-init", action="store_true",
                     help="random weights from --seed (tests, benchmarks); manifest trained: false")
    p.add_argument("--seed", type=int, default=0, help="seed for --random-init (default 0)")
    p.add_argument("--init", choices=INITS, default="default",
                   help="with --random-init: the network's own init, or variance-preserving "
                        "Kaiming (tests: gives untrained nets an O(1) output)")
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    p.add_argument("--fp16-storage", action="store_true",
                   help="store parameters as fp16 (about half the file; the engine casts back)")
    p.add_argument("--trained", action="store_true",
                   help="mark the manifest trained: true (needs a checkpoint)")
    p.add_argument("--training-json", help="JSON object merged into the manifest's training {}")
    p.add_argument("--evaluation-json", help="JSON object used as the manifest's evaluation {}")
    p.add_argument("--base", type=int, default=None,
                   help="attention-unet width for --random-init (default 16); with a checkpoint "
                        "it is read from the weights")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    p.add_argument("--forked-branches", action="store_true",
                   help="lamba-mitra: run the two heavy encoder branches with torch.jit.fork "
                        "instead of one after another (slower on 2 cores; for benchmarking)")
    p.add_argument("--tone-anchor-sigma", type=float, default=0.0,
                   help="sRGB networks of unchanged size (ba-gan, attention-unet): coarser than "
                        "this Gaussian sigma (pixels) the picture is the input's; the network "
                        "adds only finer detail (default: the anchor the checkpoint was trained "
                        "through, else 0: off)")
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args(argv)
    if args.checkpoint and args.all:
        p.error("--checkpoint goes with --id; use --checkpoint-dir with --all")
    if args.checkpoint_dir and args.id:
        p.error("--checkpoint-dir goes with --all; use --checkpoint with --id")
    if args.tone_anchor_sigma and args.all:
        p.error("--tone-anchor-sigma goes with --id (one network)")
    if args.trained and args.random_init:
        p.error("--trained cannot be combined with --random-init")
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    torch.set_num_threads(max(1, args.threads))
    ids = all_ids() if args.all else [args.id]
    command = ["export.py"] + list(argv)
    for net_id in ids:
        checkpoint = args.checkpoint
        if args.checkpoint_dir:
            checkpoint = os.path.join(args.checkpoint_dir, f"{net_id}.npz")
            if not os.path.isfile(checkpoint):
                print(f"export: {checkpoint}: missing, skipping {net_id}", file=sys.stderr)
                continue
        try:
            r = export_network(
                net_id, args.out, checkpoint=checkpoint,
                seed=args.seed if args.random_init else None, base=args.base, init=args.init,
                fp16_storage=args.fp16_storage, trained=args.trained,
                training_json=args.training_json, evaluation_json=args.evaluation_json,
                command=command, forked_branches=args.forked_branches,
                tone_anchor_sigma=args.tone_anchor_sigma)
        except ExportError as e:
            print(f"export: {net_id}: {e}", file=sys.stderr)
            return 1
        if not args.quiet:
            size = os.path.getsize(r.pt_path)
            print(f"{net_id}: {r.pt_path} ({size / 1e6:.2f} MB, "
                  f"{r.manifest['parameters']:,} params, sha256 {r.manifest['sha256'][:12]}..., "
                  f"{r.seconds:.2f} s)")
    return 0
