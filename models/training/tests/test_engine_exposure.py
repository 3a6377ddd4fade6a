"""The engine's exposure rule in torch (nocturne_data.engine_exposure) against the C++ one."""
import math
import os
import re

import pytest
import torch

from nocturne_data import engine_exposure as ee

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def cpp_constant(rel_path, pattern):
    with open(os.path.join(ROOT, rel_path), encoding="utf-8") as f:
        m = re.search(pattern, f.read())
    assert m, f"{pattern} not found in {rel_path}"
    return float(m.group(1))


def test_constants_are_the_engines():
    # Training and the engine must amplify alike; a change on one side fails here.
    assert ee.M_DEFAULT == cpp_constant("core/pipeline/ProcessParams.h",
                                        r"kDefaultAmplifierTarget\s*=\s*([0-9.]+)")
    assert ee.KNEE == pytest.approx(cpp_constant("core/enhance/Exposure.h",
                                                 r"kKnee\s*=\s*([0-9.]+)f"))
    assert ee.BINS == cpp_constant("core/enhance/Amplifier.h", r"int bins\s*=\s*([0-9]+)")
    assert ee.MAX_GAIN == cpp_constant("core/enhance/Amplifier.h", r"maxGain\s*=\s*([0-9.]+)")
    assert ee.GAMMA_REFERENCE == pytest.approx(cpp_constant("core/enhance/Gamma.h",
                                                            r"kReference\s*=\s*([0-9.]+)f"))


@pytest.mark.parametrize("value,gain", [(0.01, 12.0), (0.002, 60.0), (0.5, 1.0), (0.0, 300.0)])
def test_eq5_gain_of_a_flat_frame(value, gain):
    x = torch.full((1, 3, 8, 8), value)
    assert float(ee.eq5_gain(x)) == pytest.approx(gain, rel=1e-5)


def test_eq5_gain_weights_dark_pixels_more_than_the_plain_mean():
    x = torch.full((1, 3, 8, 8), 0.01)
    x[..., :2, :] = 0.9  # a lit quarter
    plain = ee.M_DEFAULT / float(x.mean())
    assert float(ee.eq5_gain(x)) > 2 * plain


def test_shoulder_is_identity_below_the_knee_and_stays_below_white():
    v = torch.tensor([0.0, 0.3, 0.6, 0.61, 1.0, 2.0])
    s = ee.shoulder(v)
    assert torch.allclose(s[:3], v[:3])
    assert bool((s < 1.0).all()) and bool((s[1:] - s[:-1] > 0).all())
    assert float(ee.shoulder(torch.tensor(100.0))) <= 1.0
    # Slope 1 at the knee: no kink in the tones.
    eps = 1e-4
    slope = (ee.shoulder(torch.tensor(0.6 + eps)) - ee.shoulder(torch.tensor(0.6))) / eps
    assert float(slope) == pytest.approx(1.0, abs=1e-2)


def test_display_mean_of_grey():
    x = torch.full((2, 3, 4, 4), 0.18)
    assert torch.allclose(ee.display_mean(x), torch.full((2,), 0.18 ** (1 / 2.2)), atol=1e-6)


@pytest.mark.parametrize("target", [0.2, 0.45, 0.7])
def test_match_and_expose_like_reach_the_target_mean(target):
    g = torch.Generator().manual_seed(3)
    x = torch.rand(2, 3, 16, 16, generator=g) * 0.5
    t = torch.full((2,), target)
    assert torch.allclose(ee.display_mean(ee.match(x, t)), t, atol=1e-3)
    scene = x.clone()
    scene[:, :, :2, :2] = 20.0  # a lamp far above white stays (near) white
    out = ee.expose_like(scene, t)
    assert torch.allclose(ee.display_mean(out), t, atol=1e-3)
    assert float(out[:, :, :2, :2].min()) > 0.9 and float(out.max()) <= 1.0


def test_rescale_brightening_keeps_white_white():
    x = torch.tensor([0.0, 0.25, 1.0]).view(1, 3, 1, 1)
    out = ee.rescale(x, torch.tensor([4.0]))
    assert float(out[0, 2]) == pytest.approx(1.0)
    assert float(out[0, 1]) == pytest.approx(4 * 0.25 / (1 + 3 * 0.25))
    assert torch.allclose(ee.rescale(x, torch.tensor([0.5])), 0.5 * x)


def test_srgb_curve_round_trip():
    x = torch.linspace(0, 1, 101)
    assert torch.allclose(ee.srgb_to_linear(ee.linear_to_srgb(x)), x, atol=1e-6)
    assert float(ee.linear_to_srgb(torch.tensor(0.18))) == pytest.approx(0.4614, abs=1e-4)


def test_amplified_display_brightens_a_dark_file_to_the_default_target():
    dark = torch.full((1, 3, 8, 8), 0.05)  # display value of a dark JPEG
    disp, amp = ee.amplified_display(dark)
    lin = float(ee.srgb_to_linear(torch.tensor(0.05)))
    assert float(amp.mean()) == pytest.approx(ee.M_DEFAULT, rel=1e-4)
    assert float(disp.mean()) == pytest.approx(float(ee.linear_to_srgb(torch.tensor(0.12))), rel=1e-4)
    assert math.isclose(float(ee.eq5_gain(ee.srgb_to_linear(dark))), ee.M_DEFAULT / lin, rel_tol=1e-4)


def test_noise_reduction_flattens_noise_and_keeps_the_level():
    pytest.importorskip("cv2")
    g = torch.Generator().manual_seed(4)
    flat = (0.2 + 0.03 * torch.randn(1, 3, 48, 48, generator=g)).clamp(0, 1)
    out = ee.noise_reduction(flat, 1.0)
    assert float(out.std()) < 0.5 * float(flat.std())
    assert float(out.mean()) == pytest.approx(float(flat.mean()), rel=0.05)
    assert torch.equal(ee.noise_reduction(flat, 0.0), flat)


def test_jpeg_pair_with_noise_reduction_is_the_engine_input():
    pytest.importorskip("cv2")
    from nocturne_data import pairs
    y = torch.full((1, 3, 32, 32), 0.5)
    a = pairs.jpeg_pair(y, torch.Generator().manual_seed(2), lights=0.0)
    b = pairs.jpeg_pair(y, torch.Generator().manual_seed(2), lights=0.0, noise_reduction=1.0)
    _, amp = ee.amplified_display(a["dark"])
    assert torch.allclose(b["input"], ee.linear_to_srgb(ee.noise_reduction(amp, 1.0)))
    assert float(b["input"].std()) < float(a["input"].std())
