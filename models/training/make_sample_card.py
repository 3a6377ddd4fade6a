#!/usr/bin/env python3
"""Labelled grid of the bundled sample (resources/samples/night-interior.dng) enhanced by several
methods through the real CLI, for the model cards and the closing notes.

  /usr/bin/python3 models/training/make_sample_card.py --cli build/app/cli/nocturne-cli \
      --entries he,dhe,retinex,lamba-mitra@0.15,gia-net@0.1 --out models/cards/sample.png

An entry is `method` (the CLI defaults) or `method@m`; experimental networks are included.
`--crop X,Y,W,H` cuts the same region from every output before scaling (with --width W: 100 %).
The sample has no ground truth, so the grid is for looking at, not scoring.
"""
import argparse
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.normpath(os.path.join(HERE, "..", "..", "resources", "samples", "night-interior.dng"))


def enhance(cli: str, sample: str, method: str, m: str, out_dir: str, extra) -> str:
    suffix = f"-{method}" + (f"-m{m}" if m else "")
    cmd = [cli, "--method", method, "--format", "png", "--overwrite", "overwrite",
           "-o", out_dir, "--suffix", suffix] + (["--m", m] if m else []) + extra + [sample]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    path = done.stdout.strip().splitlines()[-1]
    if not os.path.isfile(path):
        raise RuntimeError(f"{' '.join(cmd)} printed no output path: {done.stdout!r}")
    return path


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cli", required=True, help="path to nocturne-cli")
    p.add_argument("--entries", required=True, help="comma list of method or method@m")
    p.add_argument("--sample", default=SAMPLE)
    p.add_argument("--columns", type=int, default=3)
    p.add_argument("--width", type=int, default=400, help="panel width in pixels")
    p.add_argument("--model-dir", help="passed to the CLI")
    p.add_argument("--crop", help="X,Y,W,H region of each output (pixels of the full frame)")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    box = None
    if a.crop:
        try:
            x, y, w, h = (int(v) for v in a.crop.split(","))
        except ValueError:
            p.error(f"--crop wants X,Y,W,H in pixels, got {a.crop!r}")
        box = (x, y, x + w, y + h)
    extra = ["--experimental"] + (["--model-dir", a.model_dir] if a.model_dir else [])
    panels = []
    with tempfile.TemporaryDirectory() as tmp:
        for entry in a.entries.split(","):
            method, _, m = entry.partition("@")
            img = Image.open(enhance(a.cli, a.sample, method, m, tmp, extra)).convert("RGB")
            if box:
                if box[2] > img.width or box[3] > img.height:
                    p.error(f"--crop {a.crop} falls outside the {img.width}x{img.height} output")
                img = img.crop(box)
            h = round(img.height * a.width / img.width)
            panels.append((img.resize((a.width, h), Image.LANCZOS),
                           method + (f" (m {m})" if m else "")))
    cols = min(a.columns, len(panels))
    rows = (len(panels) + cols - 1) // cols
    ph = panels[0][0].height + 16
    grid = Image.new("RGB", (cols * a.width, rows * ph), (255, 255, 255))
    draw = ImageDraw.Draw(grid)
    for i, (img, label) in enumerate(panels):
        x, y = (i % cols) * a.width, (i // cols) * ph
        grid.paste(img, (x, y + 16))
        draw.text((x + 4, y + 2), label, fill=(0, 0, 0))
    # A 256-colour palette keeps a 10-panel grid near 250 KB instead of ~1.7 MB (lean repo).
    grid = grid.quantize(colors=256, method=Image.MEDIANCUT, dither=Image.FLOYDSTEINBERG)
    grid.save(a.out, optimize=True)
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
