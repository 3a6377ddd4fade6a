"""python3 -m nocturne_export: the same as export.py."""
from .cli import run

run()
