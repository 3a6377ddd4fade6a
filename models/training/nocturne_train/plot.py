"""Line plots of the training curves drawn with PIL (matplotlib is not installed)."""
import csv
import math
import os
from typing import Dict, List, Sequence, Tuple

from PIL import Image, ImageDraw

_COLOURS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14),
            (140, 86, 75)]


def _nice(v: float) -> str:
    return f"{v:.3g}"


def _panel(draw: ImageDraw.ImageDraw, box: Tuple[int, int, int, int], title: str,
           series: Dict[str, Sequence[Tuple[float, float]]], log_y: bool = False) -> None:
    x0, y0, x1, y1 = box
    draw.rectangle(box, outline=(0, 0, 0))
    draw.text((x0 + 4, y0 - 14), title, fill=(0, 0, 0))
    pts = [(x, y) for s in series.values() for x, y in s if math.isfinite(y) and (y > 0 or not log_y)]
    if not pts:
        draw.text((x0 + 10, y0 + 10), "no data", fill=(0, 0, 0))
        return
    f = (lambda v: math.log10(v)) if log_y else (lambda v: v)
    xs = [p[0] for p in pts]
    ys = [f(p[1]) for p in pts]
    xmin, xmax = min(xs), max(xs)
    ymin, ymax = min(ys), max(ys)
    if xmax == xmin:
        xmax = xmin + 1
    if ymax == ymin:
        ymax, ymin = ymax + 0.5, ymin - 0.5
    pad = 6

    def to_px(x, y):
        px = x0 + pad + (x - xmin) / (xmax - xmin) * (x1 - x0 - 2 * pad)
        py = y1 - pad - (f(y) - ymin) / (ymax - ymin) * (y1 - y0 - 2 * pad)
        return px, py

    lo = 10 ** ymin if log_y else ymin
    hi = 10 ** ymax if log_y else ymax
    draw.text((x0 + 4, y1 + 2), f"step {_nice(xmin)}", fill=(0, 0, 0))
    draw.text((x1 - 70, y1 + 2), f"{_nice(xmax)}", fill=(0, 0, 0))
    draw.text((x1 + 4, y0), _nice(hi), fill=(0, 0, 0))
    draw.text((x1 + 4, y1 - 10), _nice(lo), fill=(0, 0, 0))
    for i, (name, s) in enumerate(series.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        line = [to_px(x, y) for x, y in s if math.isfinite(y) and (y > 0 or not log_y)]
        if len(line) > 1:
            draw.line(line, fill=colour, width=1)
        elif line:
            draw.ellipse([line[0][0] - 2, line[0][1] - 2, line[0][0] + 2, line[0][1] + 2],
                         fill=colour)
        draw.text((x0 + 8, y0 + 4 + 12 * i), name, fill=colour)


def smooth(series: List[Tuple[float, float]], window: int) -> List[Tuple[float, float]]:
    """Running mean over `window` points (loss curves of single batches are noisy)."""
    if window <= 1 or len(series) < window:
        return series
    out, acc = [], 0.0
    for i, (x, y) in enumerate(series):
        acc += y
        if i >= window:
            acc -= series[i - window][1]
        if i >= window - 1:
            out.append((x, acc / window))
    return out


def read_csv(path: str) -> Dict[str, List[Tuple[float, float]]]:
    """{column: [(step, value)]} from a CSV with a 'step' column; missing file -> {}."""
    if not os.path.exists(path):
        return {}
    out: Dict[str, List[Tuple[float, float]]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            step = float(row["step"])
            for k, v in row.items():
                if k is None or k in ("step", "lr", "seconds") or v in ("", None):
                    continue
                out.setdefault(k, []).append((step, float(v)))
    return out


def plot_curves(loss_csv: str, val_csv: str, out_png: str, title: str = "") -> str:
    """Two panels: training loss (log scale, smoothed) and validation PSNR/SSIM."""
    losses = read_csv(loss_csv)
    val = read_csv(val_csv)
    w, h = 720, 560
    img = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.text((10, 4), title, fill=(0, 0, 0))
    keep = {k: smooth(v, 25) for k, v in losses.items() if k == "loss" or k.startswith("g_") or k == "d_loss"}
    _panel(d, (20, 40, w - 80, 270), "training loss (running mean 25, log)", keep, log_y=True)
    psnr = {k: v for k, v in val.items() if "psnr" in k}
    ssim = {k: v for k, v in val.items() if "ssim" in k}
    _panel(d, (20, 300, (w - 80) // 2, h - 30), "validation PSNR (dB)", psnr)
    _panel(d, ((w - 80) // 2 + 40, 300, w - 80, h - 30), "validation SSIM", ssim)
    img.save(out_png)
    return out_png
