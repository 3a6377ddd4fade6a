"""torch Dataset of synthetic low-light pairs drawn from the curated photographs.

Each item is generated on the fly from a generator seeded by (seed, epoch, index), so an item
is the same whichever DataLoader worker builds it and however many workers there are.
"""
from __future__ import annotations

import hashlib
import os

import numpy as np
import torch
from torch.utils.data import Dataset

from . import pairs
from . import photos as ph

MODES = ("raw", "camera", "ba-gan", "jpeg")
# The pair function of each mode; SyntheticPairs passes it (y, gen, **pair_kwargs).
PAIR_FUNCTIONS = {"raw": pairs.raw_pair, "camera": pairs.camera_srgb_pair,
                  "jpeg": pairs.jpeg_pair, "ba-gan": pairs.ba_gan_pair}


def item_seed(*parts: int) -> int:
    """Stable 63-bit seed from integers (Python's hash() is salted per process)."""
    digest = hashlib.sha256(",".join(str(int(p)) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little") & ((1 << 63) - 1)


class PhotoStore:
    """Decoded photos (uint8, long side <= max_side) kept in memory: crops are then cheap.
    uint8 rather than float32 keeps the ~100 photos at ~50 MB; crops are converted.

    pack_dir: a photo pack (pack_photos.py) to read instead of the package cache: the same
    pixels, already decoded at max_side and stored losslessly, small enough to carry to a
    training machine that has no Debian packages."""

    def __init__(self, entries: list[dict], max_side: int = 1024, cache_dir: str = ph.CACHE_DIR,
                 pack_dir: str = ""):
        self.entries = entries
        self.max_side = max_side
        self.cache_dir = cache_dir
        self.pack_dir = pack_dir
        self._images: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def image(self, i: int) -> np.ndarray:
        if i not in self._images:
            if self.pack_dir:
                path = ph.packed_file(self.entries[i], self.pack_dir, self.max_side)
                if not os.path.isfile(path):
                    raise FileNotFoundError(f"{path}: photo '{self.entries[i]['path']}' is not "
                                            f"in the pack (pack_photos.py --max-side "
                                            f"{self.max_side})")
                self._images[i] = ph.load_rgb8(path)
            else:
                path = ph.photo_file(self.entries[i], self.cache_dir)
                self._images[i] = ph.load_rgb8(path, self.max_side)
        return self._images[i]

    def preload(self) -> "PhotoStore":
        for i in range(len(self)):
            self.image(i)
        return self


def random_crop(img: np.ndarray, size: int, gen: torch.Generator) -> torch.Tensor:
    """(3,size,size) float crop in [0,1] with random flips/transpose (the 8 dihedral poses).
    Augmentation happens here, on sRGB, before any mosaicing, so the CFA phase stays fixed.
    Photos smaller than the crop are upscaled to fit (only skimage's samples are)."""
    t = torch.from_numpy(img).permute(2, 0, 1).float() / 255.0
    h, w = t.shape[1:]
    if min(h, w) < size:
        s = size / min(h, w)
        t = torch.nn.functional.interpolate(t[None], size=(max(size, round(h * s)),
                                            max(size, round(w * s))), mode="bilinear",
                                            align_corners=False)[0].clamp(0.0, 1.0)
        h, w = t.shape[1:]
    top = int(torch.randint(h - size + 1, (1,), generator=gen))
    left = int(torch.randint(w - size + 1, (1,), generator=gen))
    c = t[:, top:top + size, left:left + size]
    flips = torch.randint(2, (3,), generator=gen).tolist()
    if flips[0]:
        c = c.flip(2)
    if flips[1]:
        c = c.flip(1)
    if flips[2]:
        c = c.transpose(1, 2)
    return c.contiguous()


class SyntheticPairs(Dataset):
    """Pairs for one split of photos.json.

    mode: 'raw' (pairs.raw_pair), 'camera' (pairs.camera_srgb_pair), 'ba-gan',
    'jpeg' (pairs.jpeg_pair: the engine-amplified dark camera JPEG).
    crop: side of the sRGB crop = mosaic size for RAW (must be even).
    length: items per epoch (pairs are synthetic, so any number).
    pair_kwargs: forwarded to the pair function (cfa, noise_model, ratio_range, ...).
    Items are dicts of unbatched tensors (input, target, and ratio / attention by mode)."""

    def __init__(self, split: str = "train", mode: str = "raw", crop: int = 512,
                 length: int = 1000, seed: int = 0, max_side: int = 1024,
                 manifest: dict | None = None, store: PhotoStore | None = None,
                 cache_dir: str = ph.CACHE_DIR, pack_dir: str = "", **pair_kwargs):
        if mode not in MODES:
            raise ValueError(f"unknown mode '{mode}': use one of {MODES}")
        if mode != "ba-gan" and crop % 2:
            raise ValueError(f"RAW modes need an even crop, got {crop}")
        self.store = store or PhotoStore(ph.photos_for_split(split, manifest), max_side,
                                         cache_dir, pack_dir)
        if len(self.store) == 0:
            raise ValueError(f"split '{split}' has no photos in the manifest")
        self.mode, self.crop, self.length, self.seed = mode, crop, length, seed
        self.pair_kwargs = pair_kwargs
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """New pairs each epoch; call from the training loop (workers see it on re-spawn)."""
        self.epoch = epoch

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict:
        if not 0 <= index < self.length:
            raise IndexError(index)
        gen = torch.Generator().manual_seed(item_seed(self.seed, self.epoch, index))
        photo = int(torch.randint(len(self.store), (1,), generator=gen))
        y = random_crop(self.store.image(photo), self.crop, gen)[None]
        p = PAIR_FUNCTIONS[self.mode](y, gen, **self.pair_kwargs)
        out = {"input": p["input"][0], "target": p["target"][0]}
        if self.mode != "raw":
            out["attention"] = p["attention"][0]
        if self.mode in ("raw", "camera"):
            out["ratio"] = p["ratio"][0]
        out["photo"] = torch.tensor(photo)
        return out


def fixed_validation(mode: str = "raw", count: int = 32, crop: int = 512, seed: int = 2024,
                     split: str = "val", **kwargs) -> list[dict]:
    """The same `count` validation pairs on every call (fixed seed, epoch 0)."""
    ds = SyntheticPairs(split=split, mode=mode, crop=crop, length=count, seed=seed, **kwargs)
    return [ds[i] for i in range(count)]
