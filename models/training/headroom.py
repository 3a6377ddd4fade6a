#!/usr/bin/env python3
"""Oracle headroom of a method on real pairs (nocturne_eval/headroom.py says what each column is).

  for s in lol_v1_our485 sice_part1_zerodcepp; do
    build/app/cli/nocturne-cli --method none ../shared/data/real-dev/$s/low -o /tmp/none/$s --format png
  done
  /usr/bin/python3 models/training/headroom.py --pairs ../shared/data/real-dev --outputs /tmp/none \\
      [--detail-from /tmp/ba-gan]

--outputs holds the CLI's PNG exports (<set>/<name>_nocturne.png) of <pairs>/<set>/low/<name>.png.
--detail-from adds columns scoring the --outputs picture's coarse tones with the fine detail of
another method's exports. --transfer adds columns for curves fitted on *other* photos' references
and applied blind (nocturne_eval/headroom.transfer_scores: could the curve oracle be learnt?); --blind adds
corrections computed from the output alone (fixed gammas, automatic white balance).
Prints one Markdown row per set and one for all pairs (means in dB);
no pixels are written.
"""
import argparse
import glob
import os
import sys

import numpy as np

from nocturne_eval import headroom


def read_rgb(path: str) -> np.ndarray:
    import cv2
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise SystemExit(f"headroom.py: cannot read {path}")
    return bgr[:, :, ::-1].astype(np.float64) / 255.0


def output_for(root: str, subset: str, name: str, suffix: str) -> str:
    return os.path.join(root, subset, os.path.splitext(name)[0] + suffix + ".png")


def mean_of(rows: list[dict[str, float]], key: str) -> str:
    """Mean over the rows that have the key; a column some frames lack (no other set to transfer
    from) says so rather than averaging fewer frames silently."""
    values = [r[key] for r in rows if key in r]
    if not values:
        return "-"
    text = f"{np.mean(values):.2f}"
    return text if len(values) == len(rows) else f"{text} ({len(values)} of {len(rows)})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--outputs", required=True)
    ap.add_argument("--detail-from")
    ap.add_argument("--suffix", default="_nocturne")
    ap.add_argument("--sigmas", type=float, nargs="+", default=[2.0, 4.0])
    ap.add_argument("--transfer", action="store_true")
    ap.add_argument("--blind", action="store_true")
    args = ap.parse_args(argv)

    rows: dict[str, list[dict[str, float]]] = {}
    frames: list[tuple[str, np.ndarray, np.ndarray, dict[str, float]]] = []
    for high in sorted(glob.glob(os.path.join(args.pairs, "*", "high", "*.png"))):
        subset = os.path.basename(os.path.dirname(os.path.dirname(high)))
        name = os.path.basename(high)
        ref = read_rgb(high)
        out = read_rgb(output_for(args.outputs, subset, name, args.suffix))
        if out.shape != ref.shape:
            raise SystemExit(f"headroom.py: {name}: output {out.shape} and reference {ref.shape} differ")
        r = headroom.score(out, ref)
        if args.detail_from:
            other = read_rgb(output_for(args.detail_from, subset, name, args.suffix))
            r["detail_psnr"] = headroom.psnr(other, ref)
            r["detail_gt_mean"] = headroom.psnr(headroom.quantise8(headroom.gt_mean(other, ref)), ref)
            for s in args.sigmas:
                mixed = headroom.quantise8(headroom.mix_frequencies(out, other, s))
                r[f"mixed{s:g}_gt_mean"] = headroom.psnr(headroom.quantise8(headroom.gt_mean(mixed, ref)), ref)
        if args.blind:
            r.update(headroom.blind_scores(out, ref))
        rows.setdefault(subset, []).append(r)
        if args.transfer:
            frames.append((subset, out, ref, r))
    if not rows:
        raise SystemExit(f"headroom.py: no <set>/high/*.png pairs under {args.pairs}")
    if args.transfer:
        for (*_, r), t in zip(frames, headroom.transfer_scores([f[:3] for f in frames])):
            r.update(t)
    rows["all"] = [r for subset in list(rows) for r in rows[subset]]
    keys = list(dict.fromkeys(k for r in rows["all"] for k in r))
    print("| set | n | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for subset, rs in rows.items():
        print(f"| {subset} | {len(rs)} | " + " | ".join(mean_of(rs, k) for k in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
