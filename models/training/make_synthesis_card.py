#!/usr/bin/python3
"""Card figure and statistics for the dark-camera-JPEG synthesis (pair mode 'jpeg').

    /usr/bin/python3 models/training/make_synthesis_card.py --out models/cards/synthesis-jpeg.png
    /usr/bin/python3 models/training/make_synthesis_card.py --stats-only --real ../shared/data/real-dev

The figure shows synthetic pairs only (rows: the dark file, what "amplify only" shows without
and with the engine's noise reduction, and the target). With --real, the same statistics are
measured on the real dark files of a pairs folder (its */low/* images) and printed beside the
synthetic ones: real pixels are read, never written (real-dev is for evaluation only).
"""
from __future__ import annotations

import argparse
import glob
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from nocturne_data import SyntheticPairs
from nocturne_data import engine_exposure as ee
from nocturne_data import pairs
from nocturne_data.dataset import item_seed, random_crop


def luma_noise(disp: torch.Tensor) -> float:
    """Immerkaer's sigma on the display luma of (1,3,H,W): grain plus fine texture."""
    y = (0.299 * disp[:, 0] + 0.587 * disp[:, 1] + 0.114 * disp[:, 2])[:, None]
    k = torch.tensor([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=torch.float32)[None, None]
    r = F.conv2d(y, k).abs()
    h, w = y.shape[2:]
    return float(r.sum()) * math.sqrt(math.pi / 2) / (6 * (w - 2) * (h - 2))


def chroma_noise(disp: torch.Tensor) -> float:
    """Std of the colour part of the detail (each channel minus its 5x5 mean, minus the grey
    part): colour grain and blotches."""
    d = disp - F.avg_pool2d(disp, 5, 1, 2, count_include_pad=False)
    return float((d - d.mean(1, keepdim=True)).std())


def stats(rows: list[tuple[float, float, float]]) -> dict:
    a = np.array(rows)
    return {name: np.percentile(a[:, i], [10, 50, 90]) for i, name in
            enumerate(("gain", "luma noise", "chroma noise"))}


def synthetic_rows(count: int, crop: int, seed: int, **pair_kwargs) -> list[tuple[float, float, float]]:
    ds = SyntheticPairs(split="train", mode="jpeg", crop=crop, length=count, seed=seed)
    out = []
    for i in range(count):
        gen = torch.Generator().manual_seed(item_seed(seed, 0, i))
        photo = int(torch.randint(len(ds.store), (1,), generator=gen))
        p = pairs.jpeg_pair(random_crop(ds.store.image(photo), crop, gen)[None], gen, **pair_kwargs)
        gain = float(ee.eq5_gain(ee.srgb_to_linear(p["dark"])))
        out.append((gain, luma_noise(p["input"]), chroma_noise(p["input"])))
    return out


def real_rows(folder: str, crop: int) -> list[tuple[float, float, float]]:
    from PIL import Image
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "*", "low", "*"))):
        with Image.open(path) as im:
            a = np.array(im.convert("RGB"))
        t = torch.from_numpy(a).permute(2, 0, 1).float()[None] / 255.0
        disp, _ = ee.amplified_display(t)
        h, w = disp.shape[2:]
        c = disp[..., (h - crop) // 2:(h + crop) // 2, (w - crop) // 2:(w + crop) // 2]
        out.append((float(ee.eq5_gain(ee.srgb_to_linear(t))), luma_noise(c), chroma_noise(c)))
    return out


def figure(path: str, count: int, crop: int, seed: int) -> None:
    from PIL import Image
    plain = SyntheticPairs(split="train", mode="jpeg", crop=crop, length=count, seed=seed)
    cleaned = SyntheticPairs(split="train", mode="jpeg", crop=crop, length=count, seed=seed,
                             noise_reduction=1.0)
    cols = []
    for i in range(count):
        a, b = plain[i], cleaned[i]  # the same seed: the same dark file, with and without NR
        cols.append(torch.cat([a["input"], b["input"], b["target"]], 1))
    grid = torch.cat(cols, 2).clamp(0, 1)
    Image.fromarray((grid.permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)).save(path)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", help="PNG: columns of synthetic pairs (amplify only; + noise reduction; target)")
    p.add_argument("--count", type=int, default=6)
    p.add_argument("--crop", type=int, default=192)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--real", help="a pairs folder (*/low/*) to measure beside the synthesis")
    p.add_argument("--stats-count", type=int, default=64)
    p.add_argument("--stats-only", action="store_true")
    p.add_argument("--ratio-range", type=float, nargs=2, metavar=("LO", "HI"),
                   help="the synthesis' exposure-ratio range for the statistics (default: the mode's)")
    args = p.parse_args()
    torch.set_num_threads(1)
    if args.out and not args.stats_only:
        figure(args.out, args.count, args.crop, args.seed)
        print(f"wrote {args.out}")
    if args.real or args.stats_only:
        kwargs = {"ratio_range": tuple(args.ratio_range)} if args.ratio_range else {}
        sets = {"synthetic (pair mode jpeg)": synthetic_rows(args.stats_count, 256, args.seed, **kwargs)}
        if args.real:
            sets["real dark files"] = real_rows(args.real, 256)
        print("| set | Eq. 5 gain p10 / p50 / p90 | luma noise | chroma noise |")
        print("|---|---|---|---|")
        for name, rows in sets.items():
            s = stats(rows)
            cells = [" / ".join(f"{v:.3g}" for v in s[k]) for k in ("gain", "luma noise", "chroma noise")]
            print(f"| {name} (n={len(rows)}) | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
