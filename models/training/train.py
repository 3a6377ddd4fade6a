#!/usr/bin/env python3
"""Train one of Nocturne's networks from a config: see nocturne_train/cli.py, which this runs.

  /usr/bin/python3 models/training/train.py --config models/training/configs/lamba-mitra.json
"""
import sys

from nocturne_train.cli import main

if __name__ == "__main__":
    sys.exit(main())
