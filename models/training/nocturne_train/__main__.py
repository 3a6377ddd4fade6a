"""python3 -m nocturne_train: the same as train.py."""
import sys

from .cli import main

sys.exit(main())
