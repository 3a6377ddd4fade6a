"""Light sources for synthetic night scenes.

The wallpapers we darken are evenly lit daylight scenes, so a network trained on them alone
meets a real night photo's street lamps and lit windows (10-1000x brighter than the rest of the
frame) for the first time at inference, and reads them as "this exposure is already bright":
it darkens their surroundings. These helpers add such sources to a clean linear camera image
*before* it is darkened, in scene-referred units where 1.0 is the sensor's white at the normal
exposure, so the dark capture holds the lamps near (or beyond) clipping while the rest of the
frame is buried in noise, and the target, through the same ISP, shows them clipped with their
glow and the pool of light they cast.

Every draw comes from the given torch.Generator, so a seeded item stays reproducible.
"""
from __future__ import annotations

import math

import torch

# Light colours in linear sRGB, normalised to a peak of 1: low-pressure sodium, high-pressure
# sodium, tungsten, neutral LED, cool LED. Night streets are dominated by the warm ones.
COLOURS = torch.tensor([
    [1.00, 0.45, 0.05],
    [1.00, 0.62, 0.25],
    [1.00, 0.75, 0.50],
    [1.00, 0.97, 0.92],
    [0.80, 0.90, 1.00],
], dtype=torch.float64)


def _u(gen, lo: float, hi: float) -> float:
    return lo + (hi - lo) * float(torch.rand(1, generator=gen, dtype=torch.float64))


def _log_u(gen, lo: float, hi: float) -> float:
    return math.exp(_u(gen, math.log(lo), math.log(hi)))


def _gaussian(yy, xx, cy, cx, sigma):
    return torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2.0 * sigma * sigma))


def _box(yy, xx, cy, cx, hh, hw, soft):
    """Soft-edged rectangle (a lit window): 1 inside, a 1-2 px ramp at the border."""
    dy = ((yy - cy).abs() - hh) / soft
    dx = ((xx - cx).abs() - hw) / soft
    return torch.sigmoid(-dy) * torch.sigmoid(-dx)


def light_field(h: int, w: int, gen: torch.Generator, ratio: float,
                count_range=(1, 6)) -> torch.Tensor:
    """(3,H,W) added radiance in linear sRGB plus (1,H,W) illumination gain.

    Each source is a street lamp (Gaussian core) or a lit window (rectangle), with a peak of
    ratio·logU[0.3, 3] so the dark capture shows it at 0.3-3x white: some lamps clip in the
    input too, as they do in real captures. Each also gets a faint wide glow (lens veiling
    glare, 2-30 % of white at the normal exposure) and a pool of light: the scene's
    illumination falls from 1 near the sources to a floor of U[0.25, 1] away from them, so the
    frame is unevenly lit without the normally exposed parts being pushed into clipping."""
    yy = torch.arange(h, dtype=torch.float64)[:, None]
    xx = torch.arange(w, dtype=torch.float64)[None, :]
    side = float(min(h, w))
    added = torch.zeros(3, h, w, dtype=torch.float64)
    unlit = torch.ones(1, h, w, dtype=torch.float64)
    count = int(torch.randint(count_range[0], count_range[1] + 1, (1,), generator=gen))
    for _ in range(count):
        cy, cx = _u(gen, 0, h - 1), _u(gen, 0, w - 1)
        colour = COLOURS[int(torch.randint(len(COLOURS), (1,), generator=gen))]
        peak = ratio * _log_u(gen, 0.3, 3.0)
        if float(torch.rand(1, generator=gen)) < 0.5:
            size = side * _log_u(gen, 0.006, 0.04)
            core = _gaussian(yy, xx, cy, cx, size)
        else:
            size = side * _log_u(gen, 0.02, 0.08)
            core = _box(yy, xx, cy, cx, size * _u(gen, 0.5, 1.5), size * _u(gen, 0.5, 1.5),
                        soft=_u(gen, 0.5, 2.0))
        glow = _gaussian(yy, xx, cy, cx, size * _u(gen, 3.0, 8.0)) * _log_u(gen, 0.02, 0.3)
        added += colour[:, None, None] * (core * peak + glow)
        unlit = unlit * (1.0 - _gaussian(yy, xx, cy, cx, side * _u(gen, 0.15, 0.5)))
    floor = _u(gen, 0.25, 1.0)
    return added, floor + (1.0 - floor) * (1.0 - unlit)


def add_lights(cam: torch.Tensor, meta: dict, ratio: torch.Tensor, gen: torch.Generator,
               probability: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (cam with light sources, lit mask (B,)).

    cam (B,3,H,W): linear camera RGB before white balance (unprocess's output), may exceed 1
    afterwards. Each sample gets sources with the given probability. Source colours go through
    the sample's own camera matrix and inverse white balance, so a "neutral" LED renders
    neutral in the target, as a white object does."""
    b, _, h, w = cam.shape
    out = cam.clone()
    lit = torch.rand(b, generator=gen) < probability
    for i in range(b):
        if not lit[i]:
            continue
        added, gain = light_field(h, w, gen, float(ratio[i]))
        rgb2cam = meta["rgb2cam"][i].to(torch.float64)
        wb = torch.tensor([float(meta["red_gain"][i]), 1.0, float(meta["blue_gain"][i])],
                          dtype=torch.float64) * float(meta["rgb_gain"][i])
        cam_added = torch.einsum("ij,jhw->ihw", rgb2cam, added) / wb[:, None, None]
        out[i] = (cam[i].to(torch.float64) * gain + cam_added.clamp_min(0.0)).to(cam)
    return out, lit
