"""Params / MACs vs the networks.md table (MACs fitted on small inputs and extrapolated)."""
import pytest
import torch
import torch.nn as nn

from nocturne_models.complexity import TABLE, count_macs, measure


def test_mac_conventions():
    m = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1, groups=2),
                      nn.ConvTranspose2d(8, 6, 2, stride=2),
                      nn.Flatten(), nn.Linear(6 * 8 * 8, 5))
    macs = count_macs(m, torch.zeros(1, 4, 4, 4))
    assert macs == 8 * 16 * 2 * 9 + 8 * 16 * 6 * 4 + 384 * 5


def test_linear_extrapolation_matches_a_direct_count():
    from nocturne_models.gia_net import GIANet
    net = GIANet().eval()
    direct = count_macs(net, torch.zeros(1, 4, 96, 80))
    from nocturne_models.complexity import fit_macs
    a, b = fit_macs(net, lambda h, w: torch.zeros(1, 4, h, w), ((32, 32), (64, 48)))
    assert a * 96 * 80 + b == pytest.approx(direct, rel=1e-9)


@pytest.mark.parametrize("net_id", sorted(TABLE))
def test_gmac_and_params_match_table(net_id):
    params, g512, gbig = TABLE[net_id]
    r = measure(net_id)
    assert r["params"] == pytest.approx(params, rel=0.005)
    assert r["gmac_512"] == pytest.approx(g512, rel=0.01)
    if gbig == gbig:  # not NaN
        assert r["gmac_4240x2832"] == pytest.approx(gbig, rel=0.01)


def test_exact_published_figures():
    assert measure("lamba-mitra")["gmac_512"] == pytest.approx(1.288, abs=5e-4)
    assert measure("gia-net")["gmac_512"] == pytest.approx(12.21, abs=5e-3)
    assert measure("sid-unet")["gmac_512"] == pytest.approx(12.11, abs=5e-3)
