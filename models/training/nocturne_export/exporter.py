"""Build a network's inference form, script it, save `<id>.pt` and write `<id>.json`.

The exported module follows models/README.md (package format 1): the engine does all input
normalisation, the module pads to its size multiple, runs, crops and clamps. Weight norm is
folded, NEID's training-only DR head dropped, BA-GAN returns (image, attention).
"""
import copy
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn

from nocturne_models import complexity, registry
from nocturne_models.checkpoint import load_npz, read_metadata
from nocturne_models.common import kaiming_reinit
from nocturne_models.common import InferenceWrapper
from nocturne_models.tone_anchor import anchorable
from nocturne_models.weightnorm import fold_weight_norm

from .cards import DEFAULT_ATTENTION_UNET_BASE, FORMAT_VERSION, card
from .wrappers import AnchoredImage, AnchoredRaw, ImageAndAttention

TRAINING_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TRAINING_KEYS = ("command", "hardware", "steps", "wall_time_s", "data", "torch_version")


class ExportError(RuntimeError):
    """A user-facing export failure (bad checkpoint, conflicting options)."""


@dataclass
class ExportResult:
    net_id: str
    pt_path: str
    json_path: str
    manifest: Dict[str, Any]
    seconds: float
    eager: nn.Module = field(repr=False)        # fp32 eager inference form (the reference)


def _checkpoint_keys(path: str) -> Dict[str, tuple]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k].shape for k in data.files if k != "__meta__"}


def _trained_kwargs(checkpoint: str) -> Dict[str, Any]:
    """The model_kwargs the checkpoint was trained with: its metadata's, or (checkpoints written
    before the metadata held them) those of the config it names, relative to models/training."""
    meta = read_metadata(checkpoint)
    if "model_kwargs" in meta:
        return dict(meta["model_kwargs"])
    config = meta.get("config", "")
    path = config if os.path.isabs(config) else os.path.join(TRAINING_DIR, config)
    if config and os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            return dict(json.load(f).get("model_kwargs", {}))
    return {}


def _attention_unet_base(checkpoint: Optional[str], base: Optional[int]) -> int:
    """Width from the checkpoint (enc.0.entry.weight is base x 3 x 1 x 1) unless given."""
    if checkpoint is None:
        return int(base) if base else DEFAULT_ATTENTION_UNET_BASE
    shape = _checkpoint_keys(checkpoint).get("enc.0.entry.weight")
    if shape is None:
        raise ExportError(f"{checkpoint}: no enc.0.entry.weight; is this an attention-unet "
                          f"checkpoint?")
    found = int(shape[0])
    if base and int(base) != found:
        raise ExportError(f"{checkpoint}: trained at base {found}, but --base {base} was given; "
                          f"drop --base or pass --base {found}")
    return found


INITS = ("default", "kaiming")


def build_training_form(net_id: str, checkpoint: Optional[str] = None, seed: Optional[int] = None,
                        base: Optional[int] = None, init: str = "default",
                        forked_branches: bool = False) -> nn.Module:
    """The training form (Lamba with weight norm, NEID with its DR head when the checkpoint has
    one), random-initialised from `seed` (the network's own init, or `kaiming_reinit` after it)
    or loaded from a version-neutral .npz."""
    if (checkpoint is None) == (seed is None):
        raise ExportError("give exactly one of a checkpoint or a random-init seed")
    if init not in INITS:
        raise ExportError(f"unknown init {init!r}; use one of {INITS}")
    if checkpoint is not None and not os.path.isfile(checkpoint):
        raise ExportError(f"{checkpoint}: checkpoint not found; pass an .npz written by save_npz")
    kwargs: Dict[str, Any] = {}
    if net_id == "lamba-mitra":
        # The encoders run one after another: torch.jit.fork (the paper's proposal) took 1.3-2.6x
        # the time at the editor's proxy size on 2 cores (models/README.md); forked only to
        # measure it.
        kwargs["parallel_branches"] = forked_branches
    elif net_id == "attention-unet":
        kwargs["base"] = _attention_unet_base(checkpoint, base)
        if checkpoint is not None and _trained_kwargs(checkpoint).get("residual"):
            kwargs["residual"] = True
    elif net_id == "ba-gan" and checkpoint is not None:
        keys = _checkpoint_keys(checkpoint)
        kwargs["attention_head"] = "input" if any(k.startswith("att_features.") for k in keys) else "spec"
    elif net_id == "neid" and checkpoint is not None:
        kwargs["with_dr_head"] = any(k.startswith("dr_head.") for k in _checkpoint_keys(checkpoint))
    if checkpoint is None:
        torch.manual_seed(int(seed))
        model = registry.build(net_id, **kwargs)
        return kaiming_reinit(model) if init == "kaiming" else model
    model = registry.build(net_id, **kwargs)
    try:
        load_npz(model, checkpoint)
    except (KeyError, ValueError) as e:
        raise ExportError(f"cannot load {checkpoint} into {net_id}: {e}") from e
    return model


def inference_form(net_id: str, model: nn.Module, tone_anchor_sigma: float = 0.0,
                   output: str = "display") -> nn.Module:
    """Eager Tensor -> Tensor (BA-GAN: -> (image, attention)) module in the package format.
    Modifies `model` in place (folds weight norm, drops the DR head). tone_anchor_sigma > 0
    (see anchorable): coarser than that, the picture is the input's (wrappers.ToneAnchor,
    wrappers.AnchoredRaw)."""
    s = registry.spec(net_id)
    if tone_anchor_sigma < 0 or (tone_anchor_sigma > 0 and not anchorable(net_id, output)):
        raise ExportError(f"tone_anchor_sigma {tone_anchor_sigma}: needs an sRGB network whose "
                          f"output has its input's size or a RAW network that outputs linear "
                          f"camera RGB (not {net_id} with output {output!r}), and is >= 0")
    net = model.eval()
    fold_weight_norm(net)
    if net_id == "neid":
        net.drop_dr_head()
    if net_id == "ba-gan":
        wrapped: nn.Module = ImageAndAttention(net, tone_anchor_sigma)
    else:
        wrapped = InferenceWrapper(net, s.size_multiple, s.scale_factor, clamp_output=True)
        if tone_anchor_sigma > 0:
            wrapped = (AnchoredImage(wrapped, tone_anchor_sigma) if s.input_kind == "srgb"
                       else AnchoredRaw(wrapped, tone_anchor_sigma))
    for p in wrapped.parameters():
        p.requires_grad_(False)
    return wrapped.eval()


def build_inference_model(net_id: str, checkpoint: Optional[str] = None, seed: Optional[int] = None,
                          base: Optional[int] = None, init: str = "default",
                          forked_branches: bool = False, tone_anchor_sigma: float = 0.0,
                          output: Optional[str] = None) -> nn.Module:
    """output: the package's output space (default: what the checkpoint records)."""
    if output is None:
        output = output_space(net_id, checkpoint)
    return inference_form(net_id, build_training_form(net_id, checkpoint, seed, base, init,
                                                      forked_branches), tone_anchor_sigma, output)


def script_module(eager: nn.Module, fp16_storage: bool = False) -> torch.jit.ScriptModule:
    """torch.jit.script a copy of `eager` (so casting to fp16 never touches the reference)."""
    scripted = torch.jit.script(copy.deepcopy(eager))
    if fp16_storage:
        scripted = scripted.half()
    return scripted.eval()


def fp16_rounded(eager: nn.Module) -> nn.Module:
    """Copy of `eager` whose parameters went through fp16 and back: what the engine runs on the
    CPU from an fp16-stored package."""
    return copy.deepcopy(eager).half().float()


def sha256_of(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _load_json(path: Optional[str], what: str) -> Dict[str, Any]:
    if not path:
        return {}
    try:
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise ExportError(f"{path}: cannot read the {what} JSON: {e}") from e
    if not isinstance(data, dict):
        raise ExportError(f"{path}: the {what} JSON must be an object")
    return data


def training_section(checkpoint: Optional[str], seed: Optional[int], init: str,
                     override: Dict[str, Any]) -> Dict[str, Any]:
    """Defaults, then whatever the checkpoint's metadata records, then --training-json."""
    if checkpoint is None:
        section: Dict[str, Any] = {
            "command": f"none: random initialisation ({init}, torch.manual_seed({seed}))",
            "hardware": "", "steps": 0, "wall_time_s": 0, "data": "none",
            "torch_version": torch.__version__}
    else:
        meta = read_metadata(checkpoint)
        section = {"command": "", "hardware": "", "steps": 0, "wall_time_s": 0, "data": "",
                   "torch_version": meta.get("torch", "")}
        nested = meta.get("training") if isinstance(meta.get("training"), dict) else {}
        for key in TRAINING_KEYS:
            if key in nested:
                section[key] = nested[key]
            elif key in meta:
                section[key] = meta[key]
    section.update(override)
    return section


def engine_amplifier(net_id: str, checkpoint: Optional[str]) -> str:
    """The card's amplifier, unless the checkpoint was trained on engine-amplified inputs
    (the 'jpeg' pair mode records engine_amplifier "rgb" in its metadata)."""
    c = card(net_id)
    if checkpoint is None:
        return c.amplifier
    amp = read_metadata(checkpoint).get("engine_amplifier", c.amplifier)
    if amp != c.amplifier and (c.input_kind != "srgb" or amp not in ("none", "rgb", "engine")):
        raise ExportError(f"{checkpoint}: engine_amplifier {amp!r} does not fit {net_id}")
    return amp


def output_space(net_id: str, checkpoint: Optional[str]) -> str:
    """"display" (the network renders colour itself) unless the checkpoint was trained on
    linear camera-RGB targets (raw pair target "camera" records output "camera_linear")."""
    out = read_metadata(checkpoint).get("output", "display") if checkpoint else "display"
    if out not in ("display", "camera_linear"):
        raise ExportError(f"{checkpoint}: unknown output {out!r}")
    if out == "camera_linear" and card(net_id).input_kind == "srgb":
        raise ExportError(f"{checkpoint}: output 'camera_linear' needs a RAW network, not {net_id}")
    return out


def output_encoding(checkpoint: Optional[str]) -> str:
    """"srgb" for networks trained on 'jpeg' pairs, whose inputs and targets are both encoded
    with the exact sRGB curve (the engine must decode the output with it); "gamma" (the
    engine's reference power curve) otherwise. Checkpoints from before the field was recorded
    are recognised by their engine_amplifier, which only the 'jpeg' mode writes."""
    if checkpoint is None:
        return "gamma"
    meta = read_metadata(checkpoint)
    enc = meta.get("output_encoding", "srgb" if "engine_amplifier" in meta else "gamma")
    if enc not in ("gamma", "srgb"):
        raise ExportError(f"{checkpoint}: unknown output_encoding {enc!r}")
    return enc


def make_manifest(net_id: str, eager: nn.Module, sha256: str, *, trained: bool,
                  training: Dict[str, Any], evaluation: Dict[str, Any],
                  export_info: Dict[str, Any], architecture: Dict[str, Any],
                  amplifier: Optional[str] = None, output: str = "display",
                  encoding: str = "gamma") -> Dict[str, Any]:
    c = card(net_id)
    gmac = complexity.measure(net_id, eager)["gmac_512"]
    licence = ("MIT (Nocturne); weights trained by Nocturne" if trained
               else "MIT (Nocturne); random weights for tests and development only")
    manifest = {
        "format_version": FORMAT_VERSION,
        "id": net_id,
        "display_name": c.display_name,
        "paper": c.paper,
        "file": f"{net_id}.pt",
        "sha256": sha256,
        "input_kind": c.input_kind,
        "size_multiple": c.size_multiple,
        "input_scale": float(c.input_scale),
        "scale_factor": c.scale_factor,
        "outputs": list(c.outputs),
        "input_range": [float(v) for v in c.input_range],
        "output_range": [0.0, 1.0],
        "amplifier": amplifier or c.amplifier,
        "clip_input": c.clip_input,
        "parameters": int(sum(p.numel() for p in eager.parameters())),
        "gmac_512": round(float(gmac), 4),
        "licence": licence,
        "trained": bool(trained),
        "architecture": architecture,
        "training": training,
        "evaluation": evaluation,
        "export": export_info,
    }
    if c.cpu_tile is not None:
        manifest["cpu_tile"] = int(c.cpu_tile)
    if output != "display":
        manifest["output"] = output
    if encoding != "gamma":
        manifest["output_encoding"] = encoding
    return manifest


def trained_tone_anchor(checkpoint: Optional[str], requested: float) -> float:
    """The tone anchor to export with: the one the checkpoint was trained through
    (TrainConfig.tone_anchor_sigma), which `requested` may repeat but not change; else
    `requested` (an anchor added to a network trained without one)."""
    trained = float(read_metadata(checkpoint).get("tone_anchor_sigma", 0.0)) if checkpoint else 0.0
    if trained > 0 and requested > 0 and requested != trained:
        raise ExportError(f"{checkpoint} was trained through a tone anchor of sigma {trained}; "
                          f"exporting it with {requested} would change what it learnt")
    return trained if trained > 0 else requested


def export_network(net_id: str, out_dir: str, *, checkpoint: Optional[str] = None,
                   seed: Optional[int] = None, base: Optional[int] = None,
                   init: str = "default", fp16_storage: bool = False, trained: bool = False,
                   training_json: Optional[str] = None, evaluation_json: Optional[str] = None,
                   command: Optional[List[str]] = None,
                   forked_branches: bool = False, tone_anchor_sigma: float = 0.0) -> ExportResult:
    """Export one network to `out_dir`/<id>.pt + <id>.json and return what was written."""
    start = time.perf_counter()
    registry.spec(net_id)
    if trained and checkpoint is None:
        raise ExportError("--trained needs a --checkpoint: random weights are never 'trained'")
    if base is not None and net_id != "attention-unet":
        base = None  # --base only concerns the attention U-Net (harmless with --all)
    training_override = _load_json(training_json, "training")
    evaluation = _load_json(evaluation_json, "evaluation")

    if init != "default" and checkpoint is not None:
        raise ExportError("--init only applies to --random-init")
    tone_anchor_sigma = trained_tone_anchor(checkpoint, tone_anchor_sigma)
    eager = build_inference_model(net_id, checkpoint, seed, base, init, forked_branches,
                                  tone_anchor_sigma)
    scripted = script_module(eager, fp16_storage)

    os.makedirs(out_dir, exist_ok=True)
    pt_path = os.path.join(out_dir, f"{net_id}.pt")
    json_path = os.path.join(out_dir, f"{net_id}.json")
    torch.jit.save(scripted, pt_path)
    digest = sha256_of(pt_path)

    architecture: Dict[str, Any] = {}
    net = eager.net.net if isinstance(eager, (AnchoredImage, AnchoredRaw)) else eager.net
    if net_id == "attention-unet":
        architecture["base"] = int(net.enc[0].entry.out_channels)
        if net.residual:
            architecture["residual"] = True
    elif net_id == "ba-gan":
        architecture["attention_head"] = ("input" if net.conv6.in_channels == 16 else "spec")
    if tone_anchor_sigma > 0:
        architecture["tone_anchor_sigma"] = float(tone_anchor_sigma)
    export_info = {
        "torch_version": torch.__version__,
        "method": "torch.jit.script",
        "fp16_storage": bool(fp16_storage),
        "source": (os.path.basename(checkpoint) if checkpoint
                   else f"random-init seed {seed}, init {init}"),
        "command": " ".join(command) if command else "",
    }
    manifest = make_manifest(
        net_id, eager, digest, trained=trained,
        training=training_section(checkpoint, seed, init, training_override),
        evaluation=evaluation, export_info=export_info, architecture=architecture,
        amplifier=engine_amplifier(net_id, checkpoint), output=output_space(net_id, checkpoint),
        encoding=output_encoding(checkpoint))
    tmp = json_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.replace(tmp, json_path)
    return ExportResult(net_id, pt_path, json_path, manifest, time.perf_counter() - start, eager)
