"""Dark camera JPEG synthesis (nocturne_data.camera_jpeg) and the 'jpeg' pair mode."""
import pytest
import torch

from nocturne_data import camera_jpeg as cj
from nocturne_data import engine_exposure as ee
from nocturne_data import pairs


def scene(seed=0, size=64, level=0.5):
    g = torch.Generator().manual_seed(seed)
    low = torch.rand(1, 3, 4, 4, generator=g)
    y = level * (0.6 + 0.8 * torch.nn.functional.interpolate(low, size=(size, size),
                                                           mode="bilinear", align_corners=False))
    return y.clamp(0, 1)


def gen(seed):
    return torch.Generator().manual_seed(seed)


def test_same_seed_same_file_other_seed_other_file():
    a = cj.dark_jpeg(scene(), gen(5))
    b = cj.dark_jpeg(scene(), gen(5))
    c = cj.dark_jpeg(scene(), gen(6))
    assert torch.equal(a["input"], b["input"]) and a["record"] == b["record"]
    assert not torch.equal(a["input"], c["input"])


def test_file_is_8_bit_and_dark():
    for seed in range(6):
        out = cj.dark_jpeg(scene(seed), gen(seed), lights=0.0)
        x = out["input"]
        assert torch.allclose(x * 255, torch.round(x * 255), atol=1e-4)
        lo, hi = cj.FILE_MEAN_RANGE
        # The push is solved before noise reduction, sharpening and compression move it a bit.
        assert 0.5 * lo < float(x.mean()) < 1.6 * hi, out["record"]


def test_higher_ratio_means_more_noise_at_the_same_file_brightness():
    def amplified_noise(ratio):
        flat = torch.full((1, 3, 96, 96), 0.45)
        devs = []
        for seed in range(4):
            out = cj.dark_jpeg(flat, gen(seed), lights=0.0, ratio_range=(ratio, ratio))
            disp, _ = ee.amplified_display(out["input"])
            devs.append(float(disp[..., 8:-8, 8:-8].std()))
        return sum(devs) / len(devs)
    assert amplified_noise(250.0) > 1.5 * amplified_noise(8.0)


def test_jpeg_pair_input_and_target_agree_on_brightness():
    y = torch.cat([scene(1), scene(2, level=0.8)])
    p = pairs.jpeg_pair(y, gen(3), lights=0.5)
    assert p["input"].shape == p["target"].shape == y.shape
    lin_in = ee.srgb_to_linear(p["input"])
    lin_t = ee.srgb_to_linear(p["target"])
    assert torch.allclose(ee.display_mean(lin_in), ee.display_mean(lin_t), atol=2e-3)
    assert float(p["target"].min()) >= 0.0 and float(p["target"].max()) <= 1.0
    # The input is what the engine shows as "amplify only" for the dark file.
    disp, _ = ee.amplified_display(p["dark"])
    assert torch.allclose(disp, p["input"])


@pytest.mark.parametrize("kind", [0, 1, 2])
def test_tone_curves_are_monotonic_from_black_to_white(kind):
    x = torch.linspace(0, 1, 257)
    y = cj.tone_curve(x, kind, 0.5)
    assert float(y[0]) == pytest.approx(0.0, abs=1e-3) and float(y[-1]) == pytest.approx(1.0, abs=1e-3)
    assert bool((y[1:] - y[:-1] >= -1e-6).all())


@pytest.mark.parametrize("kind", [0, 1, 2])
def test_camera_target_is_the_cameras_rendering_at_the_engines_brightness(kind):
    y = torch.cat([scene(4), scene(5, level=0.7)])
    p = pairs.jpeg_pair(y, gen(6), lights=0.0, target="camera")
    lin_in = ee.srgb_to_linear(p["input"])
    lin_t = ee.srgb_to_linear(p["target"])
    assert torch.allclose(ee.display_mean(lin_in), ee.display_mean(lin_t), atol=2e-3)
    # Against the scene-referred target the camera's curve changes tones, not brightness.
    scene_t = pairs.jpeg_pair(y, gen(6), lights=0.0)["target"]
    assert not torch.allclose(scene_t, p["target"], atol=1e-3) or all(
        r["tone"] == 0 for r in p["records"])
    x = torch.linspace(0.0, 0.2, 64).view(1, 1, 1, 64).expand(1, 3, 8, 64).contiguous()
    out = cj.camera_rendering(x, kind, 0.5, torch.tensor([0.45]))
    assert float(ee.display_mean(ee.srgb_to_linear(out))) == pytest.approx(0.45, abs=2e-3)
    assert bool((out[0, 1, 0, 1:] - out[0, 1, 0, :-1] >= -1e-6).all())


def test_jpeg_pair_refuses_an_unknown_target():
    with pytest.raises(ValueError, match="target"):
        pairs.jpeg_pair(scene(1), gen(1), target="film")


def test_clean_twin_is_the_same_camera_without_noise():
    y = scene(7)
    noisy = cj.dark_jpeg(y, gen(8), lights=0.0)
    twin = cj.dark_jpeg(y, gen(8), lights=0.0, clean_twin=True)
    # Asking for the twin changes no draw of the file itself.
    assert torch.equal(noisy["input"], twin["input"]) and noisy["record"] == twin["record"]
    clean = twin["clean_display"]
    assert clean.shape == y.shape and float(clean.min()) >= 0.0 and float(clean.max()) <= 1.0
    # Same push and tone curve: the file and its twin have about the same brightness, and the
    # twin is far smoother (no grain) on a smooth scene.
    assert float(clean.mean()) == pytest.approx(float(twin["input"].mean()), rel=0.15)
    def roughness(x):
        return float((x[..., 1:, :] - x[..., :-1, :]).abs().mean())
    assert roughness(clean) < 0.5 * roughness(twin["input"])


def test_engine_target_keeps_the_engines_tones_and_drops_the_noise():
    y = torch.cat([scene(9), scene(10, level=0.8)])
    # A moderate ratio: at the highest ones the grain is so blotchy that 8x8 means move too.
    kw = dict(lights=0.0, ratio_range=(20.0, 20.0))
    p = pairs.jpeg_pair(y, gen(11), target="engine", **kw)
    same = pairs.jpeg_pair(y, gen(11), target="engine", **kw)
    assert torch.equal(p["target"], same["target"])
    # Coarse tones and colours are the input's: 8x8 block means agree closely, while the
    # fine structure (the grain) is gone from the target.
    coarse_in = torch.nn.functional.avg_pool2d(p["input"], 8)
    coarse_t = torch.nn.functional.avg_pool2d(p["target"], 8)
    assert float((coarse_in - coarse_t).abs().mean()) < 0.02
    fine_in = p["input"] - torch.nn.functional.interpolate(coarse_in, scale_factor=8)
    fine_t = p["target"] - torch.nn.functional.interpolate(coarse_t, scale_factor=8)
    assert float(fine_t.std()) < 0.6 * float(fine_in.std())
    # Against the scene target, which re-renders the photo's tones, it stays closer to the input.
    scene_t = pairs.jpeg_pair(y, gen(11), **kw)["target"]
    assert float((coarse_in - coarse_t).abs().mean()) < float(
        (coarse_in - torch.nn.functional.avg_pool2d(scene_t, 8)).abs().mean())
