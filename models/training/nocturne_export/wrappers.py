"""Inference wrappers that the registry does not provide."""
from typing import Tuple

import torch
import torch.nn as nn


class ImageAndAttention(nn.Module):
    """BA-GAN generator in the package format: (image, attention), both 1 x C x H x W in [0, 1].

    The generator returns the raw tanh map A in [-1, 1]; the composition uses clamp(A, 0, 1),
    which is also what the package format promises for the attention output. The generator
    takes any size, so no padding is needed."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        image, attention = self.net(x)
        return image.clamp(0.0, 1.0), attention.clamp(0.0, 1.0)
