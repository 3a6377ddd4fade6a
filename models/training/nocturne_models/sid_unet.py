"""SID U-Net (Chen et al. 2018) on the packed 4-channel Bayer input, networks.md section 5.

Input: (B,4,h,w) packed in SID order R, G(red row), B, G(blue row) (see `common.pack_bayer`),
black-subtracted, x ratio, clipped to 1. h and w must be multiples of 16 (four 2x2 pools);
`InferenceWrapper(net, 16, scale=2)` reflect-pads and crops. Output: linear sRGB (B,3,2h,2w),
unclamped (the wrapper clamps at inference).

`bottleneck` lets GIA-Net insert its global-context module after c5.
"""
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

SID_WIDTHS = (32, 64, 128, 256, 512)


class DoubleConv(nn.Module):
    """[conv3x3 + LeakyReLU(0.2)] x 2."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.leaky_relu(self.conv1(x), 0.2)
        return F.leaky_relu(self.conv2(x), 0.2)


class Deconv2x2(nn.ConvTranspose2d):
    """nn.ConvTranspose2d(cin, cout, 2, stride=2), computed as a 1x1 convolution to 4*cout
    channels followed by a pixel shuffle.

    With a 2x2 kernel at stride 2 every output pixel sees exactly one input pixel, so the two
    are the same function: same parameters and state-dict keys (checkpoints and shipped weights
    load unchanged), same output to float rounding (fp32: 142 dB apart on NEID). LibTorch 1.13
    has no oneDNN path for transposed convolutions on the CPU; its fallback,
    slow_conv_transpose2d, was 52 % of NEID's bf16 time at 576^2. As a 1x1 convolution the
    whole network ran 0.30x the time in bf16 and 0.65x in fp32 (NEID 576^2), 0.35x for GIA-Net
    (320^2 packed) and 0.33x for the SID U-Net (448^2 packed) in bf16 (AMD EPYC, 2 threads,
    eager PyTorch 1.13, medians of three).
    """

    def __init__(self, cin: int, cout: int):
        super().__init__(cin, cout, 2, stride=2)

    def forward(self, input: torch.Tensor, output_size: Optional[List[int]] = None) -> torch.Tensor:
        cin, cout = self.weight.shape[0], self.weight.shape[1]
        # (cin, cout, a, b) -> output channel cout*4 + 2a + b, pixel_shuffle's order.
        weight = self.weight.permute(1, 2, 3, 0).reshape(cout * 4, cin, 1, 1)
        bias = self.bias
        shuffled_bias: Optional[torch.Tensor] = None
        if bias is not None:
            shuffled_bias = bias.repeat_interleave(4)
        return F.pixel_shuffle(F.conv2d(input, weight, shuffled_bias), 2)


class UpBlock(nn.Module):
    """Deconv 2x2/2 (with bias, as in the PyTorch port), concat the skip, DoubleConv."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.up = Deconv2x2(cin, cout)
        self.conv = DoubleConv(2 * cout, cout)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.conv(torch.cat([self.up(x), skip], dim=1))


class SIDUNet(nn.Module):
    def __init__(self, in_channels: int = 4, out_channels: int = 3,
                 bottleneck: Optional[nn.Module] = None):
        super().__init__()
        w = SID_WIDTHS
        self.down = nn.ModuleList([DoubleConv(in_channels, w[0])] +
                                  [DoubleConv(w[i - 1], w[i]) for i in range(1, 5)])
        self.bottleneck = bottleneck if bottleneck is not None else nn.Identity()
        self.up = nn.ModuleList([UpBlock(w[i], w[i - 1]) for i in range(4, 0, -1)])
        self.head = nn.Conv2d(w[0], out_channels * 4, 1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips: List[torch.Tensor] = []
        for i, block in enumerate(self.down):
            if i > 0:
                x = F.max_pool2d(x, 2)
            x = block(x)
            skips.append(x)
        x = self.bottleneck(x)
        for i, block in enumerate(self.up):
            x = block(x, skips[3 - i])
        return self.shuffle(self.head(x))
