"""Parameter and MAC counting with forward hooks.

MAC conventions (conv/linear multiply-accumulates only; pooling, activations, norms and
additions are ignored):
  Conv2d:          Cout * H_out * W_out * Cin/groups * kh * kw
  ConvTranspose2d: Cin * H_in * W_in * Cout/groups * kh * kw
  Linear:          in * out (per row of the batch-flattened input)
Every network here is a sum of terms proportional to the pixel count plus constants (GIA's and
NEID's pooled vectors), so `fit_macs` measures two small sizes and extrapolates exactly.
"""
from typing import Callable, Dict, List, Tuple

import torch
import torch.nn as nn


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def count_macs(model: nn.Module, *inputs: torch.Tensor) -> int:
    total = [0]

    def conv_hook(m: nn.Conv2d, inp, out):
        cin = m.in_channels // m.groups
        total[0] += out.numel() * cin * m.kernel_size[0] * m.kernel_size[1]

    def deconv_hook(m: nn.ConvTranspose2d, inp, out):
        x = inp[0]
        cout = m.out_channels // m.groups
        total[0] += x.numel() * cout * m.kernel_size[0] * m.kernel_size[1]

    def linear_hook(m: nn.Linear, inp, out):
        total[0] += inp[0].numel() // m.in_features * m.in_features * m.out_features

    handles = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.ConvTranspose2d):
            handles.append(m.register_forward_hook(deconv_hook))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        for h in handles:
            h.remove()
    return total[0]


def fit_macs(model: nn.Module, make_input: Callable[[int, int], torch.Tensor],
             sizes: Tuple[Tuple[int, int], Tuple[int, int]]) -> Tuple[float, float]:
    """MACs = a * (H*W) + b fitted from two input sizes (H, W) -> returns (a, b)."""
    (h1, w1), (h2, w2) = sizes
    m1 = count_macs(model, make_input(h1, w1))
    m2 = count_macs(model, make_input(h2, w2))
    a = (m2 - m1) / float(h2 * w2 - h1 * w1)
    return a, m1 - a * h1 * w1


# Published / networks.md figures: params, GMAC @512^2, GMAC @4240x2832.
TABLE: Dict[str, Tuple[float, float, float]] = {
    "attention-unet": (39.62e6, 490.3, 22458.0),
    "ba-gan": (1.58e6, 1.86, 85.2),
    "neid": (10.82e6, 20.1, 920.0),  # without the DR head
    "gia-net": (8.285804e6, 12.21, 559.5),
    "sid-unet": (7.76e6, 12.11, float("nan")),
    "lamba-mitra": (784768.0, 1.288, 59.0),
}

# Small fitting sizes in *input* pixels, respecting each net's size multiple.
_FIT_SIZES = {
    "lamba-mitra": ((64, 64), (128, 96)),
    "gia-net": ((32, 32), (64, 48)),
    "sid-unet": ((32, 32), (64, 48)),
    "attention-unet": ((32, 32), (48, 32)),
    "ba-gan": ((32, 32), (64, 32)),
    "neid": ((32, 32), (64, 48)),
}


def measure(net_id: str, model: nn.Module = None) -> Dict[str, float]:
    """Params and GMAC at the table's sizes (full-resolution 512x512 and 4240x2832; RAW nets
    and NEID take H/2 x W/2 inputs, see registry.NetSpec.input_divisor)."""
    from . import registry

    s = registry.spec(net_id)
    if model is None:
        # The table counts inference forms: NEID without its training-only DR head
        # (the head adds 3,468 params, 0.227 GMAC @512^2 and 10.4 GMAC @4240x2832).
        model = registry.build(net_id, with_dr_head=False) if net_id == "neid" \
            else registry.build(net_id)
    model.eval()
    a, b = fit_macs(model, lambda h, w: torch.zeros(1, s.in_channels, h, w), _FIT_SIZES[net_id])
    d = s.input_divisor

    def gmac(h: int, w: int) -> float:
        return (a * (h / d) * (w / d) + b) / 1e9

    return {"params": float(count_params(model)), "gmac_512": gmac(512, 512),
            "gmac_4240x2832": gmac(2832, 4240)}


def complexity_table() -> List[Dict[str, float]]:
    rows = []
    for net_id, (p, g512, gbig) in TABLE.items():
        r = measure(net_id)
        r.update(net=net_id, table_params=p, table_gmac_512=g512, table_gmac_4240x2832=gbig)
        rows.append(r)
    return rows


def attention_unet_table(bases=(16, 24, 32, 48, 64)) -> List[Dict[str, float]]:
    """Params and GMAC @512^2 / 4240x2832 of the attention U-Net for other base widths."""
    from .attention_unet import AttentionUNet

    return [dict(base=b, **measure("attention-unet", AttentionUNet(base=b))) for b in bases]


if __name__ == "__main__":
    torch.set_num_threads(2)
    for r in complexity_table():
        print(f"{r['net']:15s} params {r['params']:>12,.0f} (table {r['table_params']:>12,.0f})"
              f"  GMAC@512 {r['gmac_512']:8.3f} (table {r['table_gmac_512']:8.3f})"
              f"  GMAC@4240x2832 {r['gmac_4240x2832']:10.1f} (table {r['table_gmac_4240x2832']})")
    for r in attention_unet_table():
        print(f"attention-unet base {r['base']:3d}: params {r['params']:>12,.0f}"
              f"  GMAC@512 {r['gmac_512']:8.2f}  GMAC@4240x2832 {r['gmac_4240x2832']:9.1f}")
