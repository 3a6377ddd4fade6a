"""Export of the seed networks to Nocturne's model package format (models/README.md)."""
from .cards import CARDS, DEFAULT_ATTENTION_UNET_BASE, ModelCard, all_ids, card
from .exporter import (INITS, ExportError, ExportResult, build_inference_model, build_training_form,
                       export_network, fp16_rounded, inference_form, kaiming_reinit,
                       script_module, sha256_of)

__all__ = [
    "CARDS", "DEFAULT_ATTENTION_UNET_BASE", "INITS", "ExportError", "ExportResult", "ModelCard",
    "all_ids", "build_inference_model", "build_training_form", "card", "export_network",
    "fp16_rounded", "inference_form", "kaiming_reinit", "script_module", "sha256_of",
]
