"""Ai & Kwon (Sensors 2020) Attention U-Net, networks.md section 2.

Input: sRGB (B,3,H,W), H and W multiples of 16 (`InferenceWrapper(net, 16)` reflect-pads and
crops). Output: sRGB (B,3,H,W), linear head, unclamped (clip when saving / in the wrapper).

Spec version: additive gates with linear theta/phi/psi and a plain sigmoid, alpha multiplies the
skip. Toggles reproduce the authors' code quirks: `gate_on_decoder` (alpha multiplies the
upsampled decoder tensor, quirk a), `relu_in_gate` (ReLU after theta, phi and psi, quirk c),
`xavier_init` (slim default, quirk d). The dead CB(512->1024) of quirk b is not built.
`residual` (a deviation, models/README.md) adds the input to the head's output: the network
then predicts a correction of the engine's own rendering, and a zeroed head starts it at
exactly that rendering.
Params at base=64: 39.62 M; see `complexity.attention_unet_table()` for other widths.
"""
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBlock(nn.Module):
    """CB: 1x1 cin->n + ReLU, 3 x (3x3 + ReLU) with a residual add, then 3x3 + ReLU."""

    def __init__(self, cin: int, n: int):
        super().__init__()
        self.entry = nn.Conv2d(cin, n, 1)
        self.body = nn.ModuleList([nn.Conv2d(n, n, 3, padding=1) for _ in range(3)])
        self.exit = nn.Conv2d(n, n, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.entry(x))
        y = x
        for conv in self.body:
            y = F.relu(conv(y))
        return F.relu(self.exit(y + x))


class UpBlock(nn.Module):
    """UP: bilinear x2 (align_corners=False), then CB."""

    def __init__(self, cin: int, n: int):
        super().__init__()
        self.block = ConvBlock(cin, n)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        return self.block(x)


class AttentionGate(nn.Module):
    """Additive gate at equal resolution: alpha = sigmoid(psi(act(theta x + phi g)))."""

    __constants__ = ["relu_in_gate"]

    def __init__(self, x_channels: int, g_channels: int, inter: int, relu_in_gate: bool = False):
        super().__init__()
        self.theta = nn.Conv2d(x_channels, inter, 1)
        self.phi = nn.Conv2d(g_channels, inter, 1)
        self.psi = nn.Conv2d(inter, 1, 1)
        self.relu_in_gate = relu_in_gate

    def forward(self, x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        t = self.theta(x)
        p = self.phi(g)
        if self.relu_in_gate:
            t = F.relu(t)
            p = F.relu(p)
        s = self.psi(F.relu(t + p))
        if self.relu_in_gate:
            s = F.relu(s)
        return torch.sigmoid(s)


class AttentionUNet(nn.Module):
    __constants__ = ["gate_on_decoder", "residual"]

    def __init__(self, base: int = 64, in_channels: int = 3, out_channels: int = 3,
                 gate_on_decoder: bool = False, relu_in_gate: bool = False,
                 xavier_init: bool = False, residual: bool = False):
        super().__init__()
        if residual and in_channels != out_channels:
            raise ValueError("a residual Attention U-Net needs as many output as input channels")
        f = [base, 2 * base, 4 * base, 8 * base]
        self.gate_on_decoder = gate_on_decoder
        self.residual = residual
        self.enc = nn.ModuleList([ConvBlock(in_channels, f[0]), ConvBlock(f[0], f[1]),
                                  ConvBlock(f[1], f[2]), ConvBlock(f[2], f[3])])
        # ups[0] is the bottleneck UP (H/16 -> H/8); ups[k] feeds decoder level 3-k.
        self.ups = nn.ModuleList([UpBlock(f[3], f[3]), UpBlock(f[3], f[2]),
                                  UpBlock(f[2], f[1]), UpBlock(f[1], f[0])])
        # gates/decs index 0 = d4 (H/8) ... 3 = d1 (H).
        self.gates = nn.ModuleList([AttentionGate(f[i], f[i], f[i], relu_in_gate)
                                    for i in (3, 2, 1, 0)])
        self.decs = nn.ModuleList([ConvBlock(2 * f[i], f[i]) for i in (3, 2, 1, 0)])
        self.head = nn.Conv2d(f[0], out_channels, 1)
        if xavier_init:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.xavier_uniform_(m.weight)
                    nn.init.zeros_(m.bias)

    @torch.jit.export
    def forward_with_attention(self, x: torch.Tensor) -> Tuple[torch.Tensor, List[torch.Tensor]]:
        """Returns (output, [alpha_d4 (H/8), alpha_d3, alpha_d2, alpha_d1 (H)])."""
        inp = x
        skips: List[torch.Tensor] = []
        for i, block in enumerate(self.enc):
            if i > 0:
                x = F.max_pool2d(x, 2)
            x = block(x)
            skips.append(x)
        x = F.max_pool2d(x, 2)
        alphas: List[torch.Tensor] = []
        for k, (up, gate, dec) in enumerate(zip(self.ups, self.gates, self.decs)):
            u = up(x)
            skip = skips[3 - k]
            alpha = gate(skip, u)
            alphas.append(alpha)
            if self.gate_on_decoder:
                x = dec(torch.cat([u, alpha * u], dim=1))
            else:
                x = dec(torch.cat([u, alpha * skip], dim=1))
        out = self.head(x)
        return (inp + out if self.residual else out), alphas

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_attention(x)[0]
