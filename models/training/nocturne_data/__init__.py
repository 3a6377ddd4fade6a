"""Synthetic low-light training pairs for Nocturne (design: shared/design/networks.md §1, §3,
§8): photographs from Debian packages (photos.json), Brooks unprocessing + simple ISP, Brooks
and ELD sensor noise, and pair samplers for RAW and sRGB networks. PyTorch 1.13 and 2.x."""
from .dataset import SyntheticPairs, fixed_validation
from .noise import brooks_noise, eld_noise, normalise_dn, sample_brooks_params, sample_eld_params
from .pairs import amplified_input, attention_target, ba_gan_pair, camera_srgb_pair, raw_pair
# The function unprocess.unprocess is not re-exported: it would shadow the module name.
from .unprocess import (demosaic_bilinear, mosaic, pack_sid, process, process_mosaic,
                        random_metadata)

__all__ = [
    "SyntheticPairs", "amplified_input", "attention_target", "ba_gan_pair", "brooks_noise",
    "camera_srgb_pair", "demosaic_bilinear", "eld_noise", "fixed_validation", "mosaic",
    "normalise_dn", "pack_sid", "process", "process_mosaic", "random_metadata", "raw_pair",
    "sample_brooks_params", "sample_eld_params",
]
