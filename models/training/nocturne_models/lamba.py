"""Lamba & Mitra (CVPR 2021) real-time RAW restoration network, networks.md section 6.

Input: a single-channel Bayer mosaic (B,1,H,W) in RGGB phase, black-subtracted, normalised and
amplified (no clip). H and W must be multiples of 32 (use `InferenceWrapper`, which
reflect-pads bottom/right and crops back). Output: sRGB (B,3,H,W) clamped to [0,1].

Every conv is weight-normalised while training; call `fold_weight_norm` before scripting.
Parameter count: 784,768 with the 1,336 WN gains, 783,432 folded.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import channel_shuffle, pixel_unshuffle
from .weightnorm import fold_weight_norm, wn_conv

__all__ = ["LambaMitraNet", "fold_weight_norm"]


class DenseBlockStar(nn.Module):
    """RDB* of the official code: every dense layer sees the running (linear) concatenation of
    the block input and earlier conv outputs; middle layers apply LeakyReLU(0.2) to that
    concatenation first. A bias-free 1x1 conv fuses the concatenation; residual add."""

    def __init__(self, channels: int, layers: int, growth: int = 32, use_wn: bool = True):
        super().__init__()
        convs = []
        pre_act = []
        width = channels
        for j in range(layers):
            first, last = j == 0, j == layers - 1
            convs.append(wn_conv(width, growth, 3, bias=False, slope=1.0 if last else 0.2,
                                 use_wn=use_wn))
            pre_act.append(not first and not last)
            width += growth
        self.convs = nn.ModuleList(convs)
        self.pre_act = pre_act
        self.fuse = wn_conv(width, channels, 1, bias=False, use_wn=use_wn)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feats = x
        for j, conv in enumerate(self.convs):
            inp = F.leaky_relu(feats, 0.2) if self.pre_act[j] else feats
            feats = torch.cat([feats, conv(inp)], dim=1)
        return self.fuse(feats) + x


class HighScaleEncoder(nn.Module):
    """HSE: H/32 branch (unshuffle x16 of the packed planes, grouped conv, 3 RDB*), brought back
    to H/8 with PixelShuffle(4) and a 3x3 conv."""

    def __init__(self, use_wn: bool = True):
        super().__init__()
        self.grouped = wn_conv(1024, 128, 3, groups=128, use_wn=use_wn)
        self.reduce = wn_conv(128, 64, 3, use_wn=use_wn)
        self.rdb1 = DenseBlockStar(64, 4, use_wn=use_wn)
        self.rdb2 = DenseBlockStar(64, 5, use_wn=use_wn)
        self.rdb3 = DenseBlockStar(64, 5, use_wn=use_wn)
        self.fuse = wn_conv(192, 64, 1, bias=False, use_wn=use_wn)
        self.up = nn.PixelShuffle(4)
        self.to_mse = wn_conv(4, 64, 3, use_wn=use_wn)

    def forward(self, l2: torch.Tensor) -> torch.Tensor:
        f0 = self.reduce(self.grouped(pixel_unshuffle(l2, 16)))
        r1 = self.rdb1(f0)
        r2 = self.rdb2(r1)
        r3 = self.rdb3(r2)
        f = self.fuse(torch.cat([r1, r2, r3], dim=1)) + f0
        return self.to_mse(self.up(f))


class MidScaleEncoder(nn.Module):
    """MSE: H/8 branch, unshuffle x4 then one residual block."""

    def __init__(self, use_wn: bool = True):
        super().__init__()
        self.conv1 = wn_conv(64, 64, 3, slope=0.2, use_wn=use_wn)
        self.conv2 = wn_conv(64, 64, 3, use_wn=use_wn)

    def forward(self, l2: torch.Tensor) -> torch.Tensor:
        x = pixel_unshuffle(l2, 4)
        return self.conv2(F.leaky_relu(self.conv1(x), 0.2)) + x


class LambaMitraNet(nn.Module):
    __constants__ = ["parallel_branches"]

    def __init__(self, parallel_branches: bool = False, use_weight_norm: bool = True):
        super().__init__()
        self.parallel_branches = bool(parallel_branches)
        wn = use_weight_norm
        self.lse = wn_conv(4, 12, 5, use_wn=wn)
        self.mse = MidScaleEncoder(wn)
        self.hse = HighScaleEncoder(wn)
        self.fb1_grouped = wn_conv(128, 32, 3, groups=4, use_wn=wn)
        self.fb1_expand = wn_conv(32, 192, 3, slope=0.2, use_wn=wn)
        self.up4 = nn.PixelShuffle(4)
        self.fb2 = wn_conv(24, 12, 5, use_wn=wn)
        self.up2 = nn.PixelShuffle(2)

    def forward(self, mosaic: torch.Tensor) -> torch.Tensor:
        l2 = pixel_unshuffle(mosaic, 2)  # planes R, Gr, Gb, B at H/2
        if self.parallel_branches:
            # The three encoders are independent until FB1; fork the two heavy ones.
            hse_future = torch.jit.fork(self.hse, l2)
            mse_future = torch.jit.fork(self.mse, l2)
            low = self.lse(l2)
            mid = torch.jit.wait(mse_future)
            high = torch.jit.wait(hse_future)
        else:
            low = self.lse(l2)
            mid = self.mse(l2)
            high = self.hse(l2)
        fused = channel_shuffle(torch.cat([mid, high], dim=1), 2)
        fused = F.leaky_relu(self.fb1_expand(self.fb1_grouped(fused)), 0.2)
        fused = self.up4(fused)
        out = self.up2(self.fb2(torch.cat([low, fused], dim=1)))
        return out.clamp(0.0, 1.0)
