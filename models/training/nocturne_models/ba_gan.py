"""Brightness-attention GAN, networks.md section 3.

Generator (paper Table 1): input sRGB (B,3,H,W) in [0,1], ANY H, W (stride-2 convs give
ceil(n/2); each transposed conv hits its skip's size exactly via `output_size`, or is cropped
when a 2x2/2 deconv overshoots by one). Returns (image, attention):
  T = decoder output (3ch, linear), A = tanh(conv3x3(T)) (1ch), A_hat = clamp(A, 0, 1),
  image = clamp(x + A_hat * T, 0, 1)                      (composition="additive", spec)
  image = clamp(A_hat * T + (1 - A_hat) * x, 0, 1)        (composition="blend", attention-GAN)
LeakyReLU slope 0.2 everywhere except the tanh. Params 1,578,095.

attention_head="spec" (default) is networks.md's Conv6: A = tanh(conv3x3(T)), 3 -> 1.
attention_head="input" (DEVIATION, used for the shipped weights) lets the head see the input:
A = tanh(conv3x3_16->1(LReLU(conv3x3_6->16(cat[T, x])))), +997 params. The Eq. 4 target,
1 - max_c x / max_c y, depends on the input's brightness as well as the output's; a head that
sees only T must infer x from the 3 channels that also carry the image, and in training it
learnt each image's mean level but not the map's layout (models/README.md, ba-gan card).
`input_head_from_spec` turns a trained spec-head generator into an input-aware one that computes
exactly the same function, so the head can be fine-tuned from there (configs/ba-gan-dark-input.json,
the previous release).

Discriminator (DPED, Table 2): 100x100 input, returns 2 logits (index 1 = "real"); softmax is
left to the loss for numerical stability (`probabilities()` gives it). Optional spectral norm.
"""
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import resize_to


def _conv(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1)


def _lrelu(x: torch.Tensor) -> torch.Tensor:
    return F.leaky_relu(x, 0.2)


class DecoderBlock(nn.Module):
    """cat[x, skip] -> 2 x (conv3x3 + LReLU) -> deconv to the next skip's size (+ LReLU unless
    it is the last, linear one)."""

    __constants__ = ["final", "k", "p"]

    def __init__(self, cin: int, mid: int, cout: int, final: bool = False):
        super().__init__()
        self.conv1 = _conv(cin, mid)
        self.conv2 = _conv(mid, mid)
        if final:
            self.deconv = nn.ConvTranspose2d(mid, cout, 2, stride=2)
        else:
            self.deconv = nn.ConvTranspose2d(mid, cout, 3, stride=2, padding=1)
        self.final = final
        self.k = 2 if final else 3
        self.p = 0 if final else 1

    def deconv_to(self, x: torch.Tensor, h: int, w: int) -> torch.Tensor:
        """Transposed conv whose output is exactly h x w: output_padding when that reaches the
        size, otherwise the default size cropped/padded bottom-right (only the final 2x2/2
        deconv on an odd size needs that)."""
        base_h = (x.shape[2] - 1) * 2 - 2 * self.p + self.k
        base_w = (x.shape[3] - 1) * 2 - 2 * self.p + self.k
        if 0 <= h - base_h < 2 and 0 <= w - base_w < 2:
            return self.deconv(x, output_size=[h, w])
        return resize_to(self.deconv(x), h, w)

    def forward(self, x: torch.Tensor, skip: torch.Tensor, h: int, w: int) -> torch.Tensor:
        x = _lrelu(self.conv2(_lrelu(self.conv1(torch.cat([x, skip], dim=1)))))
        x = self.deconv_to(x, h, w)
        return x if self.final else _lrelu(x)


class SpecAttentionFeatures(nn.Module):
    """networks.md Conv6 input: T itself (no parameters, so the spec head keeps its names)."""

    def forward(self, t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return t


class InputAwareAttentionFeatures(nn.Module):
    """16 features from cat[T, x] for the deviating, input-aware attention head."""

    def __init__(self):
        super().__init__()
        self.conv = _conv(6, 16)

    def forward(self, t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return _lrelu(self.conv(torch.cat([t, x], dim=1)))


class BAGenerator(nn.Module):
    __constants__ = ["additive"]

    def __init__(self, composition: str = "additive", attention_head: str = "spec"):
        super().__init__()
        if composition not in ("additive", "blend"):
            raise ValueError(f"composition must be 'additive' or 'blend', got {composition!r}")
        if attention_head not in ("spec", "input"):
            raise ValueError(f"attention_head must be 'spec' or 'input', got {attention_head!r}")
        self.additive = composition == "additive"
        self.conv0 = _conv(3, 16, 2)
        enc = [(16, 16), (16, 32), (32, 64), (64, 128)]
        self.enc_a = nn.ModuleList([_conv(a, b) for a, b in enc])
        self.enc_b = nn.ModuleList([_conv(b, b, 2) for _, b in enc])
        self.conv5 = _conv(128, 256)
        self.dec = nn.ModuleList([DecoderBlock(384, 128, 128), DecoderBlock(192, 64, 64),
                                  DecoderBlock(96, 32, 32), DecoderBlock(48, 16, 16),
                                  DecoderBlock(32, 16, 3, final=True)])
        if attention_head == "spec":
            self.att_features: nn.Module = SpecAttentionFeatures()
            self.conv6 = _conv(3, 1)
        else:
            self.att_features = InputAwareAttentionFeatures()
            self.conv6 = _conv(16, 1)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        feats: List[torch.Tensor] = [_lrelu(self.conv0(x))]  # Conv0 .. Conv4
        y = feats[0]
        for conv_a, conv_b in zip(self.enc_a, self.enc_b):
            y = _lrelu(conv_b(_lrelu(conv_a(y))))
            feats.append(y)
        y = _lrelu(self.conv5(y))
        for i, block in enumerate(self.dec):
            skip = feats[4 - i]
            if i < 4:
                target = feats[3 - i]
                y = block(y, skip, target.shape[2], target.shape[3])
            else:
                y = block(y, skip, x.shape[2], x.shape[3])
        t = y
        a = torch.tanh(self.conv6(self.att_features(t, x)))
        a_hat = a.clamp(0.0, 1.0)
        if self.additive:
            out = x + a_hat * t
        else:
            out = a_hat * t + (1.0 - a_hat) * x
        return out.clamp(0.0, 1.0), a


# LReLU(t) - LReLU(-t) = (1 + slope) t for either sign of t, so a pair of features carrying +T and
# -T lets the wider head reproduce a linear function of T exactly (slope 0.2 as in _lrelu, which
# TorchScript needs as a literal).
_PAIR_GAIN = 1.2


@torch.no_grad()
def input_head_from_spec(spec: "BAGenerator") -> "BAGenerator":
    """An input-aware generator with the spec generator's weights whose output (image and
    attention) equals the spec generator's, to float rounding. Features 0-2 carry +T, 3-5 carry
    -T; Conv6 reads them with the spec weights /1.2 and -/1.2 and gives features 6-15 (the ones
    that can see the input, freshly initialised) zero weight, so training starts from the spec
    network's output and only learns to use x where the attention loss asks for it."""
    if not isinstance(spec.att_features, SpecAttentionFeatures):
        raise ValueError("input_head_from_spec needs a generator with the spec attention head")
    out = BAGenerator(composition="additive" if spec.additive else "blend", attention_head="input")
    own = {k: v for k, v in spec.state_dict().items() if not k.startswith("conv6.")}
    missing, unexpected = out.load_state_dict(own, strict=False)
    assert not unexpected and sorted(missing) == sorted(
        ["att_features.conv.weight", "att_features.conv.bias", "conv6.weight", "conv6.bias"])
    feat = out.att_features.conv
    feat.weight[:6].zero_()
    feat.bias[:6].zero_()
    for c in range(3):
        feat.weight[c, c, 1, 1] = 1.0
        feat.weight[3 + c, c, 1, 1] = -1.0
    w = spec.conv6.weight / _PAIR_GAIN  # (1, 3, 3, 3)
    out.conv6.weight.zero_()
    out.conv6.weight[:, 0:3] = w
    out.conv6.weight[:, 3:6] = -w
    out.conv6.bias.copy_(spec.conv6.bias)
    return out


class BADiscriminator(nn.Module):
    """DPED discriminator for 100x100 patches (100 -> 25 -> 13 -> 13 -> 13 -> 7)."""

    def __init__(self, in_channels: int = 3, spectral_norm: bool = False):
        super().__init__()
        sn = nn.utils.spectral_norm if spectral_norm else (lambda m: m)
        self.convs = nn.ModuleList([
            sn(nn.Conv2d(in_channels, 48, 11, stride=4, padding=4)),
            sn(nn.Conv2d(48, 128, 5, stride=2, padding=2)),
            sn(nn.Conv2d(128, 192, 3, padding=1)),
            sn(nn.Conv2d(192, 192, 3, padding=1)),
            sn(nn.Conv2d(192, 128, 3, stride=2, padding=1)),
        ])
        self.norms = nn.ModuleList([nn.InstanceNorm2d(c, affine=True) for c in (128, 192, 192, 128)])
        self.fc1 = sn(nn.Linear(128 * 7 * 7, 1024))
        self.fc2 = sn(nn.Linear(1024, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-2] != 100 or x.shape[-1] != 100:
            raise ValueError("BADiscriminator needs 100x100 patches (its FC layer fixes the size)")
        x = _lrelu(self.convs[0](x))
        for conv, norm in zip(self.convs[1:], self.norms):
            x = _lrelu(norm(conv(x)))
        x = _lrelu(self.fc1(x.flatten(1)))
        return self.fc2(x)

    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        return F.softmax(self.forward(x), dim=1)
