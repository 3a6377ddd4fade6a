"""Differentiable SSIM / MS-SSIM (Wang et al. 2003): 5 scales, Gaussian window 11x11 with
sigma 1.5, standard weights, exponents folded into the weights, 'valid' filtering.

Deviation for small images: the window shrinks to min(11, h, w) at scales where the image is
smaller than 11 pixels, so MS-SSIM is defined for any input of at least 16x16 (the 5th scale is
then 1x1). cs and ssim are clamped at 1e-6 before the fractional powers so gradients stay finite.
"""
from typing import List, Tuple

import torch
import torch.nn.functional as F

MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def gaussian_kernel1d(size: int, sigma: float, dtype=torch.float32) -> torch.Tensor:
    coords = torch.arange(size, dtype=dtype) - (size - 1) / 2.0
    g = torch.exp(-(coords ** 2) / (2.0 * sigma ** 2))
    return g / g.sum()


def _filter(x: torch.Tensor, win: torch.Tensor) -> torch.Tensor:
    c = x.shape[1]
    k = win.to(dtype=x.dtype, device=x.device)
    x = F.conv2d(x, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(x, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


def ssim_components(x: torch.Tensor, y: torch.Tensor, data_range: float = 1.0,
                    win_size: int = 11, sigma: float = 1.5) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per (batch, channel) mean SSIM and contrast-structure term, each (B, C)."""
    size = min(win_size, x.shape[-2], x.shape[-1])
    win = gaussian_kernel1d(size, sigma)
    c1 = (0.01 * data_range) ** 2
    c2 = (0.03 * data_range) ** 2
    mu_x, mu_y = _filter(x, win), _filter(y, win)
    sxx = _filter(x * x, win) - mu_x * mu_x
    syy = _filter(y * y, win) - mu_y * mu_y
    sxy = _filter(x * y, win) - mu_x * mu_y
    cs = (2.0 * sxy + c2) / (sxx + syy + c2)
    lum = (2.0 * mu_x * mu_y + c1) / (mu_x * mu_x + mu_y * mu_y + c1)
    return (lum * cs).flatten(2).mean(-1), cs.flatten(2).mean(-1)


def ssim(x: torch.Tensor, y: torch.Tensor, data_range: float = 1.0) -> torch.Tensor:
    return ssim_components(x, y, data_range)[0].mean()


def ms_ssim(x: torch.Tensor, y: torch.Tensor, data_range: float = 1.0,
            weights: Tuple[float, ...] = MS_SSIM_WEIGHTS, win_size: int = 11,
            sigma: float = 1.5) -> torch.Tensor:
    """Mean MS-SSIM over batch and channels; 1 for identical inputs."""
    if x.shape != y.shape:
        raise ValueError(f"ms_ssim: shapes differ {tuple(x.shape)} vs {tuple(y.shape)}")
    levels = len(weights)
    if min(x.shape[-2:]) < 2 ** (levels - 1):
        raise ValueError(f"ms_ssim needs images of at least {2 ** (levels - 1)} pixels per side")
    terms: List[torch.Tensor] = []
    for i in range(levels):
        s, cs = ssim_components(x, y, data_range, win_size, sigma)
        value = s if i == levels - 1 else cs
        terms.append(value.clamp_min(1e-6) ** weights[i])
        if i < levels - 1:
            pad = [0, x.shape[-1] % 2, 0, x.shape[-2] % 2]
            x = F.avg_pool2d(F.pad(x, pad, mode="replicate"), 2)
            y = F.avg_pool2d(F.pad(y, pad, mode="replicate"), 2)
    return torch.stack(terms, 0).prod(0).mean()
