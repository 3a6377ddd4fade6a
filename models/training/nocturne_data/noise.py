"""Sensor noise models for synthetic dark RAW (networks.md §8).

Both models take a clean, normalised linear mosaic x (B,1,H,W) in [0,1] at *normal* exposure,
darken it by an exposure ratio r and return the noisy dark capture:
  * `brooks_noise`: heteroscedastic Gaussian in normalised units (Brooks et al. 2019);
  * `eld_noise`: the physics model of Wei et al. (ELD, CVPR 2020) in DN: Poisson shot noise
    through the system gain K, Tukey-lambda or Gaussian read noise, per-row offsets, black level
    and ADC quantisation/clipping at 12 or 14 bits.
Every random draw comes from the given torch.Generator (CPU), so results are reproducible.
"""
from __future__ import annotations

import math

import torch

SONY_BLACK, SONY_WHITE = 512, 16383  # 14-bit Sony A7S II, the scale the calibration is on
RATIO_RANGE = (50.0, 300.0)          # issue 4; ELD uses [100, 300], PMN [90, 300]

# Sony A7S II calibration, DN on the 14-bit scale (PMN get_camera_noisy_params[_max], see
# networks.md §8). Each profile: ln K range, Tukey lambda, and ln(sigma) = a*ln K + b (+ N(0,s)).
ELD_PROFILES = {
    "low_iso": {"log_k": (-1.672, 0.422), "tukey_lambda": -0.026,
                "tl": (0.740, 0.862, 0.007), "row": (0.788, -0.342, 0.028),
                "gauss": (0.830, 1.493, 0.0)},
    "high_iso": {"log_k": (0.646, 2.516), "tukey_lambda": -0.025,
                 "tl": (0.749, -0.123, 0.0), "row": (0.629, -1.510, 0.0),
                 # No Gaussian fit is published for high ISO; the low-ISO line is extended.
                 "gauss": (0.830, 1.493, 0.0)},
}


def _uniform(n, lo, hi, gen):
    return lo + (hi - lo) * torch.rand(n, generator=gen, dtype=torch.float64)


def _bcast(v: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return v.to(like)[:, None, None, None]


# ---- Brooks --------------------------------------------------------------------------

def sample_brooks_params(n: int, gen: torch.Generator | None = None) -> dict:
    """log λ_shot ~ U[log 1e-4, log 0.012]; log λ_read = 2.18 log λ_shot + 1.20 + N(0, 0.26²)."""
    log_shot = _uniform(n, math.log(1e-4), math.log(0.012), gen)
    log_read = 2.18 * log_shot + 1.20 + 0.26 * torch.randn(n, generator=gen, dtype=torch.float64)
    return {"lambda_shot": log_shot.exp(), "lambda_read": log_read.exp()}


def brooks_noise(x: torch.Tensor, params: dict, gen: torch.Generator | None = None
                 ) -> torch.Tensor:
    """x + N(0, λ_read + λ_shot·x) in normalised units (x is the already-darkened signal)."""
    var = _bcast(params["lambda_read"], x) + _bcast(params["lambda_shot"], x) * x.clamp_min(0)
    noise = torch.randn(x.shape, generator=gen, dtype=x.dtype, device="cpu").to(x.device)
    return x + noise * var.sqrt()


# ---- ELD -----------------------------------------------------------------------------

def sample_eld_params(n: int, gen: torch.Generator | None = None,
                      ratio_range=RATIO_RANGE, bits_choices=(12, 14),
                      profiles=("low_iso", "high_iso"), p_tukey: float = 0.5,
                      log_ratio: bool = False) -> dict:
    """Per-sample noise parameters. K, sigma_read and sigma_row are drawn on the 14-bit Sony
    scale and rescaled to the sampled bit depth (DN scale with white - black).
    log_ratio: the exposure ratio is log-uniform over ratio_range (as many samples per doubling
    of darkness) instead of uniform, which puts nearly all samples near the top of a wide range."""
    names = list(profiles)
    pick = torch.randint(len(names), (n,), generator=gen)
    u_k = torch.rand(n, generator=gen, dtype=torch.float64)
    z_tl, z_row = (torch.randn(n, generator=gen, dtype=torch.float64) for _ in range(2))
    use_tukey = torch.rand(n, generator=gen) < p_tukey
    bits = torch.tensor(bits_choices)[torch.randint(len(bits_choices), (n,), generator=gen)]
    if log_ratio:
        ratio = torch.exp(_uniform(n, math.log(ratio_range[0]), math.log(ratio_range[1]), gen))
    else:
        ratio = _uniform(n, ratio_range[0], ratio_range[1], gen)

    log_k = torch.empty(n, dtype=torch.float64)
    sig_read = torch.empty(n, dtype=torch.float64)
    sig_row = torch.empty(n, dtype=torch.float64)
    lam = torch.zeros(n, dtype=torch.float64)
    for i in range(n):
        p = ELD_PROFILES[names[int(pick[i])]]
        lo, hi = p["log_k"]
        lk = lo + (hi - lo) * float(u_k[i])
        log_k[i] = lk
        a, b, s = p["tl"] if use_tukey[i] else p["gauss"]
        sig_read[i] = math.exp(a * lk + b + s * float(z_tl[i]))
        a, b, s = p["row"]
        sig_row[i] = math.exp(a * lk + b + s * float(z_row[i]))
        lam[i] = p["tukey_lambda"] if use_tukey[i] else 0.0

    black = torch.where(bits == 14, torch.tensor(SONY_BLACK), torch.tensor(SONY_BLACK // 4))
    white = (2 ** bits - 1).to(torch.float64)
    scale = (white - black) / (SONY_WHITE - SONY_BLACK)
    return {"K": log_k.exp() * scale, "ratio": ratio, "sigma_read": sig_read * scale,
            "sigma_row": sig_row * scale, "tukey_lambda": lam, "read_is_tukey": use_tukey,
            "bits": bits, "black": black.to(torch.float64), "white": white,
            "profile": [names[int(i)] for i in pick]}


def tukey_lambda(shape, lam: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
    """Standard Tukey-lambda draws via its quantile function; lam (B,1,1,1), 0 = logistic."""
    p = torch.rand(shape, generator=gen, dtype=torch.float64).clamp(1e-10, 1 - 1e-10)
    small = lam.abs() < 1e-6
    lam_safe = torch.where(small, torch.ones_like(lam), lam)
    q = (p ** lam_safe - (1 - p) ** lam_safe) / lam_safe
    return torch.where(small, torch.log(p / (1 - p)), q)


def eld_noise(x: torch.Tensor, params: dict, gen: torch.Generator | None = None,
              shot: bool = True, read: bool = True, row: bool = True,
              quantise: bool = True) -> torch.Tensor:
    """Clean normalised mosaic x (B,1,H,W) -> noisy dark mosaic in DN (float64 values).

    Signal: x·(white − black)/r DN; shot: K·Poisson(signal/K); read: Tukey-λ or Gaussian;
    row: one N(0, σ_row) offset per sensor row; then + black, rounded (the ADC, whose
    ±½ DN error is the quantisation noise) and clipped to [0, white]. The flags switch
    components off for tests. Noise is drawn on the CPU so CPU and GPU runs agree."""
    b, _, h, w = x.shape
    xd = x.detach().to("cpu", torch.float64)
    p = {k: v for k, v in params.items() if torch.is_tensor(v)}
    span = _bcast(p["white"] - p["black"], xd)
    # Not clipped at 1: a light source brighter than white at the normal exposure is what the
    # dark capture records unclipped; the ADC's clip at `white` below saturates it.
    signal = xd.clamp_min(0.0) * span / _bcast(p["ratio"], xd)
    k = _bcast(p["K"], xd)
    z = k * torch.poisson(signal / k, generator=gen) if shot else signal.clone()
    if read:
        lam = _bcast(p["tukey_lambda"], xd)
        tl = tukey_lambda(xd.shape, lam, gen)
        g = torch.randn(xd.shape, generator=gen, dtype=torch.float64)
        n_read = torch.where(_bcast(p["read_is_tukey"], xd) > 0, tl, g)
        z = z + n_read * _bcast(p["sigma_read"], xd)
    if row:
        z = z + torch.randn(b, 1, h, 1, generator=gen, dtype=torch.float64) \
            * _bcast(p["sigma_row"], xd)
    z = z + _bcast(p["black"], xd)
    if quantise:
        z = torch.minimum(torch.round(z).clamp_min(0.0), _bcast(p["white"], xd))
    return z.to(x.device)


def normalise_dn(dn: torch.Tensor, params: dict, clip_negative: bool = True) -> torch.Tensor:
    """(DN − black)/(white − black): the `bayer_mosaic` convention of models/README.md.
    Negative values (read noise below black) are clipped like SID's max(raw − black, 0)."""
    black = _bcast(params["black"], dn)
    out = (dn - black) / (_bcast(params["white"], dn) - black)
    return out.clamp_min(0.0) if clip_negative else out


def record(params: dict) -> list[dict]:
    """Plain per-sample record {K, ratio, sigma_read, sigma_row, bits, black, ...}."""
    n = len(params["ratio"])
    out = []
    for i in range(n):
        r = {}
        for key, v in params.items():
            val = v[i]
            r[key] = val.item() if torch.is_tensor(val) else val
        out.append(r)
    return out
