"""Smoke tests of the training loop (train.py): every config runs a step and writes its files,
a resumed run continues where it stopped, the PIL plot writes a PNG, the lr schedule."""
import csv
import dataclasses
import glob
import json
import os

import numpy as np
import pytest
import torch

from nocturne_data import photos as ph
from nocturne_eval.files import read_png16, write_png
from nocturne_train import load_config, plot_curves, train
from nocturne_train.config import Validation, learning_rate

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = sorted(glob.glob(os.path.join(HERE, "configs", "*.json")))
needs_photos = pytest.mark.skipif(not ph.cache_available(),
                                  reason="photo cache missing: run models/training/fetch_photos.py")


def tiny(path: str, steps: int = 1, base_dir: str = ""):
    """A fast version of a config; a warm start first trains its base config into base_dir
    (and a base that warm-starts in turn, into base_dir + "-base")."""
    cfg = load_config(path)
    if cfg.warm_start is not None:
        assert base_dir, f"{path} warm-starts: give tiny() a folder for its base run"
        train(tiny(cfg.warm_start.config_path, base_dir=base_dir + "-base"), base_dir, log=lambda s: None)
        cfg.warm_start.run = base_dir
    crop = 100 if cfg.loss == "ba-gan" else 64
    if cfg.loss == "ba-gan":
        cfg.gan.adv_start = 0  # exercise the discriminator path too
    return dataclasses.replace(cfg, crop=crop, batch=2, steps=steps, threads=2, max_wall_s=0.0,
                               checkpoint_every=1, device="cpu", workers=0,
                               validation=Validation(every=1, count=1, crop=crop))


def rows(path: str) -> list:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_configs_cover_all_networks():
    from nocturne_models import NETWORKS
    nets = {load_config(p).network for p in CONFIGS}
    assert nets == set(NETWORKS)


@needs_photos
@pytest.mark.parametrize("path", CONFIGS, ids=[os.path.basename(p)[:-5] for p in CONFIGS])
def test_one_step_writes_checkpoint_and_logs(path, tmp_path):
    cfg = tiny(path, base_dir=str(tmp_path / "base"))
    summary = train(cfg, str(tmp_path), command=["test"], log=lambda s: None)
    for name in ("checkpoint.npz", "state.pt", "loss.csv", "val.csv", "curves.png",
                 "summary.json", "config.json"):
        assert (tmp_path / name).exists(), name
    losses = rows(tmp_path / "loss.csv")
    assert [r["step"] for r in losses] == ["1"]
    assert np.isfinite(float(losses[0]["loss"]))
    assert [r["step"] for r in rows(tmp_path / "val.csv")] == ["0", "1"]
    assert summary["steps"] == 1
    for key in ("command", "hardware", "steps", "wall_time_s", "data", "torch_version"):
        assert key in summary
    from nocturne_models.checkpoint import read_metadata
    meta = read_metadata(str(tmp_path / "checkpoint.npz"))
    assert meta["step"] == 1
    camera = cfg.data.pair_kwargs.get("raw", {}).get("target") == "camera"
    assert (meta.get("output") == "camera_linear") == camera
    val = rows(tmp_path / "val.csv")[-1]
    attention_cols = [k for k in val if "attention" in k]
    if cfg.loss == "ba-gan":  # the attention head is scored against its Eq. 4 target
        assert attention_cols and all(-1 <= float(val[k]) <= 1 for k in attention_cols)
    else:
        assert not attention_cols


def test_pearson_matches_numpy_and_is_zero_for_constants():
    from nocturne_train.tasks import pearson
    a, b = torch.rand(500), torch.rand(500)
    assert pearson(a, 0.3 * a + 0.1 * b) == pytest.approx(
        float(np.corrcoef(a.numpy(), (0.3 * a + 0.1 * b).numpy())[0, 1]), abs=1e-5)
    assert pearson(a, -2 * a) == pytest.approx(-1.0, abs=1e-6)
    assert pearson(torch.full((9,), 0.5), a[:9]) == 0.0


@needs_photos
def test_resume_continues_from_saved_step(tmp_path):
    path = os.path.join(HERE, "configs", "lamba-mitra.json")
    straight = tmp_path / "straight"
    train(tiny(path, steps=3), str(straight), log=lambda s: None)
    split = tmp_path / "split"
    train(tiny(path, steps=3), str(split), steps=2, log=lambda s: None)
    assert torch.load(str(split / "state.pt"))["step"] == 2
    messages = []
    summary = train(tiny(path, steps=3), str(split), resume=True, log=messages.append)
    assert any("resumed lamba-mitra at step 2" in m for m in messages)
    assert summary["steps"] == 3
    a = rows(straight / "loss.csv")
    b = rows(split / "loss.csv")
    assert [r["step"] for r in b] == ["1", "2", "3"]
    # same data (batches are seeded by step) and restored optimiser state: same step-3 loss
    assert float(b[2]["loss"]) == pytest.approx(float(a[2]["loss"]), rel=1e-3)


@needs_photos
def test_warm_start_into_input_head_starts_where_the_base_run_ended(tmp_path):
    """configs/ba-gan-finetune.json fine-tunes the spec-head run with an input-aware head: its first
    validation (before any step) must score exactly what the base run's last one did."""
    cfg = tiny(os.path.join(HERE, "configs", "ba-gan-finetune.json"), base_dir=str(tmp_path / "base"))
    assert cfg.model_kwargs["attention_head"] == "input"
    messages = []
    summary = train(cfg, str(tmp_path / "tuned"), log=messages.append)
    assert any("warm start from" in m for m in messages)
    assert summary["warm_start"]["steps"] == 1
    base_last = rows(tmp_path / "base" / "val.csv")[-1]
    tuned_first = rows(tmp_path / "tuned" / "val.csv")[0]
    assert tuned_first["step"] == "0"
    for k in base_last:
        if k != "step":
            assert float(tuned_first[k]) == pytest.approx(float(base_last[k]), abs=2e-4), k


@needs_photos
@pytest.mark.parametrize("name", ["ba-gan-engine.json", "attention-unet-engine.json"])
def test_start_at_input_begins_at_the_engines_rendering(name, tmp_path):
    """warm_start.start_at_input: before any step the network returns its input, so the first
    validation scores exactly what "amplify only" scores on the same items."""
    from nocturne_data.dataset import fixed_validation
    from nocturne_train.tasks import psnr
    cfg = tiny(os.path.join(HERE, "configs", name), base_dir=str(tmp_path / "base"))
    assert cfg.warm_start.start_at_input
    train(cfg, str(tmp_path / "tuned"), log=lambda s: None)
    first = rows(tmp_path / "tuned" / "val.csv")[0]
    item = fixed_validation("jpeg", count=1, crop=cfg.validation.crop,
                            **cfg.data.pair_kwargs["jpeg"])[0]
    identity = psnr(item["input"][None], item["target"][None])
    assert first["step"] == "0"
    assert float(first["jpeg_psnr"]) == pytest.approx(identity, abs=2e-4)


@needs_photos
def test_a_plain_run_moves_into_the_residual_form_only_from_the_input(tmp_path):
    cfg = tiny(os.path.join(HERE, "configs", "attention-unet-engine.json"),
               base_dir=str(tmp_path / "base"))
    cfg.warm_start.start_at_input = False
    with pytest.raises(ValueError, match="start_at_input"):
        train(cfg, str(tmp_path / "tuned"), log=lambda s: None)


def test_warm_start_must_name_a_config_of_the_same_network(tmp_path):
    bad = tmp_path / "bad.json"
    (tmp_path / "other.json").write_text(json.dumps({"network": "neid", "loss": "neid"}))
    bad.write_text(json.dumps({"network": "ba-gan", "loss": "ba-gan", "crop": 100,
                               "warm_start": {"config": "other.json", "run": "runs/x"}}))
    with pytest.raises(ValueError, match="neid"):
        load_config(str(bad))
    bad.write_text(json.dumps({"network": "ba-gan", "loss": "ba-gan", "crop": 100,
                               "warm_start": {"config": "missing.json", "run": "runs/x"}}))
    with pytest.raises(ValueError, match="missing.json"):
        load_config(str(bad))


def test_plot_writes_png(tmp_path):
    loss, val = tmp_path / "loss.csv", tmp_path / "val.csv"
    with open(loss, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["step", "lr", "seconds", "loss"])
        for s in range(1, 80):
            w.writerow([s, 1e-4, 0.1, 1.0 / s])
    with open(val, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["step", "raw_psnr", "raw_ssim"])
        for s in range(0, 80, 20):
            w.writerow([s, 10 + s / 10, 0.1 + s / 200])
    out = plot_curves(str(loss), str(val), str(tmp_path / "c.png"), "test")
    from PIL import Image
    with Image.open(out) as im:
        assert im.size == (720, 560)
        a = np.asarray(im.convert("RGB"))
    assert (a != 255).any(axis=2).mean() > 0.01  # something was drawn
    assert ((a[..., 2] > 150) & (a[..., 0] < 80)).any()  # the blue loss line


def test_cosine_schedule_and_wall_progress():
    cfg = load_config({"network": "lamba-mitra", "loss": "lamba", "steps": 100,
                       "optimiser": {"lr": 1e-3},
                       "schedule": {"kind": "cosine", "min_lr": 1e-5}})
    assert learning_rate(cfg, 0) == pytest.approx(1e-3)
    assert learning_rate(cfg, 100) == pytest.approx(1e-5)
    assert learning_rate(cfg, 50) == pytest.approx(0.5 * (1e-3 + 1e-5))
    assert learning_rate(cfg, 10, progress=1.0) == pytest.approx(1e-5)


def test_bad_config_is_named(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"network": "lamba-mitra", "loss": "nope"}))
    with pytest.raises(ValueError, match="bad.json"):
        load_config(str(p))


def test_png16_roundtrip(tmp_path):
    rng = np.random.RandomState(0)
    a = rng.randint(0, 65536, size=(5, 7, 3)).astype(np.uint16)
    write_png(str(tmp_path / "a.png"), a, 16)
    assert (read_png16(str(tmp_path / "a.png")) == a).all()


def test_kaiming_init_option_is_validated_and_wakes_neid(tmp_path):
    """NEID's paper init N(0, 0.02) leaves its output ~1e-4 (a short run never leaves that
    dead zone); "init": "kaiming" gives an output of image scale. Unknown inits are refused."""
    from nocturne_train.tasks import make_task
    cfg = load_config(os.path.join(HERE, "configs", "neid.json"))
    cfg.device = "cpu"
    x = torch.rand(1, 3, 32, 32)
    scales = {}
    for init in ("default", "kaiming"):
        cfg.init = init
        torch.manual_seed(0)
        task = make_task(cfg)
        with torch.no_grad():
            scales[init] = float(task.forward_image(x).abs().mean())
    assert scales["default"] < 1e-2 < scales["kaiming"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(dict(json.load(open(os.path.join(HERE, "configs", "neid.json"))),
                                   init="xavier")))
    with pytest.raises(ValueError, match="init"):
        load_config(str(bad))


@needs_photos
def test_worker_batches_equal_in_process_batches(tmp_path):
    # The GPU recipes make batches in worker processes; the data must not depend on that.
    from nocturne_train.loop import BatchSource
    cfg = tiny(os.path.join(HERE, "configs", "lamba-mitra.json"))
    source = BatchSource(cfg)
    ahead = list(source.batches(3, 6, workers=2))
    assert len(ahead) == 3
    for step, items in zip(range(3, 6), ahead):
        for a, b in zip(items, source.batch(step)):
            assert torch.equal(a["input"], b["input"]) and torch.equal(a["target"], b["target"])


@needs_photos
def test_photo_pack_holds_the_same_pixels(tmp_path):
    import subprocess
    import sys
    from nocturne_data.dataset import PhotoStore
    out = tmp_path / "pack"
    subprocess.run([sys.executable, os.path.join(HERE, "pack_photos.py"), "--out", str(out),
                    "--splits", "val", "--max-side", "256"], check=True)
    entries = ph.photos_for_split("val")
    assert len(list(out.iterdir())) == len(entries)
    cached = PhotoStore(entries, max_side=256)
    packed = PhotoStore(entries, max_side=256, pack_dir=str(out))
    for i in range(len(entries)):
        assert np.array_equal(cached.image(i), packed.image(i))
    # A pack made at another size is refused by name, not silently read.
    with pytest.raises(FileNotFoundError, match="pack_photos.py --max-side 512"):
        PhotoStore(entries, max_side=512, pack_dir=str(out)).image(0)
    refused = subprocess.run([sys.executable, os.path.join(HERE, "pack_photos.py"), "--out",
                              str(out), "--splits", "test"], capture_output=True, text=True)
    assert refused.returncode != 0 and "test split" in refused.stderr


def test_gan_crop_and_device_are_validated(tmp_path):
    base = dict(json.load(open(os.path.join(HERE, "configs", "ba-gan-dark-input.json"))))
    base.pop("warm_start")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(dict(base, crop=128)))
    with pytest.raises(ValueError, match="100x100"):
        load_config(str(bad))
    # Without an adversarial phase any crop is fine (the discriminator never runs).
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps(dict(base, crop=128, gan=dict(base["gan"], adv_start=base["steps"]))))
    assert load_config(str(ok)).crop == 128
    bad.write_text(json.dumps(dict(base, device="tpu")))
    with pytest.raises(ValueError, match="device"):
        load_config(str(bad))


def test_train_cli_overrides_are_checked_like_the_file(capsys):
    import train as train_cli
    config = os.path.join(HERE, "configs", "ba-gan-base-gpu.json")
    assert train_cli.main(["--config", config, "--device", "cpu", "--crop", "128"]) == 2
    err = capsys.readouterr().err
    assert "command-line overrides" in err and "100x100" in err
    assert train_cli.main(["--config", config, "--device", "tpu"]) == 2
    assert "'device' must be" in capsys.readouterr().err


def test_tone_anchor_is_refused_where_the_package_cannot_apply_it(tmp_path):
    bad = tmp_path / "bad.json"
    for net, loss, sigma in (("neid", "neid", 2.0), ("sid-unet", "l1", 2.0),
                             ("attention-unet", "l1_ssim", -1.0)):
        bad.write_text(json.dumps({"network": net, "loss": loss, "tone_anchor_sigma": sigma}))
        with pytest.raises(ValueError, match="tone_anchor_sigma"):
            load_config(str(bad))


def test_training_through_the_tone_anchor_sees_what_the_package_shows(tmp_path):
    """With tone_anchor_sigma the loss sees the network's picture with its input's coarse
    tones: a network that only brightens is returned to its input, so neither the loss nor
    the validation can reward a tone shift the exported package would undo."""
    from nocturne_train.tasks import Task
    cfg = load_config(os.path.join(HERE, "configs", "attention-unet-anchored.json"))
    cfg.warm_start = None
    task = Task(cfg)
    with torch.no_grad():
        task.model.head.weight.zero_()
        task.model.head.bias.fill_(0.2)  # residual: out = x + 0.2 everywhere
    x = torch.rand(1, 3, 48, 48) * 0.5
    assert torch.allclose(task.model(x), x + 0.2, atol=1e-6)
    assert torch.allclose(task.forward_image(x), x, atol=1e-5)
    task.anchor = None
    assert torch.allclose(task.forward_image(x), x + 0.2, atol=1e-6)


@needs_photos
def test_the_anchor_a_run_trained_through_is_recorded_and_exported(tmp_path):
    from nocturne_export.exporter import ExportError, export_network
    from nocturne_models.checkpoint import read_metadata
    cfg = tiny(os.path.join(HERE, "configs", "attention-unet-anchored.json"),
               base_dir=str(tmp_path / "base"))
    train(cfg, str(tmp_path / "run"), log=lambda s: None)
    ckpt = str(tmp_path / "run" / "checkpoint.npz")
    assert read_metadata(ckpt)["tone_anchor_sigma"] == cfg.tone_anchor_sigma
    export_network("attention-unet", str(tmp_path / "pkg"), checkpoint=ckpt)
    with open(tmp_path / "pkg" / "attention-unet.json", encoding="utf-8") as f:
        assert json.load(f)["architecture"]["tone_anchor_sigma"] == cfg.tone_anchor_sigma
    with pytest.raises(ExportError, match="trained through a tone anchor"):
        export_network("attention-unet", str(tmp_path / "other"), checkpoint=ckpt,
                       tone_anchor_sigma=cfg.tone_anchor_sigma + 1)
