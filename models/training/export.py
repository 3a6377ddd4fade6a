#!/usr/bin/env python3
"""Export Nocturne's networks to the model package format: see nocturne_export/cli.py, which
this runs.

  /usr/bin/python3 models/training/export.py --id lamba-mitra --checkpoint ckpt.npz --out models/
  /usr/bin/python3 models/training/export.py --all --random-init --seed 7 --out /tmp/m
"""
import os
import sys

if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED") != "0":
    # nocturne_export.cli.pin_hash_seed, done before anything imports torch: the C++ tests
    # export at start-up, and re-executing after the torch import would cost them a second.
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

from nocturne_export.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
