#!/usr/bin/env python3
"""Small before/after strips for the model cards (models/cards/*.png) from nocturne-eval's
--save-dir outputs: [method A | method B | ... | target], each panel `width` px wide.

  /usr/bin/python3 models/training/make_cards.py --eval-dir /tmp/eval/out-gt \
      --testset models/training/cache/testset --case raw06_chelsea_0 \
      --methods none,he,lamba-mitra --out models/cards/lamba-mitra-chelsea.png
"""
import argparse
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

from nocturne_eval.files import read_png16


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--eval-dir", required=True)
    p.add_argument("--testset", required=True)
    p.add_argument("--case", required=True)
    p.add_argument("--methods", required=True)
    p.add_argument("--width", type=int, default=224)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    panels = []
    labels = []
    for m in a.methods.split(","):
        panels.append(Image.open(os.path.join(a.eval_dir, f"{a.case}_{m}.png")).convert("RGB"))
        labels.append("none (input x gain)" if m == "none" else m)
    t = read_png16(os.path.join(a.testset, f"{a.case}_target.png"))
    panels.append(Image.fromarray((t / 257.0 + 0.5).astype(np.uint8)))
    labels.append("target")
    h = round(panels[0].height * a.width / panels[0].width)
    strip = Image.new("RGB", (a.width * len(panels), h + 14), (255, 255, 255))
    d = ImageDraw.Draw(strip)
    for i, (im, lab) in enumerate(zip(panels, labels)):
        strip.paste(im.resize((a.width, h), Image.LANCZOS), (i * a.width, 14))
        d.text((i * a.width + 4, 1), lab, fill=(0, 0, 0))
    strip = strip.quantize(colors=256, method=Image.MEDIANCUT, dither=Image.FLOYDSTEINBERG)
    strip.save(a.out, optimize=True)
    print(a.out, os.path.getsize(a.out), "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
