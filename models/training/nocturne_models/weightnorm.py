"""Weight-normalised conv construction and folding (torch.nn.utils.weight_norm, the API that
exists in both PyTorch 1.13 and 2.x; the parametrizations variant is missing in 1.13)."""

import torch.nn as nn
from torch.nn.utils import remove_weight_norm, weight_norm


def wn_conv(cin: int, cout: int, k: int, groups: int = 1, bias: bool = True,
            slope: float = 1.0, use_wn: bool = True) -> nn.Conv2d:
    """Conv k x k, stride 1, padding (k-1)/2, Kaiming-normal fan_in with LeakyReLU slope
    `slope` (0.2 where a LeakyReLU follows, 1 = linear), zero bias, then weight norm
    (per output channel gain g, initialised to the norm of v)."""
    conv = nn.Conv2d(cin, cout, k, padding=(k - 1) // 2, groups=groups, bias=bias)
    nn.init.kaiming_normal_(conv.weight, a=slope, mode="fan_in", nonlinearity="leaky_relu")
    if conv.bias is not None:
        nn.init.zeros_(conv.bias)
    return weight_norm(conv) if use_wn else conv


def has_weight_norm(module: nn.Module) -> bool:
    return any(hasattr(m, "weight_g") for m in module.modules())


def fold_weight_norm(model: nn.Module) -> nn.Module:
    """Remove weight norm in place (W = g * v / ||v||) so the model has plain convs and can be
    scripted. Returns the model for chaining."""
    for m in model.modules():
        if hasattr(m, "weight_g") and hasattr(m, "weight_v"):
            remove_weight_norm(m)
    return model


