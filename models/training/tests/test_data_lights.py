"""Light sources in synthetic night scenes (nocturne_data.lights and the pair samplers)."""

import pytest
import torch

from nocturne_data import lights as lt
from nocturne_data import pairs


def flat(b=2, size=64, level=0.4):
    return torch.full((b, 3, size, size), level)


def gen(seed):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("fn", [pairs.raw_pair, pairs.camera_srgb_pair])
def test_lights_off_keeps_the_old_pairs(fn):
    # lights=0 must draw no random numbers, so existing configs keep their exact data.
    y = flat()
    a, b = fn(y, gen(3)), fn(y, gen(3), lights=0.0)
    assert torch.equal(a["input"], b["input"]) and torch.equal(a["target"], b["target"])
    assert not torch.equal(a["input"], fn(y, gen(3), lights=1.0)["input"])


def test_lamps_are_bright_in_the_dark_capture_and_clip_in_the_target():
    y = flat(level=0.4)
    dark = pairs.raw_pair(y, gen(5), ratio_range=(100.0, 100.0))
    lit = pairs.raw_pair(y, gen(5), ratio_range=(100.0, 100.0), lights=1.0)
    # Without sources nothing in a 100x darker capture of a mid-grey scene comes near white...
    assert float(dark["input"].max()) < 0.05
    # ...with them, the lamps' cores do (peaks of 0.3-3x white in linear sRGB, somewhat less
    # on the mosaic once the camera matrix and inverse white balance are applied).
    for i in range(2):
        assert float(lit["input"][i].max()) > 0.1
        assert float(lit["target"][i].min(dim=0).values.max()) == pytest.approx(1.0, abs=1e-3)
    # The lamps are local: most of the frame stays as dark as the scene around them.
    assert float(lit["input"].median()) < 0.05


def test_light_field_pool_and_sources():
    added, gain = lt.light_field(96, 128, gen(11), ratio=200.0)
    assert added.shape == (3, 96, 128) and gain.shape == (1, 96, 128)
    assert float(added.min()) >= 0.0
    # Sources sit far above white at the normal exposure (they are 0.3-3x white after /ratio).
    assert float(added.max()) > 0.3 * 200.0 * 0.9
    # Illumination: 1 at most (pools do not overexpose the scene), a floor of at least 0.25.
    assert float(gain.max()) <= 1.0 + 1e-9 and float(gain.min()) >= 0.25 - 1e-9
    assert float(gain.max() - gain.min()) > 0.0 or float(gain.min()) == pytest.approx(1.0)


def test_lit_probability_and_reproducibility():
    y = flat(b=16, size=32)
    a = pairs.camera_srgb_pair(y, gen(9), lights=0.5)
    b = pairs.camera_srgb_pair(y, gen(9), lights=0.5)
    assert torch.equal(a["input"], b["input"])
    lit = [r["lit"] for r in a["noise"]]
    assert 0 < sum(lit) < 16  # some samples lit, some not
    # Unlit samples of a flat scene stay flat-ish; lit ones have a bright core.
    for i, is_lit in enumerate(lit):
        assert (float(a["input"][i].max()) > 0.3) == bool(is_lit)
