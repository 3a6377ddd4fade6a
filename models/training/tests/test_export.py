"""Export to the model package format (models/README.md): manifest, TorchScript parity with the
eager model, fp16 storage, checkpoints, NEID/BA-GAN specifics, reproducibility, goldens."""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from nocturne_data.unprocess import pack_sid
from nocturne_export import (ExportError, all_ids, build_inference_model, build_training_form,
                             export_network, fp16_rounded)
from nocturne_export.goldens import CASES, GOLDEN_SEED, default_root, outputs_of, read_golden
from nocturne_models import registry
from nocturne_models.checkpoint import save_npz

TRAINING_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPORT_PY = os.path.join(TRAINING_DIR, "export.py")
SEED = 3

# Small inputs per network (the module receives these tensors, see models/README.md).
INPUTS = {
    "lamba-mitra": (1, 1, 64, 48),       # not a multiple of 32: exercises the module's padding
    "gia-net": (1, 4, 24, 16),
    "sid-unet": (1, 4, 16, 24),
    "attention-unet": (1, 3, 24, 32),
    "ba-gan": (1, 3, 21, 30),
    "neid": (1, 3, 16, 24),
}
SCALE = {"gia-net": 2, "sid-unet": 2, "neid": 2}

FIELD_TYPES = {
    "format_version": int, "id": str, "display_name": str, "paper": str, "file": str,
    "sha256": str, "input_kind": str, "size_multiple": int, "input_scale": float,
    "scale_factor": int, "outputs": list, "input_range": list, "output_range": list,
    "amplifier": str, "clip_input": bool, "parameters": int, "gmac_512": float, "licence": str,
    "trained": bool, "training": dict, "evaluation": dict,
}
EXPECTED = {  # input_kind, size_multiple (full resolution), input_scale, scale, amplifier, clip
    "lamba-mitra": ("bayer_mosaic", 32, 1.0, 1, "mosaic", True),  # highlights > 1 break it
    "gia-net": ("packed_4ch", 32, 1.0, 2, "mosaic", True),
    "sid-unet": ("packed_4ch", 32, 1.0, 2, "mosaic", True),
    "attention-unet": ("srgb", 16, 1.0, 1, "none", True),
    "ba-gan": ("srgb", 1, 1.0, 1, "none", True),   # brightens dark input itself (no gain)
    "neid": ("srgb", 32, 0.5, 2, "none", True),     # networks.md Sec. 4: no amplification
}


def _run(module, x):
    with torch.no_grad():
        return outputs_of(module(x))


def _max_diff(a, b):
    assert a.keys() == b.keys()
    return max((a[k] - b[k]).abs().max().item() for k in a)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("fp32"))
    return {i: export_network(i, out, seed=SEED, base=8 if i == "attention-unet" else None)
            for i in all_ids()}


@pytest.mark.parametrize("net_id", list(EXPECTED))
def test_manifest_has_every_field_with_the_right_type(exported, net_id):
    r = exported[net_id]
    with open(r.json_path, encoding="utf-8") as f:
        m = json.load(f)
    for key, typ in FIELD_TYPES.items():
        assert key in m, key
        assert isinstance(m[key], typ) and not (typ is int and isinstance(m[key], bool)), key
    kind, multiple, in_scale, scale, amp, clip = EXPECTED[net_id]
    assert (m["input_kind"], m["size_multiple"], m["input_scale"], m["scale_factor"],
            m["amplifier"], m["clip_input"]) == (kind, multiple, in_scale, scale, amp, clip)
    assert m["format_version"] == 1 and m["id"] == net_id and m["file"] == f"{net_id}.pt"
    assert m["trained"] is False and m["output_range"] == [0.0, 1.0]
    assert m["outputs"] == (["image", "attention"] if net_id == "ba-gan" else ["image"])
    for key in ("command", "hardware", "steps", "wall_time_s", "data", "torch_version"):
        assert key in m["training"], key
    assert m["parameters"] == sum(p.numel() for p in r.eager.parameters())
    assert m["gmac_512"] > 0


@pytest.mark.parametrize("net_id", list(EXPECTED))
def test_sha256_matches_the_file(exported, net_id):
    r = exported[net_id]
    with open(r.pt_path, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == r.manifest["sha256"]


@pytest.mark.parametrize("net_id", list(EXPECTED))
def test_reloaded_module_matches_eager_and_keeps_the_size_contract(exported, net_id):
    r = exported[net_id]
    x = torch.rand(INPUTS[net_id]) * (1.5 if net_id == "lamba-mitra" else 1.0)
    ref = _run(r.eager, x)
    got = _run(torch.jit.load(r.pt_path), x)
    assert _max_diff(ref, got) < 1e-5
    s = SCALE.get(net_id, 1)
    h, w = x.shape[-2:]
    assert tuple(got["image"].shape) == (1, 3, h * s, w * s)
    assert got["image"].min() >= 0 and got["image"].max() <= 1


def test_neid_export_has_no_dr_head_and_doubles_the_size(exported):
    module = torch.jit.load(exported["neid"].pt_path)
    names = [n for n, _ in module.named_parameters()]
    assert names and not any("dr_head" in n for n in names)
    assert any("le_head" in n for n in names)
    y = _run(module, torch.rand(1, 3, 20, 28))["image"]
    assert tuple(y.shape) == (1, 3, 40, 56)


def test_ba_gan_exports_image_and_attention(exported):
    module = torch.jit.load(exported["ba-gan"].pt_path)
    with torch.no_grad():
        out = module(torch.rand(1, 3, 21, 30))
    assert isinstance(out, tuple) and len(out) == 2
    image, attention = out
    assert tuple(image.shape) == (1, 3, 21, 30) and tuple(attention.shape) == (1, 1, 21, 30)
    assert attention.min() >= 0 and attention.max() <= 1


def test_lamba_export_runs_its_encoders_in_turn_unless_asked_to_fork(exported, tmp_path):
    assert "fork" not in torch.jit.load(exported["lamba-mitra"].pt_path).net.code
    forked = export_network("lamba-mitra", str(tmp_path), seed=SEED, forked_branches=True)
    assert "fork" in torch.jit.load(forked.pt_path).net.code
    x = torch.rand(1, 1, 64, 64) * 1.5
    assert _max_diff(_run(torch.jit.load(forked.pt_path), x),
                     _run(torch.jit.load(exported["lamba-mitra"].pt_path), x)) < 1e-6


def test_fp16_storage_halves_the_file_and_stays_close(exported, tmp_path):
    net_id = "lamba-mitra"
    r16 = export_network(net_id, str(tmp_path), seed=SEED, fp16_storage=True)
    r32 = exported[net_id]
    ratio = os.path.getsize(r16.pt_path) / os.path.getsize(r32.pt_path)
    assert 0.45 < ratio < 0.6
    module = torch.jit.load(r16.pt_path).float()   # what the engine does on the CPU
    x = torch.rand(1, 1, 64, 64) * 1.5
    got = _run(module, x)
    assert _max_diff(_run(fp16_rounded(r32.eager), x), got) < 1e-5
    assert _max_diff(_run(r32.eager, x), got) < 1e-2
    assert r16.manifest["export"]["fp16_storage"] is True


def test_export_from_weight_normed_npz_matches_the_training_model(tmp_path):
    torch.manual_seed(5)
    train = registry.build("lamba-mitra")
    with torch.no_grad():
        for p in train.parameters():
            p.add_(0.01 * torch.randn_like(p))
    ckpt = str(tmp_path / "lamba.npz")
    save_npz(train, ckpt, {"torch": "2.3.0+cu121",
                           "training": {"steps": 1000, "hardware": "1x H100"}})
    assert "fuse.weight_g" in " ".join(np.load(ckpt).files)
    tj = tmp_path / "training.json"
    tj.write_text(json.dumps({"data": "synthetic SID-like pairs", "wall_time_s": 12.5}))
    ej = tmp_path / "evaluation.json"
    ej.write_text(json.dumps({"psnr": 20.1}))
    r = export_network("lamba-mitra", str(tmp_path / "out"), checkpoint=ckpt, trained=True,
                       training_json=str(tj), evaluation_json=str(ej))
    x = torch.rand(1, 1, 64, 64) * 2.0
    with torch.no_grad():
        ref = train.eval()(x)
    got = _run(torch.jit.load(r.pt_path), x)["image"]
    assert (got - ref).abs().max().item() < 1e-5
    m = r.manifest
    assert m["trained"] is True and m["parameters"] == 783432
    assert m["training"]["steps"] == 1000 and m["training"]["hardware"] == "1x H100"
    assert m["training"]["torch_version"] == "2.3.0+cu121"
    assert m["training"]["data"] == "synthetic SID-like pairs" and m["evaluation"] == {"psnr": 20.1}


def test_neid_checkpoint_with_dr_head_exports_without_it(tmp_path):
    torch.manual_seed(6)
    train = registry.build("neid")
    ckpt = str(tmp_path / "neid.npz")
    save_npz(train, ckpt)
    r = export_network("neid", str(tmp_path), checkpoint=ckpt)
    x = torch.rand(1, 3, 16, 16)
    with torch.no_grad():
        le, _ = train.eval()(x)
    got = _run(torch.jit.load(r.pt_path), x)["image"]
    assert (got - le.clamp(0, 1)).abs().max().item() < 1e-5


def test_attention_unet_width_comes_from_the_checkpoint(tmp_path):
    ckpt = str(tmp_path / "au.npz")
    save_npz(registry.build("attention-unet", base=8), ckpt)
    r = export_network("attention-unet", str(tmp_path), checkpoint=ckpt)
    assert r.manifest["architecture"]["base"] == 8
    with pytest.raises(ExportError):
        export_network("attention-unet", str(tmp_path), checkpoint=ckpt, base=16)


def test_residual_attention_unet_exports_as_trained(tmp_path):
    """The residual form has no parameter of its own: the exporter learns it from the
    checkpoint's metadata (or, for older checkpoints, from the config the metadata names)."""
    torch.manual_seed(3)
    net = registry.build("attention-unet", base=8, residual=True).eval()
    x = torch.rand(1, 3, 32, 32)
    for name, meta in (("meta.npz", {"model_kwargs": {"base": 8, "residual": True}}),
                       ("config.npz", {"config": str(tmp_path / "c.json")})):
        (tmp_path / "c.json").write_text(json.dumps({"model_kwargs": {"base": 8, "residual": True}}))
        ckpt = str(tmp_path / name)
        save_npz(net, ckpt, meta)
        out = tmp_path / name.replace(".npz", "")
        r = export_network("attention-unet", str(out), checkpoint=ckpt)
        assert r.manifest["architecture"] == {"base": 8, "residual": True}
        module = torch.jit.load(str(out / "attention-unet.pt"))
        with torch.no_grad():
            assert torch.allclose(module(x), net(x).clamp(0, 1), atol=1e-5)
    plain = str(tmp_path / "plain.npz")
    save_npz(net, plain)
    r = export_network("attention-unet", str(tmp_path / "plain"), checkpoint=plain)
    assert "residual" not in r.manifest["architecture"]


def test_random_weights_cannot_be_marked_trained(tmp_path):
    with pytest.raises(ExportError):
        export_network("ba-gan", str(tmp_path), seed=1, trained=True)


def test_mismatched_checkpoint_is_reported(tmp_path):
    ckpt = str(tmp_path / "sid.npz")
    save_npz(registry.build("sid-unet"), ckpt)
    with pytest.raises(ExportError, match="gia-net"):
        export_network("gia-net", str(tmp_path), checkpoint=ckpt)


def test_cli_reexport_is_byte_identical(tmp_path):
    """TorchScript writes constants in hash-seed order; export.py pins PYTHONHASHSEED, so the
    same command gives the same file (and sha256)."""
    digests = []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    for i in range(2):
        out = tmp_path / f"run{i}"
        subprocess.run([sys.executable, EXPORT_PY, "--id", "ba-gan", "--random-init", "--seed",
                        "4", "--out", str(out), "-q"], check=True, env=env)
        with open(out / "ba-gan.json", encoding="utf-8") as f:
            digests.append(json.load(f)["sha256"])
    assert digests[0] == digests[1]


def test_random_init_is_reproducible_in_process():
    a = build_inference_model("sid-unet", seed=11)
    b = build_inference_model("sid-unet", seed=11)
    c = build_inference_model("sid-unet", seed=12)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)


def test_training_form_keeps_weight_norm_until_folded():
    assert hasattr(build_training_form("lamba-mitra", seed=1).lse, "weight_g")
    assert not hasattr(build_inference_model("lamba-mitra", seed=1).net.lse, "weight_g")


@pytest.mark.parametrize("net_id", list(CASES))
def test_committed_goldens_match_the_eager_model(net_id):
    folder = os.path.join(default_root(), net_id)
    if not os.path.isfile(os.path.join(folder, "meta.json")):
        pytest.skip(f"no goldens at {folder}; run make_goldens.py")
    meta, x, outs = read_golden(folder)
    case = CASES[net_id]
    assert meta["export_args"] == case.export_args() and meta["seed"] == GOLDEN_SEED
    assert torch.equal(x, case.make_input())
    eager = build_inference_model(net_id, seed=GOLDEN_SEED, base=case.base(), init=case.init())
    ref = _run(eager, x)
    assert _max_diff(outs, ref) < 1e-5
    # An output that is mostly clamped would make the 1e-4 engine parity test meaningless.
    image = outs["image"]
    assert ((image > 0) & (image < 1)).float().mean() > 0.3
    assert image.std() > 0.05


def test_ba_gan_input_aware_head_round_trips_through_export(tmp_path):
    """A checkpoint trained with attention_head='input' exports with that head (found from its
    keys), reproduces the eager outputs, and the manifest records the deviation."""
    from nocturne_models import build
    from nocturne_models.checkpoint import save_npz
    torch.manual_seed(3)
    net = build("ba-gan", attention_head="input").eval()
    ckpt = str(tmp_path / "ba.npz")
    save_npz(net, ckpt)
    out = export_network("ba-gan", str(tmp_path / "pkg"), checkpoint=ckpt)
    with open(out.json_path, encoding="utf-8") as f:
        manifest = json.load(f)
    assert manifest["architecture"]["attention_head"] == "input"
    x = torch.rand(1, 3, 21, 30)
    with torch.no_grad():
        image, attention = net(x)
        got_image, got_attention = torch.jit.load(out.pt_path)(x)
    assert torch.allclose(got_image, image, atol=1e-5)
    assert torch.allclose(got_attention, attention.clamp(0, 1), atol=1e-5)


def test_engine_amplified_training_exports_with_the_rgb_amplifier(tmp_path):
    """A network trained on engine-amplified inputs (pair mode 'jpeg') must ask the engine to
    amplify; one trained on dark inputs must not; a RAW net cannot be switched."""
    net = registry.build("ba-gan", attention_head="input")
    ckpt = str(tmp_path / "amp.npz")
    save_npz(net, ckpt, {"engine_amplifier": "rgb"})
    r = export_network("ba-gan", str(tmp_path / "a"), checkpoint=ckpt)
    with open(r.json_path, encoding="utf-8") as f:
        assert json.load(f)["amplifier"] == "rgb"
    plain = str(tmp_path / "plain.npz")
    save_npz(net, plain)
    r = export_network("ba-gan", str(tmp_path / "b"), checkpoint=plain)
    with open(r.json_path, encoding="utf-8") as f:
        assert json.load(f)["amplifier"] == "none"
    raw = str(tmp_path / "raw.npz")
    save_npz(registry.build("sid-unet"), raw, {"engine_amplifier": "rgb"})
    with pytest.raises(ExportError):
        export_network("sid-unet", str(tmp_path / "c"), checkpoint=raw)


def test_camera_linear_training_exports_its_output_space(tmp_path):
    """A RAW net trained on linear camera-RGB targets asks the engine to render its colour;
    one without the record keeps the display output; an sRGB net cannot claim it."""
    net = registry.build("lamba-mitra")
    ckpt = str(tmp_path / "cam.npz")
    save_npz(net, ckpt, {"output": "camera_linear"})
    r = export_network("lamba-mitra", str(tmp_path / "a"), checkpoint=ckpt)
    with open(r.json_path, encoding="utf-8") as f:
        assert json.load(f)["output"] == "camera_linear"
    plain = str(tmp_path / "plain.npz")
    save_npz(net, plain)
    r = export_network("lamba-mitra", str(tmp_path / "b"), checkpoint=plain)
    with open(r.json_path, encoding="utf-8") as f:
        assert "output" not in json.load(f)
    srgb = str(tmp_path / "srgb.npz")
    save_npz(registry.build("ba-gan"), srgb, {"output": "camera_linear"})
    with pytest.raises(ExportError, match="camera_linear"):
        export_network("ba-gan", str(tmp_path / "c"), checkpoint=srgb)


def test_jpeg_trained_networks_declare_srgb_encoded_output(tmp_path):
    """'jpeg' pairs encode input and target with the sRGB curve, so the package must tell the
    engine to decode the output with it; checkpoints from before the record are recognised by
    their engine_amplifier; other networks keep the engine's reference gamma."""
    net = registry.build("ba-gan", attention_head="input")
    for name, meta, expected in [("new", {"engine_amplifier": "engine", "output_encoding": "srgb"}, "srgb"),
                                 ("old", {"engine_amplifier": "engine"}, "srgb"),
                                 ("plain", None, None)]:
        ckpt = str(tmp_path / f"{name}.npz")
        save_npz(net, ckpt, meta)
        r = export_network("ba-gan", str(tmp_path / name), checkpoint=ckpt)
        with open(r.json_path, encoding="utf-8") as f:
            assert json.load(f).get("output_encoding") == expected, name
    bad = str(tmp_path / "bad.npz")
    save_npz(net, bad, {"engine_amplifier": "engine", "output_encoding": "rec709"})
    with pytest.raises(ExportError, match="rec709"):
        export_network("ba-gan", str(tmp_path / "bad"), checkpoint=bad)


class _BrightenAndStripe(torch.nn.Module):
    """Stands in for a network that changes coarse tones (x 0.5 + 0.3) and adds fine detail
    (a one-pixel stripe)."""

    def forward(self, x):
        stripe = torch.zeros_like(x)
        stripe[..., ::2] = 0.05
        return 0.5 * x + 0.3 + stripe, x[:, :1]


def test_tone_anchor_keeps_the_inputs_coarse_tones():
    """With tone_anchor_sigma the picture has the input's coarse tones and the network's fine
    detail; without it, the network's own picture."""
    from nocturne_export.wrappers import ImageAndAttention
    x = torch.rand(1, 3, 48, 64, generator=torch.Generator().manual_seed(3)) * 0.3 + 0.2
    plain, _ = ImageAndAttention(_BrightenAndStripe())(x)
    anchored, _ = ImageAndAttention(_BrightenAndStripe(), 2.0)(x)
    scripted, _ = torch.jit.script(ImageAndAttention(_BrightenAndStripe(), 2.0))(x)

    def coarse(t):
        return torch.nn.functional.avg_pool2d(t, 16)
    assert (coarse(anchored) - coarse(x)).abs().max() < 0.01
    assert (coarse(plain) - coarse(x)).abs().max() > 0.1
    # The stripe (the network's fine detail) survives: odd columns minus even ones.
    inner = anchored[..., 8:-8, 8:-8] - x[..., 8:-8, 8:-8]
    assert abs(float(inner[..., 0::2].mean() - inner[..., 1::2].mean()) - 0.05) < 0.01
    assert torch.allclose(scripted, anchored, atol=1e-6)


def test_tone_anchor_is_recorded_for_same_size_srgb_networks_only(tmp_path):
    net = registry.build("ba-gan", attention_head="input")
    ckpt = str(tmp_path / "w.npz")
    save_npz(net, ckpt)
    anchored = export_network("ba-gan", str(tmp_path / "anchored"), checkpoint=ckpt,
                              tone_anchor_sigma=2.0)
    with open(anchored.json_path, encoding="utf-8") as f:
        assert json.load(f)["architecture"]["tone_anchor_sigma"] == 2.0
    plain = export_network("ba-gan", str(tmp_path / "plain"), checkpoint=ckpt)
    with open(plain.json_path, encoding="utf-8") as f:
        assert "tone_anchor_sigma" not in json.load(f)["architecture"]
    # A residual attention-unet (same size in and out) takes it too, behind AnchoredImage.
    au = export_network("attention-unet", str(tmp_path / "au"), seed=1, tone_anchor_sigma=2.0)
    with open(au.json_path, encoding="utf-8") as f:
        assert json.load(f)["architecture"]["tone_anchor_sigma"] == 2.0
    au_plain = export_network("attention-unet", str(tmp_path / "au-plain"), seed=1)
    x = torch.rand(1, 3, 40, 56, generator=torch.Generator().manual_seed(5)) * 0.4 + 0.3
    with torch.no_grad():
        y = torch.jit.load(au.pt_path)(x)
        y_plain = torch.jit.load(au_plain.pt_path)(x)

    def coarse_error(t):
        return float((torch.nn.functional.avg_pool2d(t, 8) - torch.nn.functional.avg_pool2d(x, 8)).abs().mean())
    assert y.shape == x.shape
    assert coarse_error(y) < 0.25 * coarse_error(y_plain)
    # NEID works at half size and a RAW net's input is a mosaic: no anchor for them.
    for net_id in ("neid", "sid-unet"):
        with pytest.raises(ExportError, match="same size|input.s size"):
            export_network(net_id, str(tmp_path / net_id), seed=1, tone_anchor_sigma=2.0)


class _FlatCameraRgb(torch.nn.Module):
    """Stands in for a RAW network that renders every site one bright grey, full size."""

    def __init__(self, scale: int):
        super().__init__()
        self.scale = scale

    def forward(self, x):
        h, w = x.shape[-2] * self.scale, x.shape[-1] * self.scale
        return torch.full((x.shape[0], 3, h, w), 0.9)


@pytest.mark.parametrize("channels", [4, 1], ids=["packed", "mosaic"])
def test_raw_anchor_takes_each_colour_from_its_own_sites(channels):
    """A camera-linear RAW package anchored to its input: a flat mosaic of R 0.2, G 0.4, B 0.1
    comes out (0.2, 0.4, 0.1) everywhere whatever the network rendered, so the planes are read
    from the sites the sensor put them at (SID-packed R, G, B, G; or a full RGGB mosaic)."""
    from nocturne_export.wrappers import AnchoredRaw
    h, w = 24, 40
    mosaic = torch.empty(1, 1, 2 * h, 2 * w)
    mosaic[..., 0::2, 0::2] = 0.2
    mosaic[..., 0::2, 1::2] = 0.4
    mosaic[..., 1::2, 0::2] = 0.4
    mosaic[..., 1::2, 1::2] = 0.1
    x = pack_sid(mosaic, "RGGB") if channels == 4 else mosaic
    wrapped = AnchoredRaw(_FlatCameraRgb(2 if channels == 4 else 1), 2.0)
    for module in (wrapped, torch.jit.script(wrapped)):
        y = module(x)
        assert y.shape == (1, 3, 2 * h, 2 * w)
        expected = torch.tensor([0.2, 0.4, 0.1]).view(1, 3, 1, 1).expand_as(y)
        assert torch.allclose(y, expected, atol=1e-5)


def test_raw_anchor_needs_camera_linear_output():
    """A RAW network that renders display colours itself cannot take its mosaic's coarse
    content; one that outputs linear camera RGB can."""
    from nocturne_export.exporter import inference_form
    from nocturne_export.wrappers import AnchoredRaw
    with pytest.raises(ExportError, match="linear camera RGB"):
        inference_form("sid-unet", registry.build("sid-unet"), 2.0, output="display")
    assert isinstance(inference_form("sid-unet", registry.build("sid-unet"), 2.0,
                                     output="camera_linear"), AnchoredRaw)
