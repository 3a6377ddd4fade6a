"""Noise models (nocturne_data.noise): statistics on flat fields."""
import math

import pytest
import torch

from nocturne_data import noise as nz


def fixed_params(k=2.0, ratio=100.0, sigma_read=3.0, sigma_row=1.5, bits=14, tukey=False):
    black = 512.0 if bits == 14 else 128.0
    t = lambda v, dt=torch.float64: torch.tensor([v], dtype=dt)  # noqa: E731
    return {"K": t(k), "ratio": t(ratio), "sigma_read": t(sigma_read), "sigma_row": t(sigma_row),
            "tukey_lambda": t(-0.026 if tukey else 0.0), "read_is_tukey": t(tukey, torch.bool),
            "bits": t(bits, torch.int64), "black": t(black), "white": t(2.0 ** bits - 1)}


def test_shot_noise_variance_is_k_times_signal():
    p = fixed_params(k=2.0, ratio=100.0)
    x = torch.full((1, 1, 256, 256), 0.8)
    dn = nz.eld_noise(x, p, torch.Generator().manual_seed(0), read=False, row=False,
                      quantise=False) - 512.0
    signal = 0.8 * (16383 - 512) / 100.0
    assert float(dn.mean()) == pytest.approx(signal, rel=0.01)
    assert float(dn.var()) == pytest.approx(2.0 * signal, rel=0.05)


def test_row_noise_is_constant_along_rows():
    p = fixed_params(sigma_row=2.0)
    x = torch.full((1, 1, 64, 32), 0.5)
    dn = nz.eld_noise(x, p, torch.Generator().manual_seed(1), shot=False, read=False,
                      quantise=False)
    assert torch.allclose(dn.std(dim=3), torch.zeros(1, 1, 64, dtype=dn.dtype), atol=1e-9)
    assert float(dn[0, 0, :, 0].std()) > 0.5


@pytest.mark.parametrize("tukey", [False, True])
def test_read_noise_scale(tukey):
    p = fixed_params(sigma_read=3.0, tukey=tukey)
    x = torch.zeros(1, 1, 256, 256)
    dn = nz.eld_noise(x, p, torch.Generator().manual_seed(2), shot=False, row=False,
                      quantise=False) - 512.0
    # Tukey-lambda near 0 is logistic-like: std = sigma * pi / sqrt(3).
    expect = 3.0 * (math.pi / math.sqrt(3.0) if tukey else 1.0)
    assert float(dn.std()) == pytest.approx(expect, rel=0.05)


@pytest.mark.parametrize("bits", [12, 14])
def test_quantisation_within_bits(bits):
    p = fixed_params(bits=bits, ratio=1.0)
    x = torch.rand(1, 1, 64, 64, generator=torch.Generator().manual_seed(3)) * 1.2
    dn = nz.eld_noise(x, p, torch.Generator().manual_seed(4))
    assert torch.equal(dn, dn.round())
    assert float(dn.min()) >= 0 and float(dn.max()) <= 2 ** bits - 1
    assert float(dn.max()) == 2 ** bits - 1  # clipped highlights saturate at white
    norm = nz.normalise_dn(dn, p)
    assert float(norm.min()) >= 0.0 and float(norm.max()) == pytest.approx(1.0)


def test_sampled_eld_params_in_ranges():
    p = nz.sample_eld_params(2000, torch.Generator().manual_seed(5))
    assert float(p["ratio"].min()) >= 50.0 and float(p["ratio"].max()) <= 300.0
    assert set(p["bits"].tolist()) == {12, 14}
    k14 = p["K"] * (16383 - 512) / (p["white"] - p["black"])
    assert float(k14.min()) >= math.exp(-1.672) * 0.999
    assert float(k14.max()) <= math.exp(2.516) * 1.001
    assert torch.all(p["black"][p["bits"] == 14] == 512)
    rec = nz.record(p)[0]
    for key in ("K", "ratio", "sigma_read", "sigma_row", "bits", "black"):
        assert key in rec


def test_brooks_read_shot_relation():
    p = nz.sample_brooks_params(20000, torch.Generator().manual_seed(6))
    ls, lr = p["lambda_shot"].log(), p["lambda_read"].log()
    assert float(ls.min()) >= math.log(1e-4) - 1e-9 and float(ls.max()) <= math.log(0.012) + 1e-9
    a = torch.stack([ls, torch.ones_like(ls)], dim=1)
    slope, icpt = torch.linalg.lstsq(a, lr[:, None]).solution.flatten().tolist()
    assert slope == pytest.approx(2.18, abs=0.03) and icpt == pytest.approx(1.20, abs=0.15)
    assert float((lr - 2.18 * ls - 1.20).std()) == pytest.approx(0.26, rel=0.05)


def test_brooks_noise_variance():
    p = {"lambda_shot": torch.tensor([0.01]), "lambda_read": torch.tensor([1e-4])}
    x = torch.full((1, 1, 256, 256), 0.3)
    n = nz.brooks_noise(x, p, torch.Generator().manual_seed(7))
    assert float(n.var()) == pytest.approx(1e-4 + 0.01 * 0.3, rel=0.05)


def test_log_ratio_gives_each_doubling_of_darkness_the_same_share():
    g = torch.Generator().manual_seed(4)
    uni = nz.sample_eld_params(4000, g, ratio_range=(5.0, 320.0))["ratio"]
    g = torch.Generator().manual_seed(4)
    log = nz.sample_eld_params(4000, g, ratio_range=(5.0, 320.0), log_ratio=True)["ratio"]
    assert float(log.min()) >= 5.0 and float(log.max()) <= 320.0
    # 5-10 is one of six doublings: a sixth of log-uniform draws, under 2 % of uniform ones.
    assert abs(float((log < 10).double().mean()) - 1 / 6) < 0.03
    assert float((uni < 10).double().mean()) < 0.02
