#!/usr/bin/python3
"""Make the bundled sample: a real photograph turned into a dark camera RAW and its dark JPEG.

    cmake --build build --target nocturne-write-dng
    /usr/bin/python3 models/training/fetch_photos.py          # the photo package cache
    /usr/bin/python3 models/training/make_sample.py --build build

The source photo, its package and licence are in resources/samples/provenance.json; it is
reserved (nocturne_data.photos keeps it out of every training split). The synthesis is the
training synthesis (nocturne_data.camera_jpeg): unprocess with one synthetic camera, a capture
100x darker than the photo (ELD noise with the calibrated profile and 14 bits), written as
an RGGB DNG with nocturne-write-dng; the JPEG is the same capture rendered by the camera-JPEG
chain at quality 92, as the camera would have written it. Deterministic: same command, same
files (seed in provenance.json).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

from nocturne_data import camera_jpeg as cj
from nocturne_data import photos as ph
from nocturne_data import unprocess as up

HERE = os.path.dirname(os.path.abspath(__file__))

ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLES = os.path.join(ROOT, "resources", "samples")


def load_source(prov: dict) -> torch.Tensor:
    entry = {"package": prov["package"], "path": prov["path"]}
    path = ph.photo_file(entry)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != prov["sha256"]:
        raise SystemExit(f"{path}: sha256 {digest} is not the recorded {prov['sha256']}")
    img = ph.load_rgb8(path, prov["long_side"])
    h, w = img.shape[:2]
    img = img[: h - h % 2, : w - w % 2]
    return torch.from_numpy(img).permute(2, 0, 1).float().div(255.0)[None]


def colour_matrix(meta: dict) -> list[float]:
    """DNG ColorMatrix1 (XYZ -> camera before white balance) of the synthetic camera:
    diag(1/WB) . rgb2cam . XYZ->sRGB, which maps D65 white to AsShotNeutral."""
    rgb2cam = meta["rgb2cam"][0].double()
    wb = torch.tensor([float(meta["red_gain"][0]), 1.0, float(meta["blue_gain"][0])],
                      dtype=torch.float64)
    m = torch.diag(1.0 / wb) @ rgb2cam @ torch.linalg.inv(up.RGB2XYZ)
    return [round(float(v), 6) for v in m.flatten()]


def write_jpeg(display: torch.Tensor, path: str, prov: dict) -> None:
    from PIL import Image
    arr = (display[0].clamp(0, 1).permute(1, 2, 0).numpy() * 255.0 + 0.5).astype(np.uint8)
    cam = prov["camera"]
    exif = Image.Exif()
    exif[0x010F] = cam["make"]
    exif[0x0110] = cam["model"]
    exif[0x0131] = "Nocturne make_sample.py"
    # A dict under the Exif IFD pointer is written as the sub-IFD (Pillow 9.4 drops tags set
    # through get_ifd() on a new Exif).
    exif[0x8769] = {0x829A: cam["exposure_time"], 0x829D: cam["fnumber"], 0x8827: cam["iso"],
                    0x9003: cam["date"], 0x920A: cam["focal_length"]}
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", quality=prov["jpeg_quality"], subsampling=2,
                              exif=exif.tobytes())
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="build folder with nocturne-write-dng")
    p.add_argument("--out", default=SAMPLES, help="where to write the DNG and JPEG")
    args = p.parse_args()
    with open(os.path.join(SAMPLES, "provenance.json"), encoding="utf-8") as f:
        prov = json.load(f)
    torch.set_num_threads(1)
    y = load_source(prov)
    gen = torch.Generator().manual_seed(prov["seed"])
    cap = cj.capture(y, gen, lights=prov["lights"], ratio=prov["exposure_ratio"],
                     profile=prov["iso_profile"], bits=14)
    dn = cap["dn"][0, 0].round().clamp(0, 65535).numpy().astype("<u2")
    h, w = dn.shape
    cam = prov["camera"]
    params = cap["params"]
    dng = os.path.join(args.out, prov["dng"])
    tool = os.path.join(args.build, "tests", "support", "nocturne-write-dng")
    with tempfile.TemporaryDirectory() as tmp:
        mosaic = os.path.join(tmp, "mosaic.u16")
        dn.tofile(mosaic)
        wb = f"{float(cap['meta']['red_gain'][0]):.6f},1,{float(cap['meta']['blue_gain'][0]):.6f}"
        subprocess.run([tool, dng, "--mosaic", mosaic, "--width", str(w), "--height", str(h),
                        "--black", str(int(params["black"][0])), "--white", str(int(params["white"][0])),
                        "--wb", wb, "--color-matrix", ",".join(str(v) for v in colour_matrix(cap["meta"])),
                        "--make", cam["make"], "--model", cam["model"], "--lens", cam["lens"],
                        "--iso", str(cam["iso"]), "--exposure-time", str(cam["exposure_time"]),
                        "--fnumber", str(cam["fnumber"]), "--focal-length", str(cam["focal_length"]),
                        "--date", cam["date"]], check=True)
    file = cj.render_file(cap["dark"], cap["meta"], gen, quality=prov["jpeg_quality"])
    write_jpeg(file["display"], os.path.join(args.out, prov["jpeg"]), prov)
    for name in (prov["dng"], prov["jpeg"]):
        path = os.path.join(args.out, name)
        with open(path, "rb") as f:
            print(f"{path}: {os.path.getsize(path)} bytes, sha256 {hashlib.sha256(f.read()).hexdigest()}")
    print(f"{w}x{h}, ratio {prov['exposure_ratio']}, K {float(params['K'][0]):.3f} DN/e-, "
          f"read noise {float(params['sigma_read'][0]):.2f} DN, JPEG {file['record']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
