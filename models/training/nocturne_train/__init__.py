"""Nocturne's training loop: config-driven, resumable, CPU-friendly (PyTorch 1.13 and 2.x).

`train.py --config configs/<id>.json` is the entry point; see models/training/README.md."""
from .config import load_config
from .loop import train
from .plot import plot_curves

__all__ = ["load_config", "plot_curves", "train"]
