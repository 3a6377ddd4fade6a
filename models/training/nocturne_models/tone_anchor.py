"""ToneAnchor: a picture whose coarse tones are another's. The packages of same-size sRGB
networks apply it at inference (nocturne_export.wrappers); training applies it inside the loss
(TrainConfig.tone_anchor_sigma), so that the network learns only what the package keeps."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .registry import spec


def anchorable(net_id: str, output: str = "display") -> bool:
    """Whether a tone anchor can give this network's picture its input's coarse content: sRGB
    networks whose output has their input's size (not NEID, which sees half the input), and RAW
    networks that output linear camera RGB (the space of their mosaic input)."""
    s = spec(net_id)
    if s.input_kind == "srgb":
        return s.scale_factor == 1 and s.input_divisor == 1
    return output == "camera_linear"


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


class MosaicToneAnchor(nn.Module):
    """ToneAnchor for RAW networks: `image` is full-resolution linear camera RGB, `packed` the
    network's SID-packed input (R, G of the red row, B, G of the blue row at half resolution, RGGB
    phase, as the engine hands it over). The reference's coarse content is each colour's
    Gaussian-weighted mean over the sites of that colour (normalised convolution), so it needs no
    demosaicing and keeps every site where the sensor put it."""

    def __init__(self, sigma: float = 0.0):
        super().__init__()
        self.blur = ToneAnchor(sigma)

    def forward(self, image: torch.Tensor, packed: torch.Tensor) -> torch.Tensor:
        if self.blur.sigma <= 0.0 or 2 * packed.shape[-1] <= self.blur.radius \
                or 2 * packed.shape[-2] <= self.blur.radius:
            return image
        r, g1, b, g2 = packed[:, 0:1], packed[:, 1:2], packed[:, 2:3], packed[:, 3:4]
        z = torch.zeros_like(r)
        one = torch.ones_like(r)
        # pixel_shuffle puts channel i*2+j at (i, j) of each 2x2 tile: R (0,0), G (0,1) and
        # (1,0), B (1,1).
        values = torch.cat([F.pixel_shuffle(torch.cat([r, z, z, z], 1), 2),
                            F.pixel_shuffle(torch.cat([z, g1, g2, z], 1), 2),
                            F.pixel_shuffle(torch.cat([z, z, z, b], 1), 2)], 1)
        sites = torch.cat([F.pixel_shuffle(torch.cat([one, z, z, z], 1), 2),
                           F.pixel_shuffle(torch.cat([z, one, one, z], 1), 2),
                           F.pixel_shuffle(torch.cat([z, z, z, one], 1), 2)], 1)
        h, w = image.shape[-2], image.shape[-1]
        values = values[..., :h, :w]
        sites = sites[..., :h, :w]
        coarse = self.blur.low_pass(values) / self.blur.low_pass(sites).clamp_min(1e-6)
        return image + coarse - self.blur.low_pass(image)
