"""Unprocessing, mosaic phases, demosaic and SID packing (nocturne_data.unprocess)."""

import pytest
import torch

from nocturne_data import unprocess as up


def smooth_image(b=2, h=48, w=64, seed=0):
    """Smooth, moderately saturated colours in [0.05, 0.85]: nothing clips in camera space."""
    g = torch.Generator().manual_seed(seed)
    low = torch.rand(b, 3, 6, 8, generator=g)
    img = torch.nn.functional.interpolate(low, size=(h, w), mode="bilinear", align_corners=False)
    gray = img.mean(dim=1, keepdim=True)
    return (0.05 + 0.8 * (gray + 0.5 * (img - gray))).clamp(0, 1)


def test_round_trip_recovers_image():
    y = smooth_image()
    meta = up.random_metadata(2, torch.Generator().manual_seed(1))
    assert up.psnr(up.process(up.unprocess(y, meta), meta), y) > 40.0


def test_tone_curve_inverses():
    y = torch.linspace(0, 1, 101)
    assert torch.allclose(up.smoothstep(up.inverse_smoothstep(y)), y, atol=1e-5)
    assert torch.allclose(up.gamma_compress(up.gamma_expand(y[1:])), y[1:], atol=1e-5)


def test_random_ccm_rows_sum_to_one_and_white_stays_white():
    m = up.random_rgb2cam(16, torch.Generator().manual_seed(3))
    assert torch.allclose(m.sum(dim=2), torch.ones(16, 3, dtype=m.dtype), atol=1e-9)
    meta = up.random_metadata(4, torch.Generator().manual_seed(4))
    gray = torch.full((4, 3, 4, 4), 0.5)
    out = up.process(up.unprocess(gray, meta), meta)
    assert torch.allclose(out, gray, atol=1e-3)


def test_safe_gain_inversion_keeps_highlights():
    meta = up.random_metadata(1, torch.Generator().manual_seed(5))
    white = torch.ones(1, 3, 2, 2)
    cam = up.unprocess(white, meta)
    # A plain inversion would divide white by red/blue gains (~2): the safe one keeps it high.
    assert float(cam.min()) > 0.9


@pytest.mark.parametrize("cfa,expect", [
    ("RGGB", [[0, 1], [1, 2]]), ("GRBG", [[1, 0], [2, 1]]),
    ("GBRG", [[1, 2], [0, 1]]), ("BGGR", [[2, 1], [1, 0]]),
])
def test_mosaic_places_colours(cfa, expect):
    rgb = torch.tensor([0.1, 0.5, 0.9])[None, :, None, None].expand(1, 3, 4, 6)
    m = up.mosaic(rgb, cfa)[0, 0]
    for r in range(4):
        for c in range(6):
            assert m[r, c] == pytest.approx(float(rgb[0, expect[r % 2][c % 2], 0, 0]))


@pytest.mark.parametrize("cfa", ["RGGB", "GRBG", "GBRG", "BGGR"])
def test_pack_sid_order_and_demosaic_flat(cfa):
    rgb = torch.tensor([0.1, 0.5, 0.9])[None, :, None, None].expand(1, 3, 8, 8).contiguous()
    bayer = up.mosaic(rgb, cfa)
    packed = up.pack_sid(bayer, cfa)
    assert packed.shape == (1, 4, 4, 4)
    assert torch.allclose(packed[0, :, 0, 0], torch.tensor([0.1, 0.5, 0.9, 0.5]))
    assert torch.allclose(up.demosaic_bilinear(bayer, cfa), rgb, atol=1e-6)


def test_pack_sid_matches_models_package_when_present():
    common = pytest.importorskip("nocturne_models.common")
    bayer = torch.rand(1, 1, 8, 8)
    for cfa in ("RGGB", "GRBG", "GBRG", "BGGR"):
        assert torch.equal(up.pack_sid(bayer, cfa), common.pack_bayer(bayer, cfa))


def test_process_is_differentiable():
    meta = up.random_metadata(1, torch.Generator().manual_seed(6))
    x = torch.full((1, 1, 8, 8), 0.2, requires_grad=True)
    up.process_mosaic(x, meta).mean().backward()
    assert x.grad is not None and float(x.grad.abs().sum()) > 0


def test_unknown_cfa_rejected():
    with pytest.raises(ValueError, match="CFA"):
        up.mosaic(torch.zeros(1, 3, 2, 2), "RGBG")
