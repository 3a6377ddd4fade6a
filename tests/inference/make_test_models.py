#!/usr/bin/python3
"""Writes tiny TorchScript model packages (one per input kind) plus golden input/output pairs
for the inference tests.

Usage: make_test_models.py OUT_DIR

For every model <id>: <id>.pt (torch.jit.script, saved with this PyTorch), <id>.json (manifest,
format 1, with the file's sha256), and for the parity test <id>.golden_in.bin (uint16 mosaic
H x W for RAW kinds, float32 linear RGB H x W x 3 for sRGB kinds), <id>.golden_out.bin (float32
3 x H x W, the eager module's output) and, for models with attention, <id>.golden_att.bin
(float32 H x W). The golden input is preprocessed here exactly as models/README.md says the
engine does it, then run through the *eager* module. Sizes and constants are in GOLDEN below.
"""
import hashlib
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

GOLDEN = {"width": 48, "height": 40, "gain": 4.0, "black": 64, "white": 16383}


class MosaicNet(nn.Module):
    """bayer_mosaic: 1 x H x W (RGGB) -> 3 x H x W. Splits the CFA planes with pixel_unshuffle,
    mixes them per 2x2 block, upsamples bilinearly and refines at full resolution: like a
    demosaicker it is (nearly) equivariant to one-pixel shifts, which the CFA phase test needs."""

    def __init__(self):
        super().__init__()
        self.mix = nn.Conv2d(4, 8, 1)
        self.refine = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.leaky_relu(self.mix(F.pixel_unshuffle(x, 2)), 0.2)
        y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
        return torch.sigmoid(self.refine(y))


class PackedNet(nn.Module):
    """packed_4ch: 4 x H/2 x W/2 (R, G, B, G) -> 3 x H x W, same idea as MosaicNet."""

    def __init__(self):
        super().__init__()
        self.mix = nn.Conv2d(4, 8, 3, padding=1)
        self.refine = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.mix(x))
        y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
        return torch.sigmoid(self.refine(y))


class SrgbAttentionNet(nn.Module):
    """srgb: 3 x H x W -> (3 x H x W image, 1 x H x W attention)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 4, 3, padding=1)

    def forward(self, x: torch.Tensor):
        y = self.c2(F.relu(self.c1(x)))
        return torch.sigmoid(y[:, 0:3] + x), torch.sigmoid(y[:, 3:4])


class HalfScaleNet(nn.Module):
    """NEID-like srgb: receives a half-size image, returns it at twice that size."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 12, 3, padding=1)
        self.c2 = nn.Conv2d(12, 12, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.c2(F.relu(self.c1(x)))
        return torch.sigmoid(F.pixel_shuffle(y, 2))


MODELS = [
    # id, class, input_kind, size_multiple, input_scale, scale_factor, outputs, amplifier, clip
    ("test-mosaic", MosaicNet, "bayer_mosaic", 4, 1.0, 1, ["image"], "mosaic", False),
    ("test-packed", PackedNet, "packed_4ch", 4, 1.0, 2, ["image"], "mosaic", True),
    ("test-srgb-attention", SrgbAttentionNet, "srgb", 8, 1.0, 1, ["image", "attention"], "rgb", False),
    ("test-half-scale", HalfScaleNet, "srgb", 4, 0.5, 2, ["image"], "rgb", False),
]


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def manifest(model_id, kind, multiple, in_scale, scale, outputs, amp, clip, sha, params, trained):
    return {
        "format_version": 1,
        "id": model_id,
        "display_name": "Test " + model_id,
        "paper": "Nocturne test fixture",
        "file": model_id + ".pt" if trained else model_id[: -len("-dev")] + ".pt",
        "sha256": sha,
        "input_kind": kind,
        "size_multiple": multiple,
        "input_scale": in_scale,
        "scale_factor": scale,
        "outputs": outputs,
        "input_range": [0.0, 300.0],
        "output_range": [0.0, 1.0],
        "amplifier": amp,
        "clip_input": clip,
        "parameters": params,
        "licence": "MIT (Nocturne test fixture)",
        "trained": trained,
        "training": {"command": "none", "hardware": "none", "steps": 0, "wall_time_s": 0, "data": "random init"},
        "evaluation": {},
    }


def golden_input(kind, rng):
    h, w = GOLDEN["height"], GOLDEN["width"]
    if kind in ("bayer_mosaic", "packed_4ch"):
        return rng.integers(GOLDEN["black"], 4000, size=(h, w), dtype=np.uint16)
    return rng.uniform(0.0, 0.3, size=(h, w, 3)).astype(np.float32)


def preprocess(kind, raw, in_scale, clip):
    """What the engine does before the network (models/README.md), in float32."""
    gain = np.float32(GOLDEN["gain"])
    if kind in ("bayer_mosaic", "packed_4ch"):
        scale = np.float32(1.0) / np.float32(GOLDEN["white"] - GOLDEN["black"])
        x = np.maximum(raw.astype(np.float32) - np.float32(GOLDEN["black"]), 0) * scale * gain
        if clip:
            x = np.minimum(x, np.float32(1.0))
        if kind == "bayer_mosaic":
            return x[None, None]
        packed = np.stack([x[0::2, 0::2], x[0::2, 1::2], x[1::2, 1::2], x[1::2, 0::2]])
        return packed[None]
    # The engine's amplifier: gain, then the highlight shoulder (identity to 0.6, then
    # 1 - 0.4 exp(-(v - 0.6) / 0.4)), as "amplify only" shows the image (Exposure::amplify).
    v = np.maximum(raw * gain, 0.0).astype(np.float32)
    knee, room = np.float32(0.6), np.float32(0.4)
    x = np.where(v <= knee, v, 1.0 - room * np.exp(-(v - knee) / room)).astype(np.float32)
    # The exact sRGB curve, as the engine encodes for srgb networks.
    x = np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(x, 1.0 / 2.4) - 0.055).astype(np.float32)
    if in_scale < 1.0:
        h, w, _ = x.shape
        x = x.reshape(h // 2, 2, w // 2, 2, 3).mean(axis=(1, 3), dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))[None]


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    for index, (model_id, cls, kind, multiple, in_scale, scale, outputs, amp, clip) in enumerate(MODELS):
        torch.manual_seed(1234 + index)
        net = cls().eval()
        params = sum(p.numel() for p in net.parameters())
        pt_path = os.path.join(out_dir, model_id + ".pt")
        torch.jit.save(torch.jit.script(net), pt_path)
        sha = sha256_of(pt_path)
        for trained in (True, False):
            mid = model_id if trained else model_id + "-dev"
            with open(os.path.join(out_dir, mid + ".json"), "w") as f:
                json.dump(manifest(mid, kind, multiple, in_scale, scale, outputs, amp, clip, sha, params, trained), f, indent=2)

        rng = np.random.default_rng(99 + index)
        raw = golden_input(kind, rng)
        x = torch.from_numpy(preprocess(kind, raw, in_scale, clip))
        with torch.no_grad():
            y = net(x)
        image, attention = (y if isinstance(y, tuple) else (y, None))
        raw.tofile(os.path.join(out_dir, model_id + ".golden_in.bin"))
        image[0].numpy().astype(np.float32).tofile(os.path.join(out_dir, model_id + ".golden_out.bin"))
        if attention is not None:
            attention[0, 0].numpy().astype(np.float32).tofile(os.path.join(out_dir, model_id + ".golden_att.bin"))
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(GOLDEN, f)


if __name__ == "__main__":
    main()
