"""Nocturne's training loop: config-driven, resumable, CPU-friendly (PyTorch 1.13 and 2.x).

`train.py --config configs/<id>.json` (or `python3 -m nocturne_train`, cli.py) is the entry
point; see models/training/README.md."""
from .config import TrainConfig, load_config
from .loop import train
from .plot import plot_curves

__all__ = ["TrainConfig", "load_config", "plot_curves", "train"]
