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

``transfer_scores`` asks the next question: could that curve be *learnt*? It fits the curve on
other photos' references, never the scored photo's own, and applies it blind:

- ``curve_same_set``: pooled over the other photos of the same set (same camera, same people);
- ``curve_other_sets``: pooled over the other sets' photos (a new camera);
- ``curve_nearest``: the curve of the same-set photo whose output histogram is closest (the
  simplest predictor that looks at the photo's content).

These use real references of other photos, so they bound from above what training on photos like
these could transfer; a gain that vanishes here cannot be had from synthesis either.

``blind_scores`` tries corrections that need no reference at all (GT-mean aside): a fixed gamma
on the display values, and white balance estimated from the photo itself (grey world and shades
of grey, p = 4, in linear light, at half strength as cautious auto white balance is applied).
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
    return apply_table(out, curve_table(*level_stats(out, ref)))


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


HIST_BINS = 32


def level_stats(out: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per channel and 8-bit output level: the share of pixels at it and the reference's summed
    value there, both divided by the pixel count so that every photo weighs the same."""
    level = np.clip(np.round(out * 255.0), 0, 255).astype(np.int64)
    n = level[..., 0].size
    count = np.stack([np.bincount(level[..., c].ravel(), minlength=256) for c in range(3)]) / n
    total = np.stack([np.bincount(level[..., c].ravel(), weights=ref[..., c].ravel(), minlength=256)
                      for c in range(3)]) / n
    return count, total


def curve_table(count: np.ndarray, total: np.ndarray) -> np.ndarray:
    """3 x 256 table from pooled level_stats; levels nobody saw are interpolated between their
    neighbours (identity where a channel saw nothing)."""
    levels = np.arange(256)
    table = np.tile(levels / 255.0, (3, 1))
    for c in range(3):
        seen = np.nonzero(count[c] > 0)[0]
        if seen.size:
            table[c] = np.interp(levels, seen, total[c, seen] / count[c, seen])
    return table


def apply_table(out: np.ndarray, table: np.ndarray) -> np.ndarray:
    level = np.clip(np.round(out * 255.0), 0, 255).astype(np.int64)
    return np.stack([table[c][level[..., c]] for c in range(3)], axis=-1)


def luma_histogram(out: np.ndarray) -> np.ndarray:
    h, _ = np.histogram(out @ LUMA, bins=HIST_BINS, range=(0.0, 1.0))
    return h / max(h.sum(), 1)


def transfer_scores(frames: list[tuple[str, np.ndarray, np.ndarray]]) -> list[dict[str, float]]:
    """frames: (set, out, ref) as for score(). For each frame, GT-mean PSNR after curves fitted on
    other frames (see the module text); a key is missing where no other frame qualifies."""
    stats = [level_stats(out, ref) for _, out, ref in frames]
    hists = [luma_histogram(out) for _, out, _ in frames]
    result = []
    for i, (subset, out, ref) in enumerate(frames):
        pools = {
            "curve_same_set": [j for j, f in enumerate(frames) if j != i and f[0] == subset],
            "curve_other_sets": [j for j, f in enumerate(frames) if f[0] != subset],
        }
        same = pools["curve_same_set"]
        if same:
            pools["curve_nearest"] = [min(same, key=lambda j: float(np.abs(hists[j] - hists[i]).sum()))]
        r = {}
        for key, pool in pools.items():
            if not pool:
                continue
            table = curve_table(sum(stats[j][0] for j in pool), sum(stats[j][1] for j in pool))
            r[key] = psnr(quantise8(gt_mean(apply_table(out, table), ref)), ref)
        result.append(r)
    return result


BLIND_GAMMAS = (0.9, 1.1)


def auto_white_balance(out: np.ndarray, p: float, strength: float = 0.5) -> np.ndarray:
    """Shades-of-grey white balance (p = 1 is grey world): each channel's p-norm brought towards
    the norm's luma, gains raised to `strength`."""
    import torch
    from nocturne_data.engine_exposure import linear_to_srgb, srgb_to_linear
    lin = srgb_to_linear(torch.from_numpy(out)).numpy()
    norm = np.maximum((lin.reshape(-1, 3) ** p).mean(axis=0) ** (1.0 / p), 1e-6)
    balanced = np.clip(lin * ((norm @ LUMA) / norm) ** strength, 0.0, 1.0)
    return linear_to_srgb(torch.from_numpy(balanced)).numpy()


def blind_scores(out: np.ndarray, ref: np.ndarray) -> dict[str, float]:
    """GT-mean PSNR after corrections computed from the output alone (see the module text)."""
    variants = {f"gamma{g:g}": np.clip(out, 0.0, 1.0) ** g for g in BLIND_GAMMAS}
    variants["grey_world"] = auto_white_balance(out, 1.0)
    variants["shades_of_grey"] = auto_white_balance(out, 4.0)
    return {k: psnr(quantise8(gt_mean(quantise8(v), ref)), ref) for k, v in variants.items()}
