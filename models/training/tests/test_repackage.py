"""Deconv2x2 is nn.ConvTranspose2d(2, stride 2) computed another way, and repackage.py
re-scripts a package from its own weights without changing what it computes."""
import hashlib
import json
import os
import subprocess
import sys

import pytest
import torch

from nocturne_export import export_network
from nocturne_models.sid_unet import Deconv2x2

TRAINING_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPACKAGE_PY = os.path.join(TRAINING_DIR, "repackage.py")


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("scripted", [False, True])
def test_deconv2x2_equals_the_transposed_convolution(bias, scripted):
    torch.manual_seed(0)
    ref = torch.nn.ConvTranspose2d(8, 6, 2, stride=2, bias=bias)
    d = Deconv2x2(8, 6)
    if not bias:
        d.bias = None
    d.load_state_dict(ref.state_dict())
    assert set(d.state_dict()) == set(ref.state_dict())   # checkpoints load either way
    m = torch.jit.script(d) if scripted else d
    x = torch.randn(2, 8, 7, 5)
    with torch.no_grad():
        got, want = m(x), ref(x)
    assert got.shape == want.shape == (2, 6, 14, 10)
    assert (got - want).abs().max().item() < 1e-5


def test_deconv2x2_gradients_match():
    torch.manual_seed(1)
    ref = torch.nn.ConvTranspose2d(4, 3, 2, stride=2)
    d = Deconv2x2(4, 3)
    d.load_state_dict(ref.state_dict())
    x = torch.randn(1, 4, 5, 6)
    (ref(x) ** 2).sum().backward()
    (d(x) ** 2).sum().backward()
    assert (d.weight.grad - ref.weight.grad).abs().max().item() < 1e-4
    assert (d.bias.grad - ref.bias.grad).abs().max().item() < 1e-4


def _code_of(module):
    codes = []
    for m in module.modules():
        try:
            codes.append(m.code)
        except (RuntimeError, AttributeError):   # containers (ModuleList) have no forward
            pass
    return codes


def test_repackage_keeps_the_function_and_updates_the_manifest(tmp_path):
    r = export_network("sid-unet", str(tmp_path), seed=5, fp16_storage=True)
    before = torch.jit.load(r.pt_path).float()
    old_sha = r.manifest["sha256"]
    # Make the package's graph differ from the current definition's, as an old export does:
    # script the same weights with a plain transposed convolution.
    eager = r.eager
    for block in eager.net.up:
        plain = torch.nn.ConvTranspose2d(block.up.in_channels, block.up.out_channels, 2, stride=2)
        plain.load_state_dict(block.up.state_dict())
        block.up = plain
    torch.jit.save(torch.jit.script(eager).half(), r.pt_path)
    manifest = dict(r.manifest)
    with open(r.pt_path, "rb") as f:
        manifest["sha256"] = old_sha = hashlib.file_digest(f, "sha256").hexdigest()
    with open(r.json_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    assert any("conv_transpose" in code for code in _code_of(torch.jit.load(r.pt_path)))

    subprocess.run([sys.executable, REPACKAGE_PY, "--id", "sid-unet", "--models", str(tmp_path)],
                   check=True, capture_output=True)
    with open(r.json_path, encoding="utf-8") as f:
        after = json.load(f)
    with open(r.pt_path, "rb") as f:
        assert after["sha256"] == hashlib.file_digest(f, "sha256").hexdigest() != old_sha
    assert after["export"]["repackaged"]["from_sha256"] == old_sha
    assert after["export"]["repackaged"]["fp32_psnr_vs_previous_db"] >= 100
    assert {k: v for k, v in after.items() if k not in ("sha256", "export")} == \
        {k: v for k, v in manifest.items() if k not in ("sha256", "export")}
    new = torch.jit.load(r.pt_path).float()
    assert not any("conv_transpose" in code for code in _code_of(new))
    x = torch.rand(1, 4, 32, 32)
    with torch.no_grad():
        assert (new(x) - before(x)).abs().max().item() < 1e-4


def test_repackage_refuses_a_file_the_manifest_does_not_name(tmp_path):
    r = export_network("sid-unet", str(tmp_path), seed=6)
    with open(r.pt_path, "ab") as f:
        f.write(b"tampered")
    p = subprocess.run([sys.executable, REPACKAGE_PY, "--id", "sid-unet", "--models", str(tmp_path)],
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert "is not the manifest's" in p.stderr
