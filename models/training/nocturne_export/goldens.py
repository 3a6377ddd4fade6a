"""Golden tensors for the C++ parity test (eager PyTorch vs the engine loading the export).

Each network is random-initialised with GOLDEN_SEED through `export.py --random-init` (never
trained weights: the .pt is regenerated at test time and not committed), fed a small input drawn
from torch.Generator().manual_seed(INPUT_SEED), and the EAGER fp32 model's output is stored.

Files under tests/golden/models/<id>/: input.f32, output.f32 (ba-gan also attention.f32), raw
little-endian float32 in C (NCHW) order, and meta.json with shapes and the export arguments.
"""
import json
import os
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import numpy as np
import torch

GOLDEN_SEED = 7
INPUT_SEED = 2024
# Attention U-Net width for goldens/tests: 2.5 M params, 31 GMAC at 512^2 (base 24: 5.6 M / 69;
# the paper's 64: 39.6 M / 490 and a 160 MB .pt). The parity test runs on 2 CPU cores.
GOLDEN_ATTENTION_UNET_BASE = 16
PYTHON_TOLERANCE = 1e-5     # TorchScript reloaded in Python vs eager
ENGINE_TOLERANCE = 1e-4     # the C++ engine vs eager (the bound)


@dataclass(frozen=True)
class GoldenCase:
    net_id: str
    input_shape: Tuple[int, int, int, int]
    input_max: float = 1.0            # inputs are uniform in [0, input_max)
    extra_args: Tuple[str, ...] = field(default_factory=tuple)

    def export_args(self) -> List[str]:
        return ["--id", self.net_id, "--random-init", "--seed", str(GOLDEN_SEED)] + \
            list(self.extra_args)

    def init(self) -> str:
        a = list(self.extra_args)
        return a[a.index("--init") + 1] if "--init" in a else "default"

    def base(self):
        a = list(self.extra_args)
        return int(a[a.index("--base") + 1]) if "--base" in a else None

    def make_input(self) -> torch.Tensor:
        g = torch.Generator().manual_seed(INPUT_SEED)
        return torch.rand(self.input_shape, generator=g) * self.input_max


# The packed nets and NEID use --init kaiming: their own inits give outputs of ~0.04 and ~1e-4,
# which a 1e-4 parity tolerance barely (NEID: not at all) constrains.
CASES: Dict[str, GoldenCase] = {c.net_id: c for c in (
    GoldenCase("lamba-mitra", (1, 1, 64, 64), input_max=1.5),   # Lamba's input is not clipped
    GoldenCase("gia-net", (1, 4, 32, 32), extra_args=("--init", "kaiming")),
    GoldenCase("sid-unet", (1, 4, 32, 32), extra_args=("--init", "kaiming")),
    GoldenCase("attention-unet", (1, 3, 32, 32),
               extra_args=("--base", str(GOLDEN_ATTENTION_UNET_BASE))),
    GoldenCase("ba-gan", (1, 3, 40, 40)),
    GoldenCase("neid", (1, 3, 32, 32), extra_args=("--init", "kaiming")),
)}


def default_root() -> str:
    """<repo>/tests/golden/models (this file is <repo>/models/training/nocturne_export/...)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "tests", "golden", "models"))


def write_f32(path: str, t: torch.Tensor) -> None:
    t.detach().cpu().contiguous().numpy().astype("<f4").tofile(path)


def read_f32(path: str, shape) -> torch.Tensor:
    return torch.from_numpy(np.fromfile(path, dtype="<f4").reshape(tuple(shape)).copy())


def outputs_of(result) -> Dict[str, torch.Tensor]:
    if isinstance(result, (tuple, list)):
        return {"image": result[0], "attention": result[1]}
    return {"image": result}


OUTPUT_FILES = {"image": "output.f32", "attention": "attention.f32"}


def write_golden(case: GoldenCase, folder: str, x: torch.Tensor, outputs: Dict[str, torch.Tensor],
                 export_manifest: dict) -> Dict[str, int]:
    os.makedirs(folder, exist_ok=True)
    write_f32(os.path.join(folder, "input.f32"), x)
    sizes = {"input.f32": x.numel() * 4}
    out_meta = {}
    for name, t in outputs.items():
        write_f32(os.path.join(folder, OUTPUT_FILES[name]), t)
        sizes[OUTPUT_FILES[name]] = t.numel() * 4
        out_meta[name] = {"file": OUTPUT_FILES[name], "shape": list(t.shape)}
    meta = {
        "id": case.net_id,
        "dtype": "float32",
        "byte_order": "little",
        "layout": "NCHW, C order, no header",
        "input": {"file": "input.f32", "shape": list(x.shape),
                  "distribution": f"uniform [0, {case.input_max}) from "
                                  f"torch.Generator().manual_seed({INPUT_SEED})"},
        "outputs": out_meta,
        "seed": GOLDEN_SEED,
        "init": case.init(),
        "export_args": case.export_args(),
        "export_command": "/usr/bin/python3 models/training/export.py "
                          + " ".join(case.export_args()) + " --out <dir>",
        "fp16_storage": False,
        "reference": "eager PyTorch model (fp32), not the TorchScript module",
        "tolerance": ENGINE_TOLERANCE,
        "python_tolerance": PYTHON_TOLERANCE,
        "parameters": export_manifest.get("parameters"),
        "input_kind": export_manifest.get("input_kind"),
        "torch_version": torch.__version__,
        "regenerate": "/usr/bin/python3 models/training/make_goldens.py",
    }
    if case.base() is not None:
        meta["base"] = case.base()   # attention-unet width; export_args carry it too
    with open(os.path.join(folder, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    return sizes


def read_golden(folder: str):
    """(meta, input tensor, {output name: tensor})."""
    with open(os.path.join(folder, "meta.json"), "r", encoding="utf-8") as f:
        meta = json.load(f)
    x = read_f32(os.path.join(folder, meta["input"]["file"]), meta["input"]["shape"])
    outs = {name: read_f32(os.path.join(folder, o["file"]), o["shape"])
            for name, o in meta["outputs"].items()}
    return meta, x, outs
