"""Network registry: build each seed network by id, with its input contract.

input_kind: "bayer_mosaic" (1ch RGGB mosaic, full resolution), "packed_4ch" (SID-packed
R,G,B,G at half resolution), "srgb" (3ch). size_multiple is in input pixels; scale_factor is
output size / input size. input_divisor maps a full-resolution frame H x W to the net's input
(packed RAW and NEID take H/2 x W/2).
"""
import copy
from dataclasses import dataclass, field
from typing import Callable, Dict, Tuple

import torch
import torch.nn as nn

from .attention_unet import AttentionUNet
from .ba_gan import BAGenerator
from .common import FirstOutput, InferenceWrapper
from .gia_net import GIANet
from .lamba import LambaMitraNet
from .neid import NEID
from .sid_unet import SIDUNet
from .weightnorm import fold_weight_norm


@dataclass(frozen=True)
class NetSpec:
    net_id: str
    input_kind: str
    in_channels: int
    out_channels: int
    size_multiple: int
    scale_factor: int
    input_divisor: int
    builder: Callable[..., nn.Module] = field(repr=False)
    description: str = ""

    def input_shape(self, full_h: int, full_w: int, batch: int = 1) -> Tuple[int, int, int, int]:
        return (batch, self.in_channels, full_h // self.input_divisor, full_w // self.input_divisor)


NETWORKS: Dict[str, NetSpec] = {
    s.net_id: s for s in (
        NetSpec("lamba-mitra", "bayer_mosaic", 1, 3, 32, 1, 1, LambaMitraNet,
                "Lamba & Mitra CVPR 2021 real-time RAW restoration"),
        NetSpec("gia-net", "packed_4ch", 4, 3, 16, 2, 2, GIANet,
                "SID U-Net + global information aggregation"),
        NetSpec("sid-unet", "packed_4ch", 4, 3, 16, 2, 2, SIDUNet, "Learning to See in the Dark"),
        NetSpec("attention-unet", "srgb", 3, 3, 16, 1, 1, AttentionUNet,
                "Ai & Kwon 2020 attention U-Net"),
        NetSpec("ba-gan", "srgb", 3, 3, 1, 1, 1, BAGenerator,
                "Brightness-attention GAN generator (image + attention map)"),
        NetSpec("neid", "srgb", 3, 3, 16, 2, 2, NEID,
                "NEID: half-resolution input, x2 sub-pixel output"),
    )
}


def spec(net_id: str) -> NetSpec:
    try:
        return NETWORKS[net_id]
    except KeyError:
        raise KeyError(f"unknown network id {net_id!r}; known: {sorted(NETWORKS)}") from None


def build(net_id: str, **kwargs) -> nn.Module:
    """Training form of the network (Lamba with weight norm, NEID with its DR head)."""
    return spec(net_id).builder(**kwargs)


def _copy_model(model: nn.Module) -> nn.Module:
    # weight_norm caches the computed weight as a non-leaf tensor, which deepcopy refuses;
    # the pre-forward hook recomputes it anyway, so a detached cache is equivalent.
    for m in model.modules():
        if hasattr(m, "weight_g") and isinstance(getattr(m, "weight", None), torch.Tensor):
            m.weight = m.weight.detach()
    return copy.deepcopy(model)


def inference_module(net_id: str, model: nn.Module, clamp_output: bool = True) -> nn.Module:
    """Tensor -> Tensor inference form, ready for torch.jit.script: a copy of `model` with weight
    norm folded (Lamba), DR head dropped (NEID) or attention map discarded (BA-GAN), wrapped in
    `InferenceWrapper` (reflect-pad to the size multiple, crop, clamp)."""
    s = spec(net_id)
    net = _copy_model(model).eval()
    if net_id == "lamba-mitra":
        fold_weight_norm(net)
    elif net_id == "neid":
        net.drop_dr_head()
    elif net_id == "ba-gan":
        net = FirstOutput(net)
    return InferenceWrapper(net, s.size_multiple, s.scale_factor, clamp_output)


def script(net_id: str, model: nn.Module) -> torch.jit.ScriptModule:
    return torch.jit.script(inference_module(net_id, model))
