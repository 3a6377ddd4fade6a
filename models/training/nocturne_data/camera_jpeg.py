"""Dark camera JPEGs: what a camera or phone writes at short exposure and high ISO.

The older 'camera' mode rendered the dark mosaic with a clean bilinear ISP and 8-bit rounding:
its inputs were grey noise on a smooth image. Real dark JPEGs look different: the noise is
coloured and blotchy (in-camera noise reduction removes the fine chroma grain and leaves
low-frequency blotches), edges carry sharpening halos, 8x8 blocks and 4:2:0 chroma smearing
show in the shadows, white balance is off under sodium or tungsten light, and the tone curve
is the camera's, not sRGB's. This module emulates that chain on the ELD sensor model:

  clean sRGB -> unprocess (random camera) -> lamps of real colours with fall-off ->
  exposure ratio r and ISO drawn jointly (darker scenes get higher ISO, so more read noise)
  -> ELD noise at 10-14 bits -> demosaic -> white balance with an error -> colour matrix ->
  the camera's brightness gain (auto-ISO) -> one of several tone curves -> in-camera noise
  reduction (chroma blur, mild luma smoothing) -> unsharp mask -> 8-bit -> JPEG q 60-95 4:2:0
  (or lossless PNG, as some datasets store their frames).

Every draw comes from the given torch.Generator, so a (seed, index) item is reproducible.
"""
from __future__ import annotations

import io
import math

import numpy as np
import torch
import torch.nn.functional as F

from . import lights as lt
from . import noise as nz
from . import engine_exposure as ee
from . import unprocess as up

RATIO_RANGE = (10.0, 300.0)       # exposure ratio to the clean photo's exposure
# Mean display value of the dark file. The camera's own push (auto-ISO, exposure bias) is
# solved for so that the file lands here: dark-file brightness and noise level (the ratio)
# are then drawn independently, as a phone at ISO 6400 and a DSLR at ISO 800 both write
# dark frames of the same brightness with very different grain. Below ~0.03 (gains above ~60)
# an 8-bit file's amplified colours are posterised into blocks no network can undo.
FILE_MEAN_RANGE = (0.03, 0.15)
WB_ERROR = 0.08                  # log-normal sigma of the per-channel white-balance error
JPEG_QUALITY = (60, 95)
P_PNG = 0.15


def _u(gen, lo, hi, n=1):
    return lo + (hi - lo) * torch.rand(n, generator=gen, dtype=torch.float64)


def _log_u(gen, lo, hi, n=1):
    return torch.exp(_u(gen, math.log(lo), math.log(hi), n))


def _gaussian_kernel(sigma: float) -> torch.Tensor:
    radius = max(1, int(math.ceil(3 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-t * t / (2 * sigma * sigma))
    return k / k.sum()


def blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of (B,C,H,W), reflect padding."""
    if sigma <= 0.05:
        return x
    k = _gaussian_kernel(sigma).to(x)
    r = k.numel() // 2
    c = x.shape[1]
    x = F.pad(x, (r, r, 0, 0), mode="reflect")
    x = F.conv2d(x, k.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    x = F.pad(x, (0, 0, r, r), mode="reflect")
    return F.conv2d(x, k.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)


def _rgb_to_ycc(x):
    y = 0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]
    return y, (x[:, 2:3] - y) * 0.564, (x[:, 0:1] - y) * 0.713


def _ycc_to_rgb(y, cb, cr):
    r = y + cr / 0.713
    b = y + cb / 0.564
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return torch.cat([r, g, b], dim=1)


def tone_curve(x: torch.Tensor, kind: int, contrast: float) -> torch.Tensor:
    """Linear -> display: 0 sRGB, 1 gamma 2.2 + smoothstep blend (the synthetic ISP's),
    2 a filmic curve with a toe (many phones lift shadows less than sRGB)."""
    x = x.clamp(0.0, 1.0)
    if kind == 0:
        e = torch.where(x <= 0.0031308, 12.92 * x, 1.055 * x.clamp_min(1e-12) ** (1 / 2.4) - 0.055)
    elif kind == 1:
        g = x.clamp_min(1e-8) ** (1 / 2.2)
        e = (1 - contrast) * g + contrast * up.smoothstep(g)
    else:
        a = 1.0 + 4.0 * contrast
        e = (1 - torch.exp(-a * x.clamp_min(1e-8) ** (1 / 2.2))) / (1 - math.exp(-a))
    return e.clamp(0.0, 1.0)


def solve_push(rgb: torch.Tensor, kind: int, contrast: float, file_mean: float) -> float:
    """Digital gain (1/16 .. 64) that gives tone_curve(rgb·gain) the mean `file_mean`."""
    small = F.avg_pool2d(rgb, 4) if min(rgb.shape[-2:]) >= 64 else rgb
    lo, hi = math.log(1 / 16), math.log(64.0)
    for _ in range(20):
        mid = 0.5 * (lo + hi)
        if float(tone_curve(small * math.exp(mid), kind, contrast).mean()) < file_mean:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def in_camera_processing(x: torch.Tensor, gen, strength: float) -> torch.Tensor:
    """Display-referred (1,3,H,W): chroma blur (blotches stay), light luma smoothing and an
    unsharp mask, as camera JPEG engines do at high ISO. strength in [0,1]."""
    y, cb, cr = _rgb_to_ycc(x)
    cs = float(_u(gen, 0.5, 0.5 + 3.0 * strength))
    cb, cr = blur(cb, cs), blur(cr, cs)
    ys = float(_u(gen, 0.0, 1.2 * strength))
    y_nr = blur(y, ys)
    amount = float(_u(gen, 0.0, 1.0))
    radius = float(_u(gen, 0.6, 1.6))
    y_sharp = y_nr + amount * (y_nr - blur(y_nr, radius))
    return _ycc_to_rgb(y_sharp, cb, cr)


def encode_8bit(x: torch.Tensor, gen, quality: int | None = None) -> tuple[torch.Tensor, dict]:
    """(1,3,H,W) display values -> the 8-bit file's decoded pixels, as JPEG (4:2:0) or PNG.
    `quality` forces a JPEG at that quality (the draws are made all the same)."""
    from PIL import Image
    arr = (x[0].clamp(0, 1).permute(1, 2, 0).cpu().numpy() * 255.0 + 0.5).astype(np.uint8)
    png = float(torch.rand(1, generator=gen)) < P_PNG
    if png and quality is None:
        out = arr
        info = {"format": "png"}
    else:
        # Most cameras write q 85-95; low qualities (messaging apps, old phones) are rarer.
        u = float(torch.rand(1, generator=gen))
        q = int(round(JPEG_QUALITY[1] - (JPEG_QUALITY[1] - JPEG_QUALITY[0]) * u * u))
        q = q if quality is None else int(quality)
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, format="JPEG", quality=q, subsampling=2)
        buf.seek(0)
        with Image.open(buf) as im:
            out = np.asarray(im.convert("RGB"), dtype=np.uint8).copy()
        info = {"format": "jpeg", "quality": q}
    t = torch.from_numpy(out).permute(2, 0, 1).float().div(255.0)[None]
    return t.to(x.device), info


def capture(y: torch.Tensor, gen: torch.Generator, cfa: str = "RGGB", lights: float = 0.5,
            ratio_range=RATIO_RANGE, ratio: float | None = None,
            profile: str | None = None, bits: int | None = None) -> dict:
    """The sensor side: clean sRGB (1,3,H,W), H and W even -> a random camera (meta), the clean
    camera image with lamps (cam), the ELD parameters (params) and the dark mosaic in DN (dn)
    and normalised (dark). `ratio`/`profile`/`bits` fix those draws (the bundled sample does;
    the draws are made all the same, so the rest of the sample stays as it was)."""
    meta = up.random_metadata(1, gen, cfa)
    cam = up.unprocess(y, meta)
    # Darker scenes are shot at higher ISO: the ELD profile follows the ratio (with overlap).
    drawn = float(_log_u(gen, *ratio_range))
    ratio = drawn if ratio is None else float(ratio)
    p_high = min(1.0, max(0.0, (math.log(ratio) - math.log(10.0)) / math.log(8.0)))
    drawn_profile = "high_iso" if float(torch.rand(1, generator=gen)) < p_high else "low_iso"
    profile = drawn_profile if profile is None else profile
    drawn_bits = int(torch.tensor([10, 12, 14])[torch.randint(3, (1,), generator=gen)])
    bits = drawn_bits if bits is None else int(bits)
    params = nz.sample_eld_params(1, gen, ratio_range=(ratio, ratio), bits_choices=(bits,),
                                  profiles=(profile,))
    if lights > 0:
        cam, _ = lt.add_lights(cam, meta, params["ratio"], gen, lights)
    clean_mosaic = up.mosaic(cam, cfa)
    dn = nz.eld_noise(clean_mosaic, params, gen)
    dark = nz.normalise_dn(dn, params, clip_negative=True).to(y.dtype)
    return {"meta": meta, "cam": cam, "params": params, "dn": dn, "dark": dark,
            "ratio": ratio, "profile": profile, "bits": bits}


def render_file(dark: torch.Tensor, meta: dict, gen: torch.Generator,
                quality: int | None = None, push: float | None = None,
                encode: bool = True) -> dict:
    """The camera side: a normalised dark mosaic (1,1,H,W) -> input: the decoded 8-bit file
    (1,3,H,W); display: the camera's rendering before compression; record: the draws.
    `quality` forces a JPEG at that quality; `push` fixes the brightness push (the draws are
    made all the same); encode=False stops before the 8-bit file (input is then None). A
    three-channel `dark` (1,3,H,W) is taken as already demosaiced."""
    rgb = dark if dark.shape[1] == 3 else up.demosaic_bilinear(dark, meta["cfa"])
    # White balance as the camera estimated it (off by a few percent per channel), then its
    # colour matrix, then the camera's brightness push.
    err = torch.exp(WB_ERROR * torch.randn(3, generator=gen, dtype=torch.float64)).to(rgb)
    wb = torch.stack([meta["red_gain"], torch.ones_like(meta["red_gain"]), meta["blue_gain"]],
                     dim=1).to(rgb)[0] * err
    rgb = rgb * wb[None, :, None, None]
    rgb = torch.einsum("ij,bjhw->bihw", meta["cam2rgb"][0].to(rgb), rgb.clamp(0.0, 1.0))
    kind = int(torch.randint(3, (1,), generator=gen))
    contrast = float(_u(gen, 0.0, 1.0))
    file_mean = float(_log_u(gen, *FILE_MEAN_RANGE))
    if push is None:
        push = solve_push(rgb, kind, contrast, file_mean)
    disp = tone_curve(rgb * push, kind, contrast)
    strength = float(_u(gen, 0.0, 1.0))
    disp = in_camera_processing(disp, gen, strength)
    if not encode:
        return {"input": None, "display": disp.clamp(0.0, 1.0), "record": {"push": push}}
    x, file_info = encode_8bit(disp, gen, quality)
    record = {"push": push, "file_mean": file_mean, "tone": kind, "contrast": contrast,
              "nr_strength": strength, **file_info}
    return {"input": x, "display": disp, "record": record}


def dark_jpeg(y: torch.Tensor, gen: torch.Generator, cfa: str = "RGGB", lights: float = 0.5,
              ratio_range=RATIO_RANGE, clean_twin: bool = False) -> dict:
    """One clean sRGB crop (1,3,H,W) in [0,1], H and W even -> the dark camera file and its
    clean scene. Returns input (1,3,H,W) 8-bit decoded display values, scene_linear (1,3,H,W)
    (the clean photo in linear sRGB, lamps included) and a record of the draws. clean_twin adds
    clean_display: the same exposure rendered by the same camera with the same draws (white
    balance error, tone curve, push, in-camera processing) but without sensor noise, ADC
    rounding, JPEG or 8-bit quantisation: the file as a noise-free sensor would have made it."""
    if y.shape[0] != 1:
        raise ValueError("dark_jpeg takes one crop at a time (each has its own file)")
    cap = capture(y, gen, cfa, lights, ratio_range)
    twin_gen = None
    if clean_twin:
        twin_gen = torch.Generator(device=gen.device)
        twin_gen.set_state(gen.get_state())
    file = render_file(cap["dark"], cap["meta"], gen)
    # The clean scene: the photo through the reference ISP (exact white balance), lamps kept.
    scene_linear = scene_linear_of(cap["cam"], cap["meta"])
    record = {"ratio": cap["ratio"], "profile": cap["profile"], "bits": cap["bits"],
              **file["record"]}
    out = {"input": file["input"], "scene_linear": scene_linear, "record": record}
    if clean_twin:
        # The same exposure without noise or ADC rounding, clipped where the sensor clips, at
        # every site in all three colours (no demosaicing: its false colours are not the scene's).
        clean_dark = (cap["cam"].clamp_min(0.0) / cap["ratio"]).clamp_max(1.0).to(y.dtype)
        out["clean_display"] = render_file(clean_dark, cap["meta"], twin_gen,
                                           push=file["record"]["push"], encode=False)["display"]
    return out


def camera_rendering(scene_linear: torch.Tensor, kind: int, contrast: float,
                     target_mean: torch.Tensor) -> torch.Tensor:
    """The clean scene (1,3,H,W) as this camera would have rendered a normal exposure of it:
    its own tone curve `kind`/`contrast`, the exposure solved so that the rendering's mean display
    luminance (decoded with the exact sRGB curve, as the engine decodes a file) is `target_mean`
    (1,). What a real normal-light reference is: the same camera's JPEG, properly exposed."""
    x = scene_linear.detach().clamp_min(0.0)

    def render(k: torch.Tensor) -> torch.Tensor:
        return ee.srgb_to_linear(tone_curve(x * k.to(x)[:, None, None, None], kind, contrast))

    k = ee.solve_scale(render, target_mean, math.log(1024.0))
    return tone_curve(scene_linear.clamp_min(0.0) * k.to(x)[:, None, None, None], kind, contrast)


def scene_linear_of(cam: torch.Tensor, meta: dict) -> torch.Tensor:
    """The clean scene in linear sRGB, NOT clipped at 1: the photo's own tones (the inverse
    of unprocess) below white, plus whatever lamps push above the sensor's white, so that a
    target darkened to the engine's exposure keeps its lamps white and its daylight sky grey."""
    scene = up.process(cam, meta)
    lin = torch.where(scene <= 0.04045, scene / 12.92, ((scene + 0.055) / 1.055) ** 2.4)
    ones = torch.ones_like(meta["red_gain"])
    gains = torch.stack([meta["red_gain"], ones, meta["blue_gain"]], dim=1) * meta["rgb_gain"][:, None]
    wb = cam * gains.to(cam)[:, :, None, None]
    over = torch.einsum("bij,bjhw->bihw", meta["cam2rgb"].to(cam), wb) - 1.0
    return lin + over.clamp_min(0.0)
