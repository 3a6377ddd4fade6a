"""PyTorch definitions of Nocturne's five seed low-light networks (design:
shared/design/networks.md). Works on PyTorch 1.13 and 2.x."""
from .attention_unet import AttentionUNet
from .ba_gan import BADiscriminator, BAGenerator
from .checkpoint import load_npz, save_npz
from .common import InferenceWrapper, pack_bayer, pad_to_multiple, unpack_bayer
from .gia_net import GIANet
from .lamba import LambaMitraNet
from .neid import NEID
from .registry import NETWORKS, build, inference_module, script, spec
from .sid_unet import SIDUNet
from .weightnorm import fold_weight_norm

__all__ = [
    "AttentionUNet", "BADiscriminator", "BAGenerator", "GIANet", "InferenceWrapper",
    "LambaMitraNet", "NEID", "NETWORKS", "SIDUNet", "build", "fold_weight_norm",
    "inference_module", "load_npz", "pack_bayer", "pad_to_multiple", "save_npz", "script",
    "spec", "unpack_bayer",
]
