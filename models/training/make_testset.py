#!/usr/bin/env python3
"""Write Nocturne's held-out evaluation set from the photos.json TEST split (never tuned on).

  /usr/bin/python3 models/training/make_testset.py [--out models/training/cache/testset]
  /usr/bin/python3 models/training/make_testset.py --lights 1   # the night set, cache/testset-night

RAW set: 2 crops (768x512) per test photo, each a synthetic dark capture (unprocessing + ELD
noise, 14-bit, RGGB) written as a minimal DNG, exposure ratio spread evenly over [50, 300];
target = the clean ISP render (16-bit PNG). sRGB set: 2 crops per test photo, one dark 8-bit
camera render (mode 'camera', ratio in [50, 300]) and one BA-GAN-recipe input (mode 'ba-gan',
u·y^γ + noise), written as 8-bit PNGs; targets as 16-bit PNGs. testset.json lists the cases
(files, GT ratio, photo, crop box, generator settings). Deterministic: same files every run.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

from nocturne_data import pairs
from nocturne_data import photos as ph
from nocturne_data.dataset import item_seed
from nocturne_data.unprocess import RGB2XYZ
from nocturne_eval.files import write_dng, write_png

HERE = os.path.dirname(os.path.abspath(__file__))

CROP_W, CROP_H = 768, 512
SEED = 777


def crop_boxes(h: int, w: int):
    """Two deterministic crop boxes: upper-left-ish and lower-right-ish (landscape)."""
    if h < CROP_H or w < CROP_W:
        raise ValueError("photo smaller than the crop")
    return [(0 + (h - CROP_H) // 4, (w - CROP_W) // 4),
            ((h - CROP_H) * 3 // 4, (w - CROP_W) * 3 // 4)]


def load_photo(entry) -> np.ndarray:
    img = ph.load_rgb8(ph.photo_file(entry), 1024)
    h, w = img.shape[:2]
    if h > w:  # portrait photos: rotate to landscape so one crop shape fits all
        img = np.ascontiguousarray(np.rot90(img))
        h, w = w, h
    if h < CROP_H or w < CROP_W:  # skimage samples are 512 px: upscale to fit
        s = max(CROP_H / h, CROP_W / w)
        from PIL import Image
        img = np.asarray(Image.fromarray(img).resize((round(w * s + 0.5), round(h * s + 0.5)),
                                                     Image.BICUBIC))
    return img


def to_tensor(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(a.astype(np.float32) / 255.0).permute(2, 0, 1)[None]


def to_hwc(t: torch.Tensor) -> np.ndarray:
    return t[0].permute(1, 2, 0).double().numpy()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=None,
                   help="default cache/testset, or cache/testset-night with --lights")
    p.add_argument("--lights", type=float, default=0.0,
                   help="probability of light sources per case (nocturne_data.lights); the "
                        "night set uses 1: every case has lamps or lit windows, and every "
                        "sRGB case is a camera render (the BA-GAN recipe has no light model)")
    args = p.parse_args(argv)
    if args.out is None:
        args.out = os.path.join(HERE, "cache", "testset-night" if args.lights else "testset")
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(2)
    test = ph.photos_for_split("test")
    n_cases = 2 * len(test)
    ratios = np.linspace(50.0, 300.0, n_cases)
    order = np.random.RandomState(SEED).permutation(n_cases)
    raw_cases, srgb_cases = [], []
    k = 0
    for pi, entry in enumerate(test):
        img = load_photo(entry)
        boxes = crop_boxes(*img.shape[:2])
        name = os.path.splitext(os.path.basename(entry["path"]))[0][:24].replace(" ", "_")
        for bi, (top, left) in enumerate(boxes):
            y = to_tensor(img[top:top + CROP_H, left:left + CROP_W])
            ratio = float(ratios[order[k]])
            case = f"raw{k:02d}_{name}_{bi}"
            gen = torch.Generator().manual_seed(item_seed(SEED, pi, bi, 0))
            pr = pairs.raw_pair(y, gen, ratio_range=(ratio, ratio), bits_choices=(14,),
                                lights=args.lights)
            rec = pr["noise"][0]
            black, white = int(rec["black"]), int(rec["white"])
            dn = np.round(pr["input"][0, 0].double().numpy() * (white - black) + black)
            rgb2cam = pr["meta"]["rgb2cam"][0].double()
            xyz2cam = (rgb2cam @ torch.linalg.inv(RGB2XYZ)).numpy()
            neutral = [1.0 / float(pr["meta"]["red_gain"][0]), 1.0,
                       1.0 / float(pr["meta"]["blue_gain"][0])]
            write_dng(os.path.join(args.out, case + ".dng"), dn.astype(np.uint16), "RGGB",
                      black, white, xyz2cam.tolist(), neutral, exposure_time=1.0 / ratio)
            write_png(os.path.join(args.out, case + "_target.png"), to_hwc(pr["target"]), 16)
            raw_cases.append({"id": case, "input": case + ".dng", "target": case + "_target.png",
                              "ratio": ratio, "photo": entry["path"], "package": entry["package"],
                              "crop": [int(left), int(top), CROP_W, CROP_H],
                              "noise": {kk: (round(v, 6) if isinstance(v, float) else v)
                                        for kk, v in rec.items()}})
            # sRGB case from the same photo, other mode per crop
            mode = "camera" if bi == 0 or args.lights > 0 else "ba-gan"
            scase = f"srgb{k:02d}_{name}_{mode}"
            gen = torch.Generator().manual_seed(item_seed(SEED, pi, bi, 1))
            if mode == "camera":
                ps = pairs.camera_srgb_pair(y, gen, ratio_range=(ratio, ratio), bits_choices=(14,),
                                            lights=args.lights)
                extra = {"ratio_of_capture": ratio}
            else:
                ps = pairs.ba_gan_pair(y, gen)
                extra = {"u": float(ps["u"][0]), "gamma": float(ps["gamma"][0]),
                         "sigma": float(ps["sigma"][0])}
            write_png(os.path.join(args.out, scase + ".png"), to_hwc(ps["input"]), 8)
            write_png(os.path.join(args.out, scase + "_target.png"), to_hwc(ps["target"]), 16)
            srgb_cases.append(dict({"id": scase, "input": scase + ".png",
                                    "target": scase + "_target.png", "ratio": 1.0,
                                    "mode": mode, "photo": entry["path"],
                                    "crop": [int(left), int(top), CROP_W, CROP_H]}, **extra))
            k += 1
            print(case, scase, f"ratio {ratio:.1f}", flush=True)
    manifest = {
        "description": "Nocturne held-out test set: photos.json test split, synthetic dark "
                       "captures (make_testset.py, seed %d, lights %g)" % (SEED, args.lights),
        "raw": raw_cases, "srgb": srgb_cases,
        "notes": "sRGB cases have ratio 1: sRGB networks and classical methods see the dark "
                 "file as is in --ratio-mode gt",
    }
    with open(os.path.join(args.out, "testset.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
    print(f"wrote {len(raw_cases)} RAW and {len(srgb_cases)} sRGB cases to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
