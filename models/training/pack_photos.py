#!/usr/bin/env python3
"""Pack the training and validation photos for a machine without the Debian packages (the GPU
training machine): each photo decoded exactly as the data loader decodes it (long side
--max-side, the PhotoStore default) and stored as a lossless PNG, so training reads the same
pixels from the pack as from the package cache. The test split is never packed.

  /usr/bin/python3 models/training/pack_photos.py --out .photo-pack
  /usr/bin/python3 models/training/train.py --config ... --photo-pack .photo-pack
"""
import argparse
import os
import sys

from nocturne_data import photos as ph


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="folder for the pack (created)")
    p.add_argument("--max-side", type=int, default=1024)
    p.add_argument("--splits", default="train,val", help="comma-separated splits to pack")
    a = p.parse_args(argv)
    from PIL import Image
    splits = [s for s in a.splits.split(",") if s]
    if "test" in splits:
        p.error("the test split stays out of training machines' packs")
    if not ph.cache_available():
        p.error(f"photo cache incomplete under {ph.CACHE_DIR}: run fetch_photos.py first")
    os.makedirs(a.out, exist_ok=True)
    total = 0
    for split in splits:
        for entry in ph.photos_for_split(split):
            dest = ph.packed_file(entry, a.out, a.max_side)
            if not os.path.isfile(dest):
                img = ph.load_rgb8(ph.photo_file(entry), a.max_side)
                tmp = dest + ".tmp"
                Image.fromarray(img).save(tmp, format="PNG", optimize=True)
                os.replace(tmp, dest)
            total += os.path.getsize(dest)
    print(f"packed {a.out}: {total / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
