"""Unprocessing sRGB into synthetic RAW and the matching simple ISP (networks.md §8).

Brooks et al., "Unprocessing Images for Learned Raw Denoising", CVPR 2019. All functions take
batches B x C x H x W (float, any device) and per-sample metadata tensors, are written with
differentiable torch ops, and draw randomness only from an explicit torch.Generator so that a
(seed, index) pair always yields the same sample.

Metadata (dict of tensors, leading dim B):
  cam2rgb (B,3,3), rgb_gain (B,), red_gain (B,), blue_gain (B,); plus the CFA name (str).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

# XYZ(D65) -> camera matrices of four real cameras: the ones Brooks et al. mix in their
# random_ccm. They are Adobe DNG "ColorMatrix2" calibrations (the same numbers dcraw/LibRaw
# tabulate in adobe_coeff); re-typed here as published calibration data, not code.
XYZ2CAMS = torch.tensor([
    [[1.0234, -0.2969, -0.2266], [-0.5625, 1.6328, -0.0469], [-0.0703, 0.2188, 0.6406]],
    [[0.4913, -0.0541, -0.0202], [-0.6130, 1.3513, 0.2906], [-0.1564, 0.2151, 0.7183]],
    [[0.8380, -0.2630, -0.0639], [-0.2887, 1.0725, 0.2496], [-0.0627, 0.1427, 0.5438]],
    [[0.6596, -0.2079, -0.0562], [-0.4782, 1.3016, 0.1933], [-0.0970, 0.1581, 0.5181]],
], dtype=torch.float64)
# Linear sRGB (D65) -> XYZ, IEC 61966-2-1.
RGB2XYZ = torch.tensor([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]], dtype=torch.float64)

# Position (row, col) in the 2x2 tile of each colour index 0=R, 1=G, 2=B; G appears twice.
CFA_TILES = {
    "RGGB": ((0, 1), (1, 2)),
    "GRBG": ((1, 0), (2, 1)),
    "GBRG": ((1, 2), (0, 1)),
    "BGGR": ((2, 1), (1, 0)),
}
GAMMA = 2.2


def _check_cfa(cfa: str) -> str:
    cfa = cfa.upper()
    if cfa not in CFA_TILES:
        raise ValueError(f"unknown CFA phase '{cfa}': use one of {sorted(CFA_TILES)}")
    return cfa


def _uniform(n: int, lo: float, hi: float, gen: torch.Generator | None) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(n, generator=gen, dtype=torch.float64)


# ---- tone curve ------------------------------------------------------------------------

def smoothstep(x: torch.Tensor) -> torch.Tensor:
    return 3.0 * x * x - 2.0 * x * x * x


def inverse_smoothstep(y: torch.Tensor) -> torch.Tensor:
    y = y.clamp(0.0, 1.0)
    return 0.5 - torch.sin(torch.asin(1.0 - 2.0 * y) / 3.0)


def gamma_expand(x: torch.Tensor) -> torch.Tensor:
    return x.clamp_min(1e-8) ** GAMMA


def gamma_compress(x: torch.Tensor) -> torch.Tensor:
    return x.clamp_min(1e-8) ** (1.0 / GAMMA)


# ---- random camera ---------------------------------------------------------------------

def random_rgb2cam(n: int, gen: torch.Generator | None = None) -> torch.Tensor:
    """(n,3,3) sRGB-linear -> camera matrices: a random convex combination of XYZ2CAMS times
    RGB2XYZ, rows normalised to sum 1 so that white stays white before white balance."""
    w = torch.rand(n, 4, generator=gen, dtype=torch.float64) + 1e-8
    w = w / w.sum(dim=1, keepdim=True)
    xyz2cam = torch.einsum("nk,kij->nij", w, XYZ2CAMS)
    rgb2cam = xyz2cam @ RGB2XYZ
    return rgb2cam / rgb2cam.sum(dim=2, keepdim=True)


def random_gains(n: int, gen: torch.Generator | None = None):
    """Brooks' ranges: brightness 1/N(0.8, 0.1), red U[1.9, 2.4], blue U[1.5, 1.9]."""
    rgb = 1.0 / (0.8 + 0.1 * torch.randn(n, generator=gen, dtype=torch.float64)).clamp_min(0.4)
    red = _uniform(n, 1.9, 2.4, gen)
    blue = _uniform(n, 1.5, 1.9, gen)
    return rgb, red, blue


def random_metadata(n: int, gen: torch.Generator | None = None, cfa: str = "RGGB") -> dict:
    rgb2cam = random_rgb2cam(n, gen)
    rgb_gain, red_gain, blue_gain = random_gains(n, gen)
    return {"cam2rgb": torch.linalg.inv(rgb2cam).float(), "rgb2cam": rgb2cam.float(),
            "rgb_gain": rgb_gain.float(), "red_gain": red_gain.float(),
            "blue_gain": blue_gain.float(), "cfa": _check_cfa(cfa)}


def _gain_vector(meta: dict, like: torch.Tensor) -> torch.Tensor:
    """(B,3,1,1) white-balance x brightness gains as the ISP applies them."""
    ones = torch.ones_like(meta["red_gain"])
    g = torch.stack([meta["red_gain"], ones, meta["blue_gain"]], dim=1)
    g = g * meta["rgb_gain"][:, None]
    return g.to(like)[:, :, None, None]


def _apply_ccm(x: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    return torch.einsum("bij,bjhw->bihw", m.to(x), x)


# ---- unprocess / process ---------------------------------------------------------------

def unprocess(srgb: torch.Tensor, meta: dict) -> torch.Tensor:
    """sRGB (B,3,H,W) in [0,1] -> linear camera RGB before white balance, in [0,1]."""
    x = gamma_expand(inverse_smoothstep(srgb))
    x = _apply_ccm(x, meta["rgb2cam"])
    gains = 1.0 / _gain_vector(meta, x)
    # "Safe" inversion: near white, blend the inverse gain towards 1 so highlights are not
    # pushed down into a range a real sensor would have clipped (Brooks et al. §3.2).
    gray = x.mean(dim=1, keepdim=True)
    mask = ((gray - 0.9).clamp_min(0.0) / 0.1) ** 2
    safe = torch.maximum(mask + (1.0 - mask) * gains, gains)
    return (x * safe).clamp(0.0, 1.0)


def process(cam_rgb: torch.Tensor, meta: dict) -> torch.Tensor:
    """Linear camera RGB (B,3,H,W) -> sRGB in [0,1]: WB (incl. brightness) -> CCM -> gamma
    -> smoothstep. Unlike Brooks' process() the brightness gain is re-applied, so
    process(unprocess(y)) == y wherever nothing was clipped."""
    x = cam_rgb * _gain_vector(meta, cam_rgb)
    x = _apply_ccm(x.clamp(0.0, 1.0), meta["cam2rgb"]).clamp(0.0, 1.0)
    return smoothstep(gamma_compress(x)).clamp(0.0, 1.0)


def cfa_masks(cfa: str, h: int, w: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """(1,3,H,W) one-hot masks saying which colour each photosite records."""
    tile = CFA_TILES[_check_cfa(cfa)]
    m = torch.zeros(1, 3, h, w, device=device, dtype=dtype)
    for r in range(2):
        for c in range(2):
            m[0, tile[r][c], r::2, c::2] = 1.0
    return m


def mosaic(rgb: torch.Tensor, cfa: str = "RGGB") -> torch.Tensor:
    """(B,3,H,W) -> (B,1,H,W) Bayer mosaic with the given phase at the top-left corner."""
    m = cfa_masks(cfa, rgb.shape[-2], rgb.shape[-1], rgb.device, rgb.dtype)
    return (rgb * m).sum(dim=1, keepdim=True)


_K_RB = torch.tensor([[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]])
_K_G = torch.tensor([[0.0, 0.25, 0.0], [0.25, 1.0, 0.25], [0.0, 0.25, 0.0]])


def demosaic_bilinear(bayer: torch.Tensor, cfa: str = "RGGB") -> torch.Tensor:
    """(B,1,H,W) -> (B,3,H,W). Normalised convolution (sum of known neighbours / their weight)
    so borders and every CFA phase need no special cases."""
    b, _, h, w = bayer.shape
    masks = cfa_masks(cfa, h, w, bayer.device, bayer.dtype)
    kernels = torch.stack([_K_RB, _K_G, _K_RB])[:, None].to(bayer)
    sampled = F.pad(bayer * masks, (1, 1, 1, 1), mode="reflect")
    weight = F.pad(masks.expand(b, 3, h, w), (1, 1, 1, 1), mode="reflect")
    num = F.conv2d(sampled, kernels, groups=3)
    den = F.conv2d(weight, kernels, groups=3)
    return num / den.clamp_min(1e-6)


def process_mosaic(bayer: torch.Tensor, meta: dict) -> torch.Tensor:
    """Normalised linear mosaic (B,1,H,W) -> sRGB, with bilinear demosaicing."""
    return process(demosaic_bilinear(bayer, meta["cfa"]), meta)


def pack_sid(bayer: torch.Tensor, cfa: str = "RGGB") -> torch.Tensor:
    """(B,1,H,W) -> (B,4,H/2,W/2) in SID order R, G(red row), B, G(blue row) (networks.md §1).
    Brooks' R, Gr, Gb, B order is deliberately not used anywhere in this package."""
    tile = CFA_TILES[_check_cfa(cfa)]
    pos = {}
    for r in range(2):
        for c in range(2):
            pos.setdefault(tile[r][c], []).append((r, c))
    (ry, rx), (by, bx) = pos[0][0], pos[2][0]
    planes = [(ry, rx), (ry, bx), (by, bx), (by, rx)]
    return torch.cat([bayer[:, :, y::2, x::2] for y, x in planes], dim=1)


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    mse = float(((a - b) ** 2).mean())
    return float("inf") if mse == 0 else 10.0 * math.log10(1.0 / mse)
