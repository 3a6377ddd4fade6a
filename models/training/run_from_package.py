#!/usr/bin/python3
"""Turn a shipped model package into a training run folder, so that a config can warm-start
from the weights users have (config "warm_start": {"config": ..., "run": "runs/<name>"}).

    /usr/bin/python3 models/training/run_from_package.py --id ba-gan --run runs/ba-gan-shipped

Writes checkpoint.npz, config.json (the architecture from the manifest) and summary.json (the
steps, wall time and hardware the manifest records) into models/training/<run>. Only packages
whose TorchScript module wraps the network under `net.` can be read back. Weight-normalised
networks (Lamba & Mitra) were folded at export (W = g v / ||v||); they come back unfolded as
v = W, g = ||W||, which computes exactly the folded W again.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch

from nocturne_data import photos as ph
from nocturne_models import build, save_npz

MODELS_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def unfold_weight_norm(weights: dict, expected: dict) -> dict:
    """Folded `<conv>.weight` tensors as the weight_v / weight_g pairs a weight-normalised
    network expects (torch.nn.utils.weight_norm, dim 0: one gain per output channel)."""
    out = dict(weights)
    for key, like in expected.items():
        if not key.endswith(".weight_v"):
            continue
        folded = key[:-len("_v")]
        if folded not in out:
            continue
        w = out.pop(folded)
        out[key] = w
        out[folded + "_g"] = w.flatten(1).norm(dim=1).reshape(expected[folded + "_g"].shape)
    return out


def network_from_package(pt: str, manifest: dict) -> torch.nn.Module:
    kwargs = dict(manifest.get("architecture", {}))
    kwargs.pop("tone_anchor_sigma", None)   # a property of the package wrapper, not the network
    net = build(manifest["id"], **kwargs)
    scripted = torch.jit.load(pt, map_location="cpu").state_dict()
    # A tone-anchored package (nocturne_export.wrappers.AnchoredImage) holds the usual
    # wrapper one level deeper.
    prefix = "net.net." if any(k.startswith("net.net.") for k in scripted) else "net."
    weights = {k[len(prefix):]: v.float() for k, v in scripted.items() if k.startswith(prefix)}
    expected = net.state_dict()
    weights = unfold_weight_norm(weights, expected)
    if set(weights) != set(expected):
        missing = sorted(set(expected) - set(weights))[:3]
        raise ValueError(f"{pt}: its weights do not match the {manifest['id']} architecture "
                         f"{kwargs} (missing e.g. {missing})")
    net.load_state_dict(weights)
    return net


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--id", required=True, help="model id (models/<id>.pt and .json)")
    p.add_argument("--run", required=True, help="run folder, relative to models/training")
    p.add_argument("--models", default=MODELS_DIR)
    a = p.parse_args(argv)
    with open(os.path.join(a.models, f"{a.id}.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    net = network_from_package(os.path.join(a.models, manifest["file"]), manifest)
    run_dir = os.path.join(ph.TRAINING_DIR, a.run)
    os.makedirs(run_dir, exist_ok=True)
    meta = {"network": a.id, "from": manifest["file"]}
    # What the weights compute that they do not say themselves, so that a re-export (or a run
    # warm-started from here) gives the engine the same package: the output space and curve.
    for key in ("output", "output_encoding"):
        if key in manifest:
            meta[key] = manifest[key]
    save_npz(net, os.path.join(run_dir, "checkpoint.npz"), meta)
    training = manifest.get("training", {})
    kwargs = dict(manifest.get("architecture", {}))
    kwargs.pop("tone_anchor_sigma", None)
    with open(os.path.join(run_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump({"network": a.id, "model_kwargs": kwargs}, f, indent=2)
    with open(os.path.join(run_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump({"steps": training.get("steps", 0), "wall_time_s": training.get("wall_time_s", 0),
                   "hardware": training.get("hardware", "unknown"),
                   "from_package": manifest["file"], "sha256": manifest.get("sha256", "")}, f, indent=2)
    print(f"{a.id}: {manifest['file']} -> {run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
