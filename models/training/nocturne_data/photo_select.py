"""Choosing training photographs among the images Debian packages ship.

Wallpaper packages mix photographs with illustrations, abstract renders, logos and
theme art. Low-light networks must learn camera statistics (sensor-like texture, natural
colour distributions), so everything that is not a photograph is dropped by
  1. a file-name deny-list (obvious non-photos, before even decoding),
  2. a per-image "photo score" from simple statistics (see `photo_features`),
  3. an explicit allow/deny list curated by eye from a contact sheet, which wins over 2.
Duplicates (the same picture at several resolutions or crops) are removed by correlating
small normalised grayscale thumbnails.
"""
from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass

import numpy as np

# Path fragments that mark non-photographs in these packages (illustrations, theme art,
# icons, boot splashes). Checked on the lower-cased path inside the package.
DENY_KEYWORDS = (
    "abstract", "pattern", "vector", "logo", "gradient", "icon", "emblem", "plymouth",
    "grub", "theme", "preview", "screenshot", "cursor", "button", "symbolic",
    "/tests/", "login",
)
MIN_SHORT_SIDE = 300  # below this it is a thumbnail or an icon, not a training source
THUMB = 16            # duplicate detector resolution
DUPLICATE_CORR = 0.95  # correlation of 16x16 thumbnails above which two files are one picture
PHOTO_SCORE_MIN = 0.65


def denied_by_name(path: str) -> str | None:
    low = path.lower()
    for word in DENY_KEYWORDS:
        if word in low:
            return word
    return None


def _resize_long(rgb: np.ndarray, long_side: int) -> np.ndarray:
    from PIL import Image
    h, w = rgb.shape[:2]
    s = long_side / max(h, w)
    if s >= 1.0:
        return rgb
    im = Image.fromarray(rgb).resize((max(1, round(w * s)), max(1, round(h * s))),
                                     Image.BOX)
    return np.asarray(im)


@dataclass
class PhotoFeatures:
    colour_fraction: float  # distinct 5-bit colours / pixels: photos are rich, art is palette-like
    flat_fraction: float    # pixels whose 8-bit neighbours are identical: flat fills in art
    median_gradient: float  # photos carry texture and noise everywhere; renders are smooth
    gradient_kurtosis: float  # natural images have heavy-tailed gradient distributions
    mean_saturation: float  # strongly saturated everywhere = graphic design
    chroma: float           # 0 for grayscale images (useless for colour RAW synthesis)
    score: float


def photo_features(rgb8: np.ndarray) -> PhotoFeatures:
    """Statistics on a 256-px copy. Thresholds were set on the Debian wallpapers by eye."""
    small = _resize_long(rgb8, 256).astype(np.float32)
    gray = small.mean(axis=2)
    dx = np.abs(np.diff(gray, axis=1))[:-1, :]
    dy = np.abs(np.diff(gray, axis=0))[:, :-1]
    grad = dx + dy
    q = (small.astype(np.uint8) >> 3).astype(np.int32)
    codes = (q[..., 0] << 10) | (q[..., 1] << 5) | q[..., 2]
    colour_fraction = len(np.unique(codes)) / codes.size
    flat_fraction = float((grad < 0.5).mean())
    median_gradient = float(np.median(grad))
    g = grad.ravel() - grad.mean()
    var = float((g ** 2).mean()) + 1e-9
    kurt = float((g ** 4).mean() / var ** 2)
    mx = small.max(axis=2)
    mn = small.min(axis=2)
    sat = np.where(mx > 0, (mx - mn) / np.maximum(mx, 1e-6), 0.0)
    mean_saturation = float(sat.mean())
    chroma = float((mx - mn).mean() / 255.0)

    # Each term maps to [0, 1] where 1 looks photographic; the score is their mean. Ranges
    # were fitted on the by-eye labels of the Debian wallpapers (photos: texture/noise give a
    # median gradient of 2-30 levels, few exactly flat pixels, moderate gradient kurtosis;
    # renders: smooth fills with sparse sharp edges, i.e. kurtosis 30-180). On those labels
    # the threshold 0.65 keeps 34/40 photographs and 24/86 non-photographs: it is a
    # pre-filter only; photos_curation.json decides.
    def ramp(v: float, lo: float, hi: float) -> float:
        return min(1.0, max(0.0, (v - lo) / (hi - lo)))

    terms = [
        ramp(median_gradient, 1.0, 5.0),
        1.0 - ramp(flat_fraction, 0.05, 0.30),
        1.0 - ramp(kurt, 20.0, 80.0),
        ramp(colour_fraction, 0.0, 0.03),
        1.0 - ramp(mean_saturation, 0.6, 0.95),
    ]
    # Grayscale pictures are useless for colour RAW synthesis.
    score = float(np.mean(terms)) if chroma > 0.01 else 0.0
    return PhotoFeatures(colour_fraction, flat_fraction, median_gradient, kurt,
                         mean_saturation, chroma, score)


def thumbnail_signature(rgb8: np.ndarray) -> np.ndarray:
    """Zero-mean, unit-norm 16x16 grayscale thumbnail; dot product = correlation.
    Resizing to a square discards aspect ratio, so the same picture at any size matches."""
    from PIL import Image
    gray = Image.fromarray(rgb8).convert("L").resize((THUMB, THUMB), Image.BOX)
    v = np.asarray(gray, dtype=np.float64).ravel()
    v = v - v.mean()
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def find_duplicates(signatures: list[np.ndarray], pixels: list[int]) -> dict[int, int]:
    """Map index -> index of the kept copy for every duplicate. The copy with most pixels
    wins (ties: the earlier index, so the result is stable for a sorted input)."""
    order = sorted(range(len(signatures)), key=lambda i: (-pixels[i], i))
    kept: list[int] = []
    dup: dict[int, int] = {}
    for i in order:
        for k in kept:
            if float(signatures[i] @ signatures[k]) > DUPLICATE_CORR:
                dup[i] = k
                break
        else:
            kept.append(i)
    return dup


# ---- split -----------------------------------------------------------------------------

# The five scikit-image samples (astronaut, chelsea, coffee, motorcycle, rocket) are familiar
# reference pictures: holding them out keeps test results easy to recognise and compare.
TEST_PACKAGES = ("python3-skimage",)
TEST_PERCENT = 15
VAL_PERCENT = 15
SPLIT_RULE = (
    "test = every picture of the packages %s, plus pictures whose hash bucket "
    "(first 8 hex digits of sha256 of the file, as an integer, mod 100) is < %d; "
    "val = bucket in [%d, %d); train = the rest. Duplicates are removed before splitting."
    % (", ".join(TEST_PACKAGES), TEST_PERCENT, TEST_PERCENT, TEST_PERCENT + VAL_PERCENT)
)


def split_for(package: str, sha256_hex: str) -> str:
    if package in TEST_PACKAGES:
        return "test"
    bucket = int(sha256_hex[:8], 16) % 100
    if bucket < TEST_PERCENT:
        return "test"
    if bucket < TEST_PERCENT + VAL_PERCENT:
        return "val"
    return "train"


def sha256_file(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def contact_sheet(images: list[np.ndarray], labels: list[str], out_png: str,
                  cell: int = 200, cols: int = 6, per_page: int = 36) -> list[str]:
    """Grids of thumbnails with their index, for curating by eye. Pages are kept small so
    an image viewer shows them without shrinking the thumbnails; returns the page files."""
    from PIL import Image, ImageDraw
    stem, ext = os.path.splitext(out_png)
    pages = []
    for start in range(0, max(1, len(images)), per_page):
        chunk = list(zip(images, labels))[start:start + per_page]
        rows = max(1, math.ceil(len(chunk) / cols))
        sheet = Image.new("RGB", (cols * cell, rows * (cell + 14)), (40, 40, 40))
        draw = ImageDraw.Draw(sheet)
        for n, (rgb, label) in enumerate(chunk):
            im = Image.fromarray(_resize_long(rgb, cell - 4))
            x, y = (n % cols) * cell, (n // cols) * (cell + 14)
            sheet.paste(im, (x + 2, y + 2))
            draw.text((x + 2, y + cell - 2), label[:32], fill=(255, 255, 0))
        name = f"{stem}-{start // per_page:02d}{ext or '.png'}"
        sheet.save(name)
        pages.append(name)
    return pages
