"""Pair samplers and the dataset (nocturne_data.pairs, nocturne_data.dataset)."""

import numpy as np
import pytest
import torch

from nocturne_data import dataset as ds
from nocturne_data import pairs
from nocturne_data import photos as ph
from nocturne_data import unprocess as up


def crop(seed=0, b=2, size=32):
    g = torch.Generator().manual_seed(seed)
    low = torch.rand(b, 3, 4, 4, generator=g)
    return (0.1 + 0.7 * torch.nn.functional.interpolate(low, size=(size, size), mode="bilinear",
                                                        align_corners=False)).clamp(0, 1)


def gen(seed):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("noise_model", ["eld", "brooks"])
def test_raw_pair_shapes_ratio_and_target(noise_model):
    y = crop()
    p = pairs.raw_pair(y, gen(1), noise_model=noise_model)
    assert p["input"].shape == (2, 1, 32, 32) and p["target"].shape == (2, 3, 32, 32)
    assert torch.all((p["ratio"] >= 50) & (p["ratio"] <= 300))
    assert float(p["input"].min()) >= 0.0
    unclipped = pairs.raw_pair(y, gen(1), noise_model=noise_model, clip_negative=False)
    assert float(unclipped["input"].min()) < 0.0
    # The target is the ISP of the clean capture, i.e. the crop after the round trip.
    assert up.psnr(p["target"], y) > 40.0
    # Amplified by the ratio, the dark input is on average the clean mosaic.
    amp = pairs.amplified_input(unclipped)
    assert float(amp.mean()) == pytest.approx(float(p["clean_mosaic"].mean()), rel=0.05)
    packed = pairs.amplified_input(p, packed=True)
    assert packed.shape == (2, 4, 16, 16) and float(packed.max()) <= 1.0


def test_raw_pair_camera_target_is_the_clipped_sensor_colour():
    y = crop()
    disp = pairs.raw_pair(y, gen(3), lights=1.0)
    cam = pairs.raw_pair(y, gen(3), lights=1.0, target="camera", clip_amplified=True)
    # Same draws: the camera target re-rendered by the ISP is the display target.
    assert up.psnr(up.process(cam["target"], cam["meta"]), disp["target"]) > 40.0
    # Not white balanced: the clean mosaic is the camera target sampled through the CFA.
    assert torch.allclose(up.mosaic(cam["target"], "RGGB"), cam["clean_mosaic"].clamp(0, 1))
    assert float(cam["target"].max()) <= 1.0 and float(cam["target"].min()) >= 0.0
    # The amplified input is clipped at 1 like the engine's clip_input, and only there.
    amp_clipped = pairs.amplified_input(cam, clip=False)
    amp_free = pairs.amplified_input(disp, clip=False)
    assert float(amp_clipped.max()) <= 1.0 + 1e-5 and float(amp_free.max()) > 1.0
    assert torch.allclose(amp_clipped, amp_free.clamp_max(1.0), atol=1e-5)
    with pytest.raises(ValueError, match="target"):
        pairs.raw_pair(y, gen(3), target="sensor")


def test_raw_pair_cfa_phase_is_configurable():
    y = crop(b=1)
    a = pairs.raw_pair(y, gen(2), cfa="RGGB")
    b = pairs.raw_pair(y, gen(2), cfa="BGGR")
    assert a["meta"]["cfa"] == "RGGB" and b["meta"]["cfa"] == "BGGR"
    # Same seed, same draws: BGGR's (0,0) site holds what RGGB's (1,1) site would.
    cam_r = up.unprocess(y, a["meta"])
    assert torch.allclose(b["clean_mosaic"][0, 0, 0::2, 0::2], cam_r[0, 2, 0::2, 0::2])


def test_same_seed_same_pair_different_seed_differs():
    y = crop()
    for fn in (pairs.raw_pair, pairs.camera_srgb_pair, pairs.ba_gan_pair):
        a, b, c = fn(y, gen(7)), fn(y, gen(7)), fn(y, gen(8))
        assert torch.equal(a["input"], b["input"])
        assert not torch.equal(a["input"], c["input"])


def test_camera_mode_is_8bit_and_dark():
    y = crop()
    p = pairs.camera_srgb_pair(y, gen(3))
    x = p["input"]
    assert torch.allclose(x * 255.0, (x * 255.0).round(), atol=1e-4)
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    assert float(x.mean()) < 0.5 * float(p["target"].mean())
    assert up.psnr(p["target"], y) > 40.0


@pytest.mark.parametrize("noise_param", ["variance", "sigma"])
def test_ba_gan_pair_ranges(noise_param):
    y = crop(b=64, size=16)
    p = pairs.ba_gan_pair(y, gen(4), noise_param=noise_param)
    assert float(p["u"].min()) >= 0.05 and float(p["u"].max()) <= 1.0
    assert float(p["gamma"].min()) >= 1.1 and float(p["gamma"].max()) <= 2.0
    lo, hi = (0.1, 0.2237) if noise_param == "variance" else (0.01, 0.05)
    assert float(p["sigma"].min()) >= lo - 1e-6 and float(p["sigma"].max()) <= hi + 1e-6
    assert float(p["input"].min()) >= 0.0 and float(p["input"].max()) <= 1.0
    a = p["attention"]
    assert a.shape == (64, 1, 16, 16) and float(a.min()) >= 0.0 and float(a.max()) <= 1.0


def test_attention_target_zero_where_equal_and_bounded():
    y = crop()
    assert torch.equal(pairs.attention_target(y, y), torch.zeros(2, 1, 32, 32))
    a = pairs.attention_target(0.25 * y, y)
    assert torch.allclose(a, torch.full_like(a, 0.75), atol=1e-3)
    brighter = pairs.attention_target((y * 2).clamp(0, 1), y)
    assert float(brighter.min()) == 0.0 and float(brighter.max()) == 0.0


# ---- dataset on a synthetic manifest (no photo cache needed) ----------------------------

@pytest.fixture()
def fake_manifest(tmp_path):
    from PIL import Image
    rng = np.random.default_rng(0)
    entries = []
    for i, split in enumerate(["train", "train", "val", "test"]):
        rel = f"usr/share/pic{i}.png"
        path = tmp_path / "extract" / "pkg" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        img = (rng.random((40, 60, 3)) * 255).astype(np.uint8)
        Image.fromarray(img).save(path)
        entries.append({"package": "pkg", "path": rel, "width": 60, "height": 40,
                        "sha256": "0" * 64, "split": split})
    return {"photos": entries}, str(tmp_path)


@pytest.mark.parametrize("mode", ["raw", "camera", "ba-gan"])
def test_dataset_items_deterministic_per_index(fake_manifest, mode):
    manifest, cache = fake_manifest
    d1 = ds.SyntheticPairs("train", mode, crop=16, length=4, seed=3, manifest=manifest,
                           cache_dir=cache)
    d2 = ds.SyntheticPairs("train", mode, crop=16, length=4, seed=3, manifest=manifest,
                           cache_dir=cache)
    a, b = d1[2], d2[2]
    assert torch.equal(a["input"], b["input"]) and torch.equal(a["target"], b["target"])
    assert not torch.equal(d1[1]["input"], a["input"])
    d1.set_epoch(1)
    assert not torch.equal(d1[2]["input"], a["input"])
    assert int(a["photo"]) in (0, 1)  # only the two train photos


def test_dataset_works_with_workers(fake_manifest):
    manifest, cache = fake_manifest
    d = ds.SyntheticPairs("train", "raw", crop=16, length=4, seed=5, manifest=manifest,
                          cache_dir=cache)
    loader = torch.utils.data.DataLoader(d, batch_size=2, num_workers=2)
    batches = list(loader)
    assert torch.equal(batches[1]["input"][0], d[2]["input"])
    assert batches[0]["input"].shape == (2, 1, 16, 16) and batches[0]["ratio"].shape == (2,)


def test_fixed_validation_repeats(fake_manifest):
    manifest, cache = fake_manifest
    a = ds.fixed_validation("camera", count=2, crop=16, manifest=manifest, cache_dir=cache)
    b = ds.fixed_validation("camera", count=2, crop=16, manifest=manifest, cache_dir=cache)
    assert all(torch.equal(x["input"], y["input"]) for x, y in zip(a, b))


def test_random_crop_upscales_small_photos():
    img = np.zeros((10, 12, 3), dtype=np.uint8)
    c = ds.random_crop(img, 16, gen(0))
    assert c.shape == (3, 16, 16)


@pytest.mark.skipif(not ph.cache_available(), reason="photo cache absent: run fetch_photos.py")
def test_real_photos_give_pairs():
    d = ds.SyntheticPairs("train", "raw", crop=64, length=2, seed=0, max_side=256)
    item = d[0]
    assert item["input"].shape == (1, 64, 64)
    assert 50 <= float(item["ratio"]) <= 300
