"""Inference wrappers that the registry does not provide."""
import math
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


class ImageAndAttention(nn.Module):
    """BA-GAN generator in the package format: (image, attention), both 1 x C x H x W in [0, 1].

    The generator returns the raw tanh map A in [-1, 1]; the composition uses clamp(A, 0, 1),
    which is also what the package format promises for the attention output. The generator
    takes any size, so no padding is needed.

    tone_anchor_sigma > 0 (manifest architecture.tone_anchor_sigma): the picture's coarse
    content, a Gaussian of that sigma in pixels, is the input's; the network contributes only
    what is finer (image - G(image) + G(input)). Trained as a denoiser that keeps the engine's
    tones, the network still shifted coarse tones on real photos (lifted the blacks of the
    darkest frames) where the synthesis could not tell it what a real camera does; this makes
    "keep the tones" a property of the package rather than something learnt."""

    def __init__(self, net: nn.Module, tone_anchor_sigma: float = 0.0):
        super().__init__()
        self.net = net
        self.sigma = float(tone_anchor_sigma)
        self.radius = max(1, int(math.ceil(3.0 * self.sigma)))

    def low_pass(self, x: torch.Tensor) -> torch.Tensor:
        # The taps are made here, not stored: an fp16-stored package would round them, and a
        # kernel that does not sum to 1 shifts the tones this exists to keep.
        r = self.radius
        t = torch.arange(-r, r + 1, dtype=torch.float32, device=x.device)
        k = torch.exp(-(t * t) / (2.0 * self.sigma * self.sigma))
        k = (k / k.sum()).to(x.dtype)
        c = x.shape[1]
        # Reflect padding: a tile or image border must not darken the coarse tones.
        y = F.pad(x, [r, r, 0, 0], mode="reflect")
        y = F.conv2d(y, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
        y = F.pad(y, [0, 0, r, r], mode="reflect")
        return F.conv2d(y, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        image, attention = self.net(x)
        if self.sigma > 0.0 and x.shape[-1] > self.radius and x.shape[-2] > self.radius:
            image = image - self.low_pass(image) + self.low_pass(x)
        return image.clamp(0.0, 1.0), attention.clamp(0.0, 1.0)
