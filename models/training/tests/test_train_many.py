"""train_many.py's collect/unpack round trip: weights come back as fp16, split into parts when
a file would be too large to travel, and unpack into runs/<id>/checkpoint.npz."""
import os
from types import SimpleNamespace

import numpy as np
import pytest
import torch

import train_many
from nocturne_models import build
from nocturne_models.checkpoint import load_npz, save_npz


@pytest.mark.parametrize("part_bytes", [train_many.PART_BYTES, 200_000])
def test_collect_then_unpack_gives_fp16_rounded_weights(tmp_path, part_bytes):
    runs, out, back = tmp_path / "runs", tmp_path / "out", tmp_path / "back"
    model = build("lamba-mitra")
    (runs / "lamba-mitra").mkdir(parents=True)
    save_npz(model, str(runs / "lamba-mitra" / "checkpoint.npz"), {"step": 5})
    (runs / "lamba-mitra" / "summary.json").write_text('{"steps": 5}')
    (runs / "lamba-mitra.log").write_text("done\n")
    train_many.collect(["lamba-mitra"], str(runs), str(out), part_bytes)
    sent = sorted(os.listdir(out))
    assert "runs.tar.gz" in sent
    assert all(os.path.getsize(out / n) <= part_bytes for n in sent if ".npz" in n)
    if part_bytes < 1_000_000:  # lamba's ~0.8 M fp16 parameters need several parts
        assert "lamba-mitra.npz" not in sent and "lamba-mitra.npz.part1" in sent
    train_many.unpack(str(out), str(back))
    assert (back / "lamba-mitra" / "summary.json").read_text() == '{"steps": 5}'
    assert (back / "lamba-mitra.log").exists()
    restored = build("lamba-mitra")
    load_npz(restored, str(back / "lamba-mitra" / "checkpoint.npz"))
    for (k, a), b in zip(model.state_dict().items(), restored.state_dict().values()):
        assert torch.equal(a.half().float(), b), k
    with np.load(back / "lamba-mitra" / "checkpoint.npz") as data:
        assert data["mse.conv1.bias"].dtype == np.float16


def test_collect_brings_the_warm_start_base_runs_logs(tmp_path, monkeypatch):
    import tarfile
    runs, out = tmp_path / "runs", tmp_path / "out"
    (runs / "ba-gan").mkdir(parents=True)
    (runs / "ba-gan" / "summary.json").write_text('{"steps": 3}')
    base = tmp_path / "elsewhere" / "ba-gan-base-gpu"  # bases train into their config's folder
    base.mkdir(parents=True)
    (base / "val.csv").write_text("step\n0\n")
    warm = SimpleNamespace(run=str(base), config_path="base.json")
    monkeypatch.setattr(train_many, "load_config", lambda path: SimpleNamespace(warm_start=warm))
    train_many.collect(["ba-gan"], str(runs), str(out))
    with tarfile.open(out / "runs.tar.gz") as tar:
        names = set(tar.getnames())
    assert {"ba-gan/summary.json", "ba-gan-base-gpu/val.csv"} <= names
