"""GIA-Net (Meng, Xu, Ho): SID U-Net plus a global-information-aggregation module in the
bottleneck, networks.md section 5. Same input/output contract as `SIDUNet`.

GIA: GAP -> 1x1 conv 512->256 + LeakyReLU(0.2) -> broadcast to the c5 grid (bilinear upsampling
of a 1x1 map is a broadcast) -> concat with c5 -> 1x1 conv 768->512 + LeakyReLU(0.2).
Widths 256/512 are back-solved from the paper's Table 4 (networks.md [I]).
Params 8,285,804 with deconv biases.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .sid_unet import SIDUNet


class GlobalInfoAggregation(nn.Module):
    def __init__(self, channels: int = 512, global_channels: int = 256):
        super().__init__()
        self.squeeze = nn.Conv2d(channels, global_channels, 1)
        self.merge = nn.Conv2d(channels + global_channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        g = F.leaky_relu(self.squeeze(F.adaptive_avg_pool2d(x, 1)), 0.2)
        g = g.expand(-1, -1, x.shape[2], x.shape[3])
        return F.leaky_relu(self.merge(torch.cat([x, g], dim=1)), 0.2)


class GIANet(SIDUNet):
    def __init__(self, in_channels: int = 4, out_channels: int = 3, global_channels: int = 256):
        super().__init__(in_channels, out_channels,
                         bottleneck=GlobalInfoAggregation(512, global_channels))
