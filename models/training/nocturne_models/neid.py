"""NEID (Jiang, Liu et al.), networks.md section 4. All widths are [I] (SID widths).

Input: sRGB (B,3,h,w) at HALF resolution, h and w multiples of 16
(`InferenceWrapper(net, 16, scale=2)`). Output: (B,3,2h,2w), linear; clamp at inference.

Shared encoder E1..E5 -> DR decoder (its levels D_l) -> FF_l: S_l = E_l + w_l * D_l with an
SE-style gate w_l = sigmoid(FC(ReLU(FC(GAP(D_l))))), hidden = max(C_l / 16, 4) -> LE decoder
on the fused skips S_l -> LE head (conv3x3 32->12 + PixelShuffle 2).
The DR head (same shape) exists only for training: `forward` returns (LE, DR) while it is
present and LE alone after `drop_dr_head()` (or `with_dr_head=False`); the DR decoder stays.
Params: 10,826,360 with the DR head, 10,822,892 without (table: 10.82 M).
"""
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F

from .sid_unet import DoubleConv, UpBlock

NEID_WIDTHS = (32, 64, 128, 256, 512)


class FeatureFusion(nn.Module):
    def __init__(self, channels: int, reduction: int = 16, min_hidden: int = 4):
        super().__init__()
        hidden = max(channels // reduction, min_hidden)
        self.fc1 = nn.Linear(channels, hidden)
        self.fc2 = nn.Linear(hidden, channels)

    def forward(self, enc: torch.Tensor, dr: torch.Tensor) -> torch.Tensor:
        w = F.adaptive_avg_pool2d(dr, 1).flatten(1)
        w = torch.sigmoid(self.fc2(F.relu(self.fc1(w))))
        return enc + w[:, :, None, None] * dr


def _head(cin: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, 12, 3, padding=1), nn.PixelShuffle(2))


class NEID(nn.Module):
    def __init__(self, with_dr_head: bool = True, reduction: int = 16):
        super().__init__()
        w = NEID_WIDTHS
        self.enc = nn.ModuleList([DoubleConv(3, w[0])] +
                                 [DoubleConv(w[i - 1], w[i]) for i in range(1, 5)])
        # index 0 = level 4 (h/8) ... 3 = level 1 (h)
        self.dr_dec = nn.ModuleList([UpBlock(w[i], w[i - 1]) for i in range(4, 0, -1)])
        self.fuse = nn.ModuleList([FeatureFusion(w[i - 1], reduction) for i in range(4, 0, -1)])
        self.le_dec = nn.ModuleList([UpBlock(w[i], w[i - 1]) for i in range(4, 0, -1)])
        self.le_head = _head(w[0])
        self.dr_head = _head(w[0]) if with_dr_head else None
        for m in self.modules():  # paper: N(0, 0.02) weights, constant bias
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                nn.init.normal_(m.weight, 0.0, 0.02)
                nn.init.zeros_(m.bias)

    def drop_dr_head(self) -> "NEID":
        self.dr_head = None
        return self

    def forward(self, x: torch.Tensor):
        skips: List[torch.Tensor] = []
        for i, block in enumerate(self.enc):
            if i > 0:
                x = F.max_pool2d(x, 2)
            x = block(x)
            skips.append(x)
        d = x
        fused: List[torch.Tensor] = []
        for i, (up, ff) in enumerate(zip(self.dr_dec, self.fuse)):
            d = up(d, skips[3 - i])
            fused.append(ff(skips[3 - i], d))
        e = x
        for i, up in enumerate(self.le_dec):
            e = up(e, fused[i])
        le = self.le_head(e)
        if self.dr_head is None:
            return le
        return le, self.dr_head(d)
