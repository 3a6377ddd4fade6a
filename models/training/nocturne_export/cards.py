"""Static, per-network facts for the model package manifest (models/README.md, format 1).

Everything here is what the C++ engine needs to feed a network and is independent of the
weights: what the module receives, how the engine amplifies and clips it, and which outputs it
returns. `size_multiple` is in FULL-resolution pixels (the engine pads the full frame), so it is
the registry's multiple (in network-input pixels) times `input_divisor`.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from nocturne_models import registry

FORMAT_VERSION = 1

# Default Attention U-Net width for exports without a checkpoint (tests, goldens, benchmarks):
# base 16 is 2.5 M params / ~31 GMAC at 512^2, cheap enough on a 2-core CPU; base 64 (the
# paper's 39.6 M, 490 GMAC) would take minutes per megapixel there.
DEFAULT_ATTENTION_UNET_BASE = 16


@dataclass(frozen=True)
class ModelCard:
    net_id: str
    display_name: str
    paper: str
    amplifier: str                      # "mosaic", "rgb" or "none"
    clip_input: bool
    input_range: Tuple[float, float]
    outputs: Tuple[str, ...] = ("image",)
    input_scale: float = 1.0
    # Tile core edge (full-resolution px) with the least CPU time per pixel, read off
    # `nocturne-bench-networks --tiles` (models/README.md "Speed"); None: the memory budget decides.
    cpu_tile: Optional[int] = None

    @property
    def input_kind(self) -> str:
        return registry.spec(self.net_id).input_kind

    @property
    def size_multiple(self) -> int:
        s = registry.spec(self.net_id)
        return s.size_multiple * s.input_divisor

    @property
    def scale_factor(self) -> int:
        """Output size / size of the tensor the module receives (packed RAW and NEID: 2)."""
        return registry.spec(self.net_id).scale_factor


CARDS: Dict[str, ModelCard] = {c.net_id: c for c in (
    ModelCard("lamba-mitra", "Lamba & Mitra real-time RAW",
              "Lamba & Mitra, Restoring Extremely Dark Images in Real Time, CVPR 2021",
              amplifier="mosaic", clip_input=True, input_range=(0.0, 1.0), cpu_tile=1024),
    ModelCard("gia-net", "GIA-Net (SID + global context)",
              "Meng, Xu & Ho, GIA-Net: Global Information Aware Network for Low-light Imaging",
              amplifier="mosaic", clip_input=True, input_range=(0.0, 1.0), cpu_tile=512),
    ModelCard("sid-unet", "Learning to See in the Dark (SID U-Net)",
              "Chen, Chen, Xu & Koltun, Learning to See in the Dark, CVPR 2018",
              amplifier="mosaic", clip_input=True, input_range=(0.0, 1.0), cpu_tile=768),
    ModelCard("attention-unet", "Attention U-Net (Ai & Kwon)",
              "Ai & Kwon, Extreme Low-Light Image Enhancement for Surveillance Cameras Using "
              "Attention U-Net, Sensors 2020",
              # Trained to brighten by itself, like the other sRGB nets (the paper multiplies
              # by the exposure ratio first; a dark JPEG carries none): no amplifier.
              amplifier="none", clip_input=True, input_range=(0.0, 1.0), cpu_tile=768),
    ModelCard("ba-gan", "Brightness-attention GAN",
              "Low-light image enhancement with a brightness-attention GAN (generator; attention map output)",
              amplifier="none", clip_input=True, input_range=(0.0, 1.0),
              outputs=("image", "attention"), cpu_tile=768),
    ModelCard("neid", "NEID (half-resolution, x2 output)",
              "Jiang, Liu et al., Bridge the Vision Gap from Field to Command: A Deep Learning Network "
              "Enhancing Illumination and Details",
              amplifier="none", clip_input=True, input_range=(0.0, 1.0), input_scale=0.5, cpu_tile=512),
)}


def card(net_id: str) -> ModelCard:
    registry.spec(net_id)  # raises a helpful KeyError for unknown ids
    return CARDS[net_id]


def all_ids() -> List[str]:
    return list(registry.NETWORKS)
