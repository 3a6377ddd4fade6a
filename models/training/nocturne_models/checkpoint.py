"""Version-neutral checkpoints: a state_dict as a NumPy .npz (one array per tensor) plus a JSON
string under "__meta__". A model trained on PyTorch 2.x can be saved here and loaded on 1.13.

Weight-norm pairs convert both ways: a folded checkpoint (".weight") loads into a weight-normed
model (v = W, g = ||W|| per output channel) and a weight-normed one (".weight_g"/".weight_v")
loads into a folded model (W = g * v / ||v||).
"""
import json
from typing import Dict, Optional

import numpy as np
import torch
import torch.nn as nn

_META_KEY = "__meta__"


def save_npz(model: nn.Module, path: str, metadata: Optional[dict] = None) -> None:
    arrays: Dict[str, np.ndarray] = {
        k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    meta = {"format": "nocturne-npz-1", "torch": torch.__version__,
            "class": type(model).__name__}
    meta.update(metadata or {})
    arrays[_META_KEY] = np.array(json.dumps(meta))
    with open(path, "wb") as f:  # a file object stops numpy from appending ".npz"
        np.savez(f, **arrays)


def read_metadata(path: str) -> dict:
    with np.load(path, allow_pickle=False) as data:
        return json.loads(str(data[_META_KEY])) if _META_KEY in data.files else {}


def _wn_norm(v: np.ndarray) -> np.ndarray:
    """||v|| over every dim but the first (weight_norm's default dim=0), keepdims."""
    return np.sqrt((v.astype(np.float64) ** 2).reshape(v.shape[0], -1).sum(1)).reshape(
        (v.shape[0],) + (1,) * (v.ndim - 1))


def load_npz(model: nn.Module, path: str, strict: bool = True) -> nn.Module:
    with np.load(path, allow_pickle=False) as data:
        stored = {k: data[k] for k in data.files if k != _META_KEY}
    target = model.state_dict()
    new_state: Dict[str, torch.Tensor] = {}
    used = set()
    missing = []
    for key, ref in target.items():
        prefix = key.rsplit(".", 1)[0] if "." in key else ""
        dot = prefix + "." if prefix else ""
        arr = None
        if key in stored:
            arr = stored[key]
            used.add(key)
        elif key.endswith((".weight_g", ".weight_v")) or key in ("weight_g", "weight_v"):
            folded = dot + "weight"
            if folded in stored:
                w = stored[folded]
                arr = _wn_norm(w).astype(w.dtype) if key.endswith("weight_g") else w
                used.add(folded)
        elif key.endswith("weight") and (dot + "weight_g") in stored and (dot + "weight_v") in stored:
            g, v = stored[dot + "weight_g"], stored[dot + "weight_v"]
            arr = (g * v / _wn_norm(v)).astype(v.dtype)
            used.update({dot + "weight_g", dot + "weight_v"})
        if arr is None:
            missing.append(key)
            continue
        if tuple(arr.shape) != tuple(ref.shape):
            raise ValueError(f"{path}: {key} has shape {arr.shape}, model expects "
                             f"{tuple(ref.shape)}; is this checkpoint for another network?")
        new_state[key] = torch.from_numpy(np.array(arr)).to(ref.dtype)
    unexpected = sorted(set(stored) - used)
    if strict and (missing or unexpected):
        raise KeyError(f"{path}: checkpoint does not match {type(model).__name__}; "
                       f"missing {missing[:8]}, unexpected {unexpected[:8]}")
    model.load_state_dict(new_state, strict=False)
    return model
