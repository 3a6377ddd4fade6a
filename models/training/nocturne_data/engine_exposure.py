"""The engine's exposure rule in torch, so that training sees exactly what the engine feeds a
network and shows the user (core/enhance/Amplifier, Exposure, image/SrgbCurve).

An sRGB network with manifest amplifier "rgb" receives `amplified_display(jpeg)`: the decoded
8-bit image linearised with the exact sRGB curve, multiplied by the Eq. 5 gain (m = 0.12,
128 bins, gain clamped to [1, 300]), passed through the highlight shoulder (identity to 0.6,
then an exponential roll-off) and sRGB-encoded: "amplify only" without noise reduction.
Targets are brought to the same mean display luminance with `match`, the engine's
output-referred rule, so the network and the amplifier agree on brightness.

Tests in tests/test_engine_exposure.py compare these functions with the C++ constants.
"""
from __future__ import annotations

import math

import torch

M_DEFAULT = 0.12        # core::kDefaultAmplifierTarget
BINS = 128              # AmplifierSettings::bins
MIN_GAIN, MAX_GAIN = 1.0, 300.0
KNEE = 0.6              # Exposure::kKnee
GAMMA_REFERENCE = 2.2   # Gamma::kReference, the display mean's gamma
LUMA = (0.2126, 0.7152, 0.0722)


def srgb_to_linear(x: torch.Tensor) -> torch.Tensor:
    x = x.clamp(0.0, 1.0)
    return torch.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(x: torch.Tensor) -> torch.Tensor:
    x = x.clamp(0.0, 1.0)
    return torch.where(x <= 0.0031308, 12.92 * x, 1.055 * x.clamp_min(1e-12) ** (1 / 2.4) - 0.055)


def _bin_edges(bins: int) -> torch.Tensor:
    k = torch.arange(1, bins + 1, dtype=torch.float64)
    edges = torch.exp2(8.0 * k / bins) / 256.0
    edges[-1] = 1.0
    return edges


def _bin_weights(bins: int) -> torch.Tensor:
    k = torch.arange(1, bins + 1, dtype=torch.float64)
    return torch.exp2(8.0 * (bins - k + 1) / bins) / 256.0


def eq5_gain(linear: torch.Tensor, m: float = M_DEFAULT, bins: int = BINS) -> torch.Tensor:
    """Per-image gain (B,) of Lamba & Mitra's Eq. 5 over every channel value of (B,C,H,W)."""
    x = linear.detach().to(torch.float64).clamp(0.0, 1.0).flatten(1)
    edges = _bin_edges(bins).to(x.device)
    weights = _bin_weights(bins).to(x.device)
    # Bin k holds b_{k-1} < x <= b_k (0 joins bin 1): bucketize with right=False is exactly that.
    idx = torch.bucketize(x, edges, right=False).clamp_max(bins - 1)
    w = weights[idx]
    num = (w * x).sum(dim=1)
    den = w.sum(dim=1)
    mean = num / den.clamp_min(1e-300)
    gain = torch.where(mean > 0, m / mean.clamp_min(1e-300), torch.full_like(mean, MAX_GAIN))
    return gain.clamp(MIN_GAIN, MAX_GAIN).to(linear.dtype)


def shoulder(v: torch.Tensor, knee: float = KNEE) -> torch.Tensor:
    v = v.clamp_min(0.0)
    room = 1.0 - knee
    return torch.where(v <= knee, v, 1.0 - room * torch.exp(-(v - knee) / room))


def amplify(linear: torch.Tensor, gain: torch.Tensor, knee: float = KNEE) -> torch.Tensor:
    return shoulder(linear * gain.to(linear)[:, None, None, None], knee)


def display_mean(linear: torch.Tensor) -> torch.Tensor:
    """Mean display luminance (B,): luma of the clamped linear values, then gamma 2.2.
    The engine measures on a copy at most 512 px on its long side; training crops are smaller."""
    r, g, b = LUMA
    y = (r * linear[:, 0] + g * linear[:, 1] + b * linear[:, 2]).clamp(0.0, 1.0)
    return (y ** (1.0 / GAMMA_REFERENCE)).flatten(1).mean(dim=1)


def rescale(x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Exposure::rescale: a plain scale when darkening, s·x/(1+(s−1)·x) when brightening."""
    s = scale.to(x)[:, None, None, None]
    x = x.clamp(0.0, 1.0)
    return torch.where(s <= 1.0, s * x, s * x / (1.0 + (s - 1.0) * x))


def solve_scale(render, target_mean: torch.Tensor, log_range: float,
                 iterations: int = 30) -> torch.Tensor:
    """Per-image scale k in [e^-log_range, e^log_range] with display_mean(render(k)) equal to
    target_mean (B,), by bisection on log k (the mean is monotonic in k)."""
    lo = torch.full_like(target_mean, -log_range, dtype=torch.float64)
    hi = -lo
    target = target_mean.to(torch.float64)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        below = display_mean(render(mid.exp())).to(torch.float64) < target
        lo = torch.where(below, mid, lo)
        hi = torch.where(below, hi, mid)
    return (0.5 * (lo + hi)).exp()


def match(linear: torch.Tensor, target_mean: torch.Tensor) -> torch.Tensor:
    """Exposure::match: rescale each image so that its display mean is `target_mean` (B,)."""
    x = linear.detach()
    return rescale(linear, solve_scale(lambda k: rescale(x, k), target_mean, math.log(64.0)))


def expose_like(scene_linear: torch.Tensor, target_mean: torch.Tensor) -> torch.Tensor:
    """Scene-referred linear (B,3,H,W), values above 1 allowed (lamps) -> the same scene at the
    exposure k whose shoulder(k·scene) has display mean `target_mean`: what the engine's
    amplifier would show for a noise-free capture of it. Returns linear values in [0,1)."""
    x = scene_linear.detach().clamp_min(0.0)
    k = solve_scale(lambda k: amplify(x, k), target_mean, math.log(1024.0))
    return amplify(scene_linear.clamp_min(0.0), k)


NR_TEMPLATE, NR_SEARCH, NR_CHROMA_MEDIAN, NR_MAX_STRENGTH = 7, 11, 5, 3.0  # NoiseReduction.cpp


def noise_sigma(rgb8) -> float:
    """NoiseReduction::estimateSigma: Immerkaer's estimate on the 8-bit luma."""
    import cv2
    import numpy as np
    grey = cv2.cvtColor(rgb8, cv2.COLOR_RGB2GRAY).astype(np.float32)
    mask = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = cv2.filter2D(grey, cv2.CV_32F, mask)[1:-1, 1:-1]
    return math.sqrt(math.pi / 2.0) * float(np.abs(response).mean()) / 6.0


def _denoise_colour(rgb8, h: float):
    """NoiseReduction.cpp's denoiseColour: non-local means on lightness at full resolution
    (h) and on the two colour planes at half resolution (2h halved, as area-averaging halves
    their noise), in the colour space OpenCV's colour non-local means uses."""
    import cv2
    import numpy as np
    if rgb8.shape[0] < 8 or rgb8.shape[1] < 8:
        return cv2.fastNlMeansDenoisingColored(rgb8, None, h, 2.0 * h, NR_TEMPLATE, NR_SEARCH)
    lab = cv2.cvtColor(rgb8, cv2.COLOR_LBGR2Lab)
    planes = [np.ascontiguousarray(lab[..., c]) for c in range(3)]
    planes[0] = cv2.fastNlMeansDenoising(planes[0], None, h, NR_TEMPLATE, NR_SEARCH)
    rows, cols = planes[0].shape
    for c in (1, 2):
        small = cv2.resize(planes[c], (cols // 2, rows // 2), interpolation=cv2.INTER_AREA)
        small = cv2.fastNlMeansDenoising(small, None, h, NR_TEMPLATE, NR_SEARCH)
        planes[c] = cv2.resize(small, (cols, rows), interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(np.dstack(planes), cv2.COLOR_Lab2LBGR)


def noise_reduction(linear: torch.Tensor, strength: float = 1.0) -> torch.Tensor:
    """NoiseReduction::apply on each image of (B,3,H,W) linear values: CIELAB chroma median,
    then non-local means with h = strength x sigma (colour planes at half resolution; see
    _denoise_colour), the change added to
    the unquantised display values (gamma 2.2), back to linear. Needs python3-opencv."""
    import cv2
    import numpy as np
    if not strength > 0:
        return linear
    out = []
    for img in linear.detach().cpu().float():
        display = img.clamp(0.0, 1.0).pow(1.0 / GAMMA_REFERENCE).permute(1, 2, 0).numpy()
        rgb8 = np.clip(np.rint(display * 255.0), 0, 255).astype(np.uint8)
        h = min(strength, NR_MAX_STRENGTH) * noise_sigma(rgb8)
        if h < 0.5:
            out.append(img)
            continue
        lab = cv2.cvtColor(rgb8, cv2.COLOR_RGB2Lab)
        lab[..., 1] = cv2.medianBlur(np.ascontiguousarray(lab[..., 1]), NR_CHROMA_MEDIAN)
        lab[..., 2] = cv2.medianBlur(np.ascontiguousarray(lab[..., 2]), NR_CHROMA_MEDIAN)
        despeckled = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)
        filtered = _denoise_colour(despeckled, h)
        d = display + (filtered.astype(np.float32) - rgb8.astype(np.float32)) / 255.0
        out.append(torch.from_numpy(np.clip(d, 0.0, 1.0) ** GAMMA_REFERENCE).permute(2, 0, 1))
    return torch.stack(out).to(linear)


def amplified_display(srgb8: torch.Tensor, m: float = M_DEFAULT) -> tuple[torch.Tensor, torch.Tensor]:
    """What an amplifier-"rgb" sRGB network is given for an 8-bit image in [0,1]:
    (display sRGB (B,3,H,W), linear amplified image)."""
    lin = srgb_to_linear(srgb8)
    amp = amplify(lin, eq5_gain(lin, m))
    return linear_to_srgb(amp), amp
