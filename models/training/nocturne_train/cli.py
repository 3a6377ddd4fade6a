"""Train one of Nocturne's networks from a config, on the CPU or a GPU (config "device").

  /usr/bin/python3 models/training/train.py --config models/training/configs/lamba-mitra.json
  /usr/bin/python3 models/training/train.py --config ... --resume          # continue a run
  /usr/bin/python3 models/training/train.py --config ... --steps 3 --run-dir /tmp/smoke
  cd models/training && python3 -m nocturne_train --config configs/neid.json   # the same

Writes models/training/runs/<network>/ (git-ignored): checkpoint.npz (save_npz, for
export.py --checkpoint), state.pt (optimiser state), loss.csv, val.csv, curves.png,
summary.json (for export.py --training-json).
"""
import argparse
import os
import sys

from nocturne_data.photos import TRAINING_DIR

from .config import check, load_config
from .loop import train

# Settings the command line may override; each is checked again like a value from the file.
OVERRIDES = ("crop", "batch", "threads", "device", "workers", "photo_pack", "max_wall_s")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(prog="train.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--config", required=True, help="configs/<id>.json")
    p.add_argument("--run-dir", help="default models/training/runs/<network>")
    p.add_argument("--resume", action="store_true", help="continue from run-dir's state")
    p.add_argument("--steps", type=int, help="stop after this many steps (schedule unchanged)")
    p.add_argument("--crop", type=int, help="override the crop (smoke tests)")
    p.add_argument("--batch", type=int, help="override the batch size (smoke tests)")
    p.add_argument("--threads", type=int, help="override torch threads")
    p.add_argument("--max-wall-s", type=float, help="override the wall-time cap (0: none)")
    p.add_argument("--device", help="override the device: cpu, cuda, cuda:1")
    p.add_argument("--workers", type=int, help="override the batch-synthesis worker count")
    p.add_argument("--photo-pack", help="read photos from a pack_photos.py folder")
    args = p.parse_args(argv)
    try:
        cfg = load_config(args.config)
    except (OSError, ValueError) as e:  # both name the file
        print(f"train: {e}", file=sys.stderr)
        return 2
    for key in OVERRIDES:
        if getattr(args, key) is not None:
            setattr(cfg, key, getattr(args, key))
    try:
        check(cfg, f"{args.config} with the command-line overrides")
    except ValueError as e:
        print(f"train: {e}", file=sys.stderr)
        return 2
    if cfg.device.startswith("cuda"):
        import torch
        if not torch.cuda.is_available():
            print(f"train: {args.config} trains on '{cfg.device}', which this machine does "
                  "not have: add --device cpu (much slower) or use a GPU machine",
                  file=sys.stderr)
            return 2
    run_dir = args.run_dir or os.path.join(TRAINING_DIR, "runs", cfg.network)
    summary = train(cfg, run_dir, resume=args.resume, steps=args.steps,
                    command=["train.py"] + list(argv), log=lambda s: print(s, flush=True))
    print(f"done: {summary['steps']} steps in {summary['wall_time_s']} s -> {run_dir}")
    return 0
