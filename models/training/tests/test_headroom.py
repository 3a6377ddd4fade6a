"""The oracle headroom of nocturne_eval/headroom.py: each oracle recovers what it can model, and
never scores below the uncorrected output."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from nocturne_data.engine_exposure import linear_to_srgb, srgb_to_linear
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
    transfer = subprocess.run([sys.executable, os.path.join(HERE, "..", "headroom.py"), "--pairs",
                               str(tmp_path / "pairs"), "--outputs", str(tmp_path / "out"), "--transfer"],
                              capture_output=True, text=True, check=True)
    table = [l.split("|")[1:-1] for l in transfer.stdout.splitlines() if l.startswith("| ")]
    column = [c.strip() for c in table[0]].index("curve_same_set")
    same_set = {row[0].strip(): row[column].strip() for row in table[1:]}
    # set b has one photo: nothing of its own set to learn from, and the total says it lacks it
    assert same_set["b"] == "-" and same_set["all"].endswith("(2 of 3)")
    assert not same_set["a"].endswith(")")
    missing = subprocess.run([sys.executable, os.path.join(HERE, "..", "headroom.py"), "--pairs",
                              str(tmp_path / "pairs"), "--outputs", str(tmp_path / "nowhere")],
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "cannot read" in missing.stderr


def test_fit_curve_is_the_table_of_the_photos_own_level_means():
    ref = scene(6)
    out = headroom.quantise8(ref ** 1.5)
    fitted = headroom.fit_curve(out, ref)
    level = np.round(out[..., 1] * 255).astype(int)
    some = level == np.bincount(level.ravel()).argmax()
    assert np.allclose(fitted[..., 1][some], ref[..., 1][some].mean())


def test_curve_table_interpolates_levels_nobody_saw_and_is_identity_for_an_empty_channel():
    count = np.zeros((3, 256))
    total = np.zeros((3, 256))
    count[0, [10, 20]] = 1.0
    total[0, [10, 20]] = [0.2, 0.4]
    table = headroom.curve_table(count, total)
    assert np.isclose(table[0, 15], 0.3) and np.isclose(table[0, 0], 0.2) and np.isclose(table[0, 255], 0.4)
    assert np.allclose(table[1], np.arange(256) / 255.0)


def test_a_curve_shared_by_every_photo_transfers_and_a_photo_specific_one_does_not():
    """A camera's fixed rendering can be learnt from other photos; a tone choice made afresh for
    each reference (here, gamma drawn per photo) cannot: the per-photo oracle recovers it, the
    transferred curves do not."""
    shared, specific = [], []
    for i in range(6):
        ref = scene(20 + i)
        shared.append(("a" if i < 3 else "b", headroom.quantise8(ref ** 1.6), ref))
        out = headroom.quantise8(ref ** (0.6 if i % 2 else 1.6))
        specific.append(("a", out, ref))
    for r, (_, out, ref) in zip(headroom.transfer_scores(shared), shared):
        base = headroom.psnr(headroom.quantise8(headroom.gt_mean(out, ref)), ref)
        assert r["curve_same_set"] > base + 10 and r["curve_other_sets"] > base + 10
    for r, (_, out, ref) in zip(headroom.transfer_scores(specific), specific):
        oracle = headroom.score(out, ref)["curve"]
        assert r["curve_same_set"] < oracle - 10
        assert "curve_other_sets" not in r


def test_nearest_takes_the_curve_of_the_photo_with_the_closest_histogram():
    """Two renderings told apart by their histograms: the nearest neighbour picks the right one,
    the pooled curve averages them."""
    frames = []
    for i in range(4):
        ref = scene(30 + i)
        frames.append(("a", headroom.quantise8(0.5 * ref if i < 2 else 0.2 + 0.8 * ref ** 2), ref))
    for r in headroom.transfer_scores(frames):
        assert r["curve_nearest"] > r["curve_same_set"] + 3


def linear(x: np.ndarray) -> np.ndarray:
    return srgb_to_linear(torch.from_numpy(x)).numpy()


def srgb(x: np.ndarray) -> np.ndarray:
    return linear_to_srgb(torch.from_numpy(x)).numpy()


def test_auto_white_balance_moves_a_cast_grey_scene_towards_neutral_by_its_strength():
    grey = srgb(np.full((16, 16, 3), 0.2) * np.array([1.3, 1.0, 0.7]))
    full = linear(headroom.auto_white_balance(grey, 1.0, strength=1.0))
    assert np.ptp(full[0, 0]) < 1e-6
    half = linear(headroom.auto_white_balance(grey, 4.0))
    cast = linear(grey)
    assert 0 < np.ptp(half[0, 0]) < 0.6 * np.ptp(cast[0, 0])


def test_blind_scores_reward_the_correction_that_undoes_the_damage():
    ref = scene(40)
    darker_midtones = headroom.quantise8(ref ** (1 / 0.9))
    s = headroom.blind_scores(darker_midtones, ref)
    assert s["gamma0.9"] > s["gamma1.1"] + 5
    cast = headroom.quantise8(srgb(linear(ref) * np.array([1.25, 1.0, 0.8])))
    s = headroom.blind_scores(cast, ref)
    assert s["grey_world"] > headroom.psnr(headroom.quantise8(headroom.gt_mean(cast, ref)), ref) + 1
