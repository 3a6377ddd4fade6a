import torch

from nocturne_models.complexity import count_params
from nocturne_models.lamba import LambaMitraNet
from nocturne_models.weightnorm import fold_weight_norm, has_weight_norm


def _mosaic(h=64, w=96):
    return torch.rand(1, 1, h, w) * 0.5


def test_params_with_and_without_weight_norm_gains():
    net = LambaMitraNet()
    assert count_params(net) == 784_768
    fold_weight_norm(net)
    assert not has_weight_norm(net)
    assert count_params(net) == 783_432


def test_every_conv_is_weight_normalised():
    net = LambaMitraNet()
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 27  # LSE 1, MSE 2, HSE 21, FB1 2, FB2 1
    assert all(hasattr(m, "weight_g") for m in convs)
    gains = sum(m.weight_g.numel() for m in convs)
    assert gains == 1_336


def test_folding_weight_norm_keeps_outputs():
    net = LambaMitraNet().eval()
    # move the gains away from ||v|| so folding has real work to do
    with torch.no_grad():
        for m in net.modules():
            if hasattr(m, "weight_g"):
                m.weight_g.mul_(1.0 + 0.5 * torch.rand_like(m.weight_g))
    x = _mosaic()
    with torch.no_grad():
        before = net(x)
        after = fold_weight_norm(net)(x)
    assert (before - after).abs().max().item() < 1e-5


def test_output_is_clamped_rgb_at_mosaic_size():
    net = LambaMitraNet().eval()
    with torch.no_grad():
        y = net(_mosaic() * 50)
    assert y.shape == (1, 3, 64, 96)
    assert float(y.min()) >= 0.0 and float(y.max()) <= 1.0


def test_parallel_branches_match_sequential_when_scripted():
    seq = fold_weight_norm(LambaMitraNet(parallel_branches=False)).eval()
    par = LambaMitraNet(parallel_branches=True, use_weight_norm=False).eval()
    par.load_state_dict(seq.state_dict())
    s_seq = torch.jit.script(seq)
    s_par = torch.jit.script(par)
    assert "fork" in s_par.forward.graph.__str__()
    x = _mosaic(64, 64)
    with torch.no_grad():
        a = s_seq(x)
        b = s_par(x)
        c = seq(x)
    assert torch.equal(a, b)
    assert torch.allclose(a, c, atol=1e-6)


def test_inference_module_folds_a_copy_and_leaves_the_training_model_alone():
    from nocturne_models import registry
    net = LambaMitraNet().eval()
    wrapper = registry.inference_module("lamba-mitra", net)
    assert has_weight_norm(net) and not has_weight_norm(wrapper)
    x = _mosaic()
    with torch.no_grad():
        assert (wrapper(x) - net(x)).abs().max().item() < 1e-5
