"""Inference wrappers that the registry does not provide."""
import math
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


class ToneAnchor(nn.Module):
    """image - G(image) + G(reference), G a Gaussian of `sigma` pixels with reflected borders:
    the result's content coarser than about sigma is the reference's (a network's input), the
    finer detail the image's (its output). sigma 0 returns the image unchanged."""

    def __init__(self, sigma: float = 0.0):
        super().__init__()
        self.sigma = float(sigma)
        self.radius = max(1, int(math.ceil(3.0 * self.sigma)))

    def low_pass(self, x: torch.Tensor) -> torch.Tensor:
        # The taps are made here, not stored: an fp16-stored package would round them, and a
        # kernel that does not sum to 1 shifts the tones this exists to keep.
        r = self.radius
        t = torch.arange(-r, r + 1, dtype=torch.float32, device=x.device)
        k = torch.exp(-(t * t) / (2.0 * self.sigma * self.sigma))
        k = (k / k.sum()).to(x.dtype)
        c = x.shape[1]
        y = F.pad(x, [r, r, 0, 0], mode="reflect")
        y = F.conv2d(y, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
        y = F.pad(y, [0, 0, r, r], mode="reflect")
        return F.conv2d(y, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)

    def forward(self, image: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
        # image - G(image) + G(reference), with one blur instead of two (G is linear).
        if self.sigma > 0.0 and image.shape[-1] > self.radius and image.shape[-2] > self.radius:
            return image + self.low_pass(reference - image)
        return image


class AnchoredImage(nn.Module):
    """An sRGB-to-sRGB network of the same size (a residual attention-unet trained on 'engine'
    targets) whose coarse tones are its input's (ToneAnchor), clamped to [0, 1]."""

    def __init__(self, net: nn.Module, tone_anchor_sigma: float):
        super().__init__()
        self.net = net
        self.anchor = ToneAnchor(tone_anchor_sigma)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.anchor(self.net(x), x).clamp(0.0, 1.0)


class ImageAndAttention(nn.Module):
    """BA-GAN generator in the package format: (image, attention), both 1 x C x H x W in [0, 1].

    The generator returns the raw tanh map A in [-1, 1]; the composition uses clamp(A, 0, 1),
    which is also what the package format promises for the attention output. The generator
    takes any size, so no padding is needed.

    tone_anchor_sigma > 0 (manifest architecture.tone_anchor_sigma): the picture's coarse
    content is the input's; the network contributes only what is finer (ToneAnchor). Trained
    as a denoiser that keeps the engine's tones, the network still shifted coarse tones on real
    photos (lifted the blacks of the darkest frames) where the synthesis could not tell it what
    a real camera does; this makes "keep the tones" a property of the package rather than
    something learnt."""

    def __init__(self, net: nn.Module, tone_anchor_sigma: float = 0.0):
        super().__init__()
        self.net = net
        self.anchor = ToneAnchor(tone_anchor_sigma)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        image, attention = self.net(x)
        image = self.anchor(image, x)
        return image.clamp(0.0, 1.0), attention.clamp(0.0, 1.0)
