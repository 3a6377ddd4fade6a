import numpy as np
import pytest
import torch

from nocturne_models import registry
from nocturne_models.checkpoint import load_npz, read_metadata, save_npz
from nocturne_models.lamba import LambaMitraNet
from nocturne_models.weightnorm import fold_weight_norm


def _perturb(model):
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.01 * torch.randn_like(p))
    return model


@pytest.mark.parametrize("net_id,shape", [("gia-net", (1, 4, 16, 16)),
                                          ("neid", (1, 3, 16, 16)),
                                          ("ba-gan", (1, 3, 20, 20))])
def test_npz_round_trip_reproduces_outputs(tmp_path, net_id, shape):
    src = _perturb(registry.build(net_id)).eval()
    path = str(tmp_path / "ckpt.npz")
    save_npz(src, path, {"net_id": net_id})
    assert read_metadata(path)["net_id"] == net_id
    dst = load_npz(registry.build(net_id), path).eval()
    x = torch.rand(shape)
    with torch.no_grad():
        a, b = src(x), dst(x)
    a = a[0] if isinstance(a, tuple) else a
    b = b[0] if isinstance(b, tuple) else b
    assert torch.equal(a, b)


def test_weight_norm_checkpoint_loads_into_folded_and_back(tmp_path):
    wn = _perturb(LambaMitraNet()).eval()
    x = torch.rand(1, 1, 64, 64)
    with torch.no_grad():
        ref = wn(x)
    p_wn = str(tmp_path / "wn.npz")
    save_npz(wn, p_wn)
    assert "hse.grouped.weight_g" in np.load(p_wn).files
    folded = load_npz(fold_weight_norm(LambaMitraNet()), p_wn).eval()
    with torch.no_grad():
        assert (folded(x) - ref).abs().max() < 1e-5
    p_f = str(tmp_path / "folded.npz")
    save_npz(folded, p_f)
    again = load_npz(LambaMitraNet(), p_f).eval()
    with torch.no_grad():
        assert (again(x) - ref).abs().max() < 1e-5


def test_mismatched_checkpoint_is_rejected(tmp_path):
    path = str(tmp_path / "sid.npz")
    save_npz(registry.build("sid-unet"), path)
    with pytest.raises(KeyError):
        load_npz(registry.build("gia-net"), path)
