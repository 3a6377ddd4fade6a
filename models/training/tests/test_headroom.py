"""The oracle headroom of nocturne_eval/headroom.py: each oracle recovers what it can model, and
never scores below the uncorrected output."""
import os
import subprocess
import sys

import numpy as np
import pytest

from nocturne_eval import headroom

cv2 = pytest.importorskip("cv2")
HERE = os.path.dirname(os.path.abspath(__file__))


def scene(seed=0, size=64):
    rng = np.random.default_rng(seed)
    base = cv2.GaussianBlur(rng.random((size, size, 3)), (0, 0), 3)
    base = (base - base.min()) / (base.max() - base.min())
    return headroom.quantise8(0.1 + 0.8 * base)


def test_gain_oracle_undoes_a_white_balance_error():
    ref = scene()
    out = headroom.quantise8(ref * np.array([0.8, 1.0, 0.7]))
    s = headroom.score(out, ref)
    assert s["gain"] > 40 and s["gain"] > s["gt_mean"] + 10


def test_matrix_oracle_undoes_saturation_that_a_gain_cannot():
    ref = scene(1)
    y = (ref @ headroom.LUMA)[..., None]
    out = headroom.quantise8(y + 1.4 * (ref - y))
    s = headroom.score(out, ref)
    assert s["matrix"] > s["gain"] + 10


def test_curve_oracle_undoes_a_tone_curve_that_a_matrix_cannot():
    ref = scene(2)
    out = headroom.quantise8(ref ** 1.8)
    s = headroom.score(out, ref)
    assert s["curve"] > 40 and s["curve"] > s["matrix"] + 10
    assert s["curve_matrix"] >= s["curve"] - 0.1


def test_smoothing_oracle_gains_on_noise_and_oracles_never_lose():
    ref = scene(3)
    out = headroom.quantise8(ref + np.random.default_rng(4).normal(0, 0.05, ref.shape))
    s = headroom.score(out, ref)
    assert s["smooth"] > s["gt_mean"] + 3
    for k in ("gain", "matrix", "curve", "curve_matrix"):
        assert s[k] >= s["psnr"] - 0.05, k


def test_mix_frequencies_takes_coarse_from_one_and_detail_from_the_other():
    coarse = np.full((64, 64, 3), 0.5)
    detail = scene(5)
    mixed = headroom.mix_frequencies(coarse, detail, 2.0)
    assert abs(mixed.mean() - 0.5) < 0.01
    hp = detail - cv2.GaussianBlur(detail, (0, 0), 2.0)
    assert np.allclose(mixed - 0.5, hp, atol=1e-6)


def test_command_reports_every_set_and_the_total(tmp_path):
    for subset, n in (("a", 2), ("b", 1)):
        for i in range(n):
            ref = scene(10 + i)
            for folder, img in (("high", ref), ("low", ref * 0.1)):
                os.makedirs(tmp_path / "pairs" / subset / folder, exist_ok=True)
                cv2.imwrite(str(tmp_path / "pairs" / subset / folder / f"{i}.png"),
                            np.round(img[:, :, ::-1] * 255).astype(np.uint8))
            os.makedirs(tmp_path / "out" / subset, exist_ok=True)
            cv2.imwrite(str(tmp_path / "out" / subset / f"{i}_nocturne.png"),
                        np.round((ref * 0.9)[:, :, ::-1] * 255).astype(np.uint8))
    run = subprocess.run([sys.executable, os.path.join(HERE, "..", "headroom.py"), "--pairs",
                          str(tmp_path / "pairs"), "--outputs", str(tmp_path / "out")],
                         capture_output=True, text=True, check=True)
    lines = [l for l in run.stdout.splitlines() if l.startswith("| ") and not l.startswith("| set")]
    assert [l.split("|")[1].strip() for l in lines] == ["a", "b", "all"]
    assert [l.split("|")[2].strip() for l in lines] == ["2", "1", "3"]
    missing = subprocess.run([sys.executable, os.path.join(HERE, "..", "headroom.py"), "--pairs",
                              str(tmp_path / "pairs"), "--outputs", str(tmp_path / "nowhere")],
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "cannot read" in missing.stderr
