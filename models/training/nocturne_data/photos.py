"""The photo manifest (models/training/photos.json) and image decoding."""
from __future__ import annotations

import json
import os

import numpy as np

TRAINING_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST_PATH = os.path.join(TRAINING_DIR, "photos.json")
CURATION_PATH = os.path.join(TRAINING_DIR, "photos_curation.json")
CACHE_DIR = os.path.join(TRAINING_DIR, "cache")
SPLITS = ("train", "val", "test")
# The bundled sample's source photo (resources/samples/provenance.json): never trained or
# validated on, whatever split its hash would give it, so the sample shows unseen pixels.
SAMPLE_PROVENANCE = os.path.join(os.path.dirname(os.path.dirname(TRAINING_DIR)), "resources",
                                 "samples", "provenance.json")


def extract_dir(package: str, cache_dir: str = CACHE_DIR) -> str:
    return os.path.join(cache_dir, "extract", package)


def photo_file(entry: dict, cache_dir: str = CACHE_DIR) -> str:
    return os.path.join(extract_dir(entry["package"], cache_dir), entry["path"].lstrip("/"))


def packed_file(entry: dict, pack_dir: str, max_side: int) -> str:
    """Where pack_photos.py stores a photo decoded at max_side: named by content hash and size,
    so a pack made at another max_side is never read by mistake."""
    return os.path.join(pack_dir, f"{entry['sha256'][:16]}-{max_side}.png")


def load_manifest(path: str = MANIFEST_PATH) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def reserved_sha256(provenance: str = SAMPLE_PROVENANCE) -> set[str]:
    """Hashes of photos kept out of every split (the bundled sample's source)."""
    if not os.path.exists(provenance):
        return set()
    with open(provenance, encoding="utf-8") as f:
        return {json.load(f)["sha256"]}


def photos_for_split(split: str, manifest: dict | None = None) -> list[dict]:
    if split not in SPLITS:
        raise ValueError(f"unknown split '{split}': use one of {SPLITS}")
    manifest = manifest if manifest is not None else load_manifest()
    reserved = reserved_sha256()
    return [p for p in manifest["photos"] if p["split"] == split and p["sha256"] not in reserved]


def cache_available(manifest_path: str = MANIFEST_PATH, cache_dir: str = CACHE_DIR) -> bool:
    """True when the manifest exists and every listed photo is extracted (tests skip if not)."""
    if not os.path.exists(manifest_path):
        return False
    photos = load_manifest(manifest_path)["photos"]
    return bool(photos) and all(os.path.exists(photo_file(p, cache_dir)) for p in photos)


def load_rgb8(path: str, max_side: int | None = None) -> np.ndarray:
    """Decode to H x W x 3 uint8 RGB, EXIF orientation applied. With `max_side`, JPEGs are
    decoded at a reduced DCT scale first (much faster on 5K wallpapers), then box-filtered,
    which also averages noise and compression artefacts away: our crops should be clean."""
    from PIL import Image, ImageOps
    with Image.open(path) as im:
        if max_side is not None and im.format == "JPEG":
            im.draft("RGB", (max_side, max_side))
        im = ImageOps.exif_transpose(im)
        if im.mode in ("RGBA", "LA", "P", "PA"):
            # Composite transparency on black rather than keep garbage colour under alpha 0.
            im = im.convert("RGBA")
            bg = Image.new("RGBA", im.size, (0, 0, 0, 255))
            im = Image.alpha_composite(bg, im)
        im = im.convert("RGB")
        if max_side is not None and max(im.size) > max_side:
            s = max_side / max(im.size)
            im = im.resize((max(1, round(im.size[0] * s)), max(1, round(im.size[1] * s))),
                           Image.BOX)
        return np.asarray(im, dtype=np.uint8).copy()


def image_size(path: str) -> tuple[int, int]:
    """(width, height) after EXIF orientation, without decoding pixels."""
    from PIL import Image
    with Image.open(path) as im:
        w, h = im.size
        try:
            orientation = im.getexif().get(0x0112, 1)
        except Exception:  # malformed EXIF: the pixel size is still right
            orientation = 1
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)
