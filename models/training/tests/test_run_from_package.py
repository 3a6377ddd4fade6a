"""run_from_package: a shipped package back into a run folder that a config can warm-start from."""
import json
import pytest
import torch

import run_from_package as rfp
from nocturne_export import export_network
from nocturne_models import build, load_npz


def test_package_weights_come_back_exactly(tmp_path):
    res = export_network("ba-gan", str(tmp_path / "pkg"), seed=5)
    net = rfp.network_from_package(res.pt_path, res.manifest)
    x = torch.rand(1, 3, 24, 20, generator=torch.Generator().manual_seed(1))
    scripted = torch.jit.load(res.pt_path)
    with torch.no_grad():
        want = scripted(x)[0]   # (image, attention)
        got = net(x)[0].clamp(0.0, 1.0)
    assert torch.allclose(want, got, atol=1e-6)


def test_tone_anchored_packages_give_back_their_network(tmp_path):
    """The anchor is the package wrapper's, not the network's: the weights come back from a
    deeper prefix and the manifest's tone_anchor_sigma is not an architecture argument."""
    plain = export_network("attention-unet", str(tmp_path / "plain"), seed=5)
    anchored = export_network("attention-unet", str(tmp_path / "anchored"), seed=5,
                              tone_anchor_sigma=2.0)
    a = rfp.network_from_package(anchored.pt_path, anchored.manifest).state_dict()
    p = rfp.network_from_package(plain.pt_path, plain.manifest).state_dict()
    assert a.keys() == p.keys()
    assert all(torch.equal(a[k], p[k]) for k in a)


def test_writes_a_run_a_warm_start_reads(tmp_path, monkeypatch):
    pkg = tmp_path / "pkg"
    res = export_network("ba-gan", str(pkg), seed=6)
    manifest = dict(res.manifest, training={"steps": 77, "wall_time_s": 12.5, "hardware": "test CPU"})
    (pkg / "ba-gan.json").write_text(json.dumps(manifest))
    monkeypatch.setattr(rfp.ph, "TRAINING_DIR", str(tmp_path))
    assert rfp.main(["--id", "ba-gan", "--run", "runs/shipped", "--models", str(pkg)]) == 0
    run = tmp_path / "runs" / "shipped"
    summary = json.loads((run / "summary.json").read_text())
    assert (summary["steps"], summary["wall_time_s"], summary["hardware"]) == (77, 12.5, "test CPU")
    config = json.loads((run / "config.json").read_text())
    assert config["network"] == "ba-gan"
    again = build("ba-gan", **config["model_kwargs"])
    load_npz(again, str(run / "checkpoint.npz"))
    for (name, a), b in zip(again.state_dict().items(), res.eager.net.state_dict().values()):
        assert torch.equal(a, b.float()), name


def test_folded_weight_norm_comes_back_as_the_same_function(tmp_path):
    res = export_network("lamba-mitra", str(tmp_path / "pkg"), seed=7)
    net = rfp.network_from_package(res.pt_path, res.manifest)
    assert any(k.endswith(".weight_g") for k in net.state_dict())   # trainable as before
    x = torch.rand(1, 1, 64, 64, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        want = torch.jit.load(res.pt_path)(x)
        got = net(x).clamp(0.0, 1.0)
    assert torch.allclose(want, got, atol=1e-5)


def test_a_package_of_another_architecture_is_refused(tmp_path):
    res = export_network("ba-gan", str(tmp_path / "pkg"), seed=7)   # the spec attention head
    with pytest.raises(ValueError, match="do not match"):
        rfp.network_from_package(res.pt_path, dict(res.manifest, architecture={"attention_head": "input"}))


def test_the_run_keeps_what_the_weights_do_not_say(tmp_path, monkeypatch):
    """A camera-linear, anchored package comes back as a run whose checkpoint records the
    output space and curve (a re-export gives the engine the same package) and whose config
    builds the network (the anchor is not an architecture argument)."""
    from nocturne_models.checkpoint import read_metadata
    pkg = tmp_path / "pkg"
    res = export_network("attention-unet", str(pkg), seed=8, tone_anchor_sigma=2.0)
    manifest = dict(res.manifest, output_encoding="srgb")
    (pkg / "attention-unet.json").write_text(json.dumps(manifest))
    monkeypatch.setattr(rfp.ph, "TRAINING_DIR", str(tmp_path))
    assert rfp.main(["--id", "attention-unet", "--run", "runs/au", "--models", str(pkg)]) == 0
    run = tmp_path / "runs" / "au"
    assert read_metadata(str(run / "checkpoint.npz"))["output_encoding"] == "srgb"
    config = json.loads((run / "config.json").read_text())
    assert "tone_anchor_sigma" not in config["model_kwargs"]
    build("attention-unet", **config["model_kwargs"])

    lamba = export_network("lamba-mitra", str(pkg), seed=8)
    (pkg / "lamba-mitra.json").write_text(json.dumps(dict(lamba.manifest, output="camera_linear")))
    assert rfp.main(["--id", "lamba-mitra", "--run", "runs/lm", "--models", str(pkg)]) == 0
    assert read_metadata(str(tmp_path / "runs" / "lm" / "checkpoint.npz"))["output"] == "camera_linear"
