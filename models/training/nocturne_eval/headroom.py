"""Where the gap between a method's output and real references lies (issue 13's question: what
could a network still win over "amplify only" + noise reduction on real photos?).

For each pair it scores the method's 8-bit output against the reference as nocturne-eval-pairs
does (PSNR, GT-mean PSNR: output scaled to the reference's mean luma), then after corrections
fitted *to that reference* (oracles, so upper bounds, never something to ship):

- ``gain``: one gain per channel (white balance);
- ``matrix``: a 3x3 colour matrix (white balance + saturation + cross-talk);
- ``curve``: the best tone curve per channel (any function of the 8-bit value: tone and colour
  that depend on brightness only);
- ``curve_matrix``: that curve followed by an affine colour matrix;
- ``smooth``: the output Gaussian-smoothed, best of a few widths, at GT-mean brightness (what
  removing more noise, and detail with it, gains).

What an oracle gains is at most what a per-image global correction could gain; what is left after
``curve_matrix`` is local (noise, local contrast, texture, misalignment between the captures).
"""
from __future__ import annotations

import numpy as np

LUMA = np.array([0.2126, 0.7152, 0.0722])
# 0.5 px matters: on real-dev a fixed 0.5 px blur of "amplify only" gains more (+0.35 dB GT-mean)
# than the best of the wider ones per photo (+0.26), so an oracle without it understated what
# removing fine-scale noise is worth.
SMOOTH_SIGMAS = (0.5, 0.7, 1.2, 2.0)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a - b) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(1.0 / mse)


def quantise8(x: np.ndarray) -> np.ndarray:
    return np.round(np.clip(x, 0.0, 1.0) * 255.0) / 255.0


def gt_mean(out: np.ndarray, ref: np.ndarray) -> np.ndarray:
    m = float((out @ LUMA).mean())
    return out * ((ref @ LUMA).mean() / m if m > 0 else 1.0)


def fit_gain(out: np.ndarray, ref: np.ndarray) -> np.ndarray:
    den = (out * out).sum(axis=(0, 1))
    return out * np.where(den > 0, (out * ref).sum(axis=(0, 1)) / np.maximum(den, 1e-12), 1.0)


def fit_matrix(out: np.ndarray, ref: np.ndarray, affine: bool = False) -> np.ndarray:
    a = out.reshape(-1, 3)
    if affine:
        a = np.c_[a, np.ones(len(a))]
    m = np.linalg.lstsq(a, ref.reshape(-1, 3), rcond=None)[0]
    return (a @ m).reshape(out.shape)


def fit_curve(out: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Each 8-bit level of each channel replaced by the mean reference value at that level."""
    fitted = np.empty_like(out)
    for c in range(3):
        level = np.clip(np.round(out[..., c] * 255.0), 0, 255).astype(np.int64).ravel()
        count = np.bincount(level, minlength=256)
        total = np.bincount(level, weights=ref[..., c].ravel(), minlength=256)
        table = np.where(count > 0, total / np.maximum(count, 1), 0.0)
        fitted[..., c] = table[level].reshape(out.shape[:2])
    return fitted


def score(out: np.ndarray, ref: np.ndarray) -> dict[str, float]:
    """out, ref: H x W x 3 display values in [0, 1] (out already 8-bit). Returns PSNRs in dB."""
    import cv2
    curve = fit_curve(out, ref)
    smooth = max(psnr(quantise8(gt_mean(cv2.GaussianBlur(out, (0, 0), s), ref)), ref)
                 for s in SMOOTH_SIGMAS)
    return {
        "psnr": psnr(out, ref),
        "gt_mean": psnr(quantise8(gt_mean(out, ref)), ref),
        "gain": psnr(quantise8(fit_gain(out, ref)), ref),
        "matrix": psnr(quantise8(fit_matrix(out, ref)), ref),
        "curve": psnr(quantise8(curve), ref),
        "curve_matrix": psnr(quantise8(fit_matrix(curve, ref, affine=True)), ref),
        "smooth": smooth,
    }


def mix_frequencies(low_from: np.ndarray, high_from: np.ndarray, sigma: float) -> np.ndarray:
    """Coarse tones and colours of one output with the fine detail of another (e.g. the engine's
    picture with a network's detail): tells whether a network's local changes help."""
    import cv2
    return (cv2.GaussianBlur(low_from, (0, 0), sigma) + high_from
            - cv2.GaussianBlur(high_from, (0, 0), sigma))
