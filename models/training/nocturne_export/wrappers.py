"""Inference wrappers that the registry does not provide."""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from nocturne_models.tone_anchor import MosaicToneAnchor, ToneAnchor


class AnchoredImage(nn.Module):
    """An sRGB-to-sRGB network of the same size (a residual attention-unet trained on 'engine'
    targets) whose coarse tones are its input's (ToneAnchor), clamped to [0, 1]."""

    def __init__(self, net: nn.Module, tone_anchor_sigma: float):
        super().__init__()
        self.net = net
        self.anchor = ToneAnchor(tone_anchor_sigma)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.anchor(self.net(x), x).clamp(0.0, 1.0)


class AnchoredRaw(nn.Module):
    """A RAW network that outputs linear camera RGB (a SID-packed or a full-resolution RGGB
    mosaic in) whose coarse content is its input's (MosaicToneAnchor), clamped to [0, 1]: the
    engine's own rendering decides tones and colours, the network only what is finer."""

    def __init__(self, net: nn.Module, tone_anchor_sigma: float):
        super().__init__()
        self.net = net
        self.anchor = MosaicToneAnchor(tone_anchor_sigma)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        image = self.net(x)
        packed = x
        if x.shape[1] == 1:
            # A full-resolution mosaic: pixel_unshuffle gives R, G, G, B; SID's order is R, G
            # (red row), B, G (blue row).
            tiles = F.pixel_unshuffle(x, 2)
            packed = torch.cat([tiles[:, 0:1], tiles[:, 1:2], tiles[:, 3:4], tiles[:, 2:3]], 1)
        return self.anchor(image, packed).clamp(0.0, 1.0)


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
