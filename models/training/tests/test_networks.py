"""Shapes (incl. padding rules for odd sizes), parameter counts, scripting of inference forms."""
import io

import pytest
import torch

from nocturne_models import registry
from nocturne_models.attention_unet import AttentionUNet
from nocturne_models.ba_gan import BADiscriminator, BAGenerator, input_head_from_spec
from nocturne_models.complexity import count_params
from nocturne_models.neid import NEID


def _small(net_id):
    # Attention U-Net at base 64 is 39.6 M params; its padding/scripting does not depend on width.
    return AttentionUNet(base=8) if net_id == "attention-unet" else registry.build(net_id)


# (net id, odd input H, W) - the wrapper must pad to the multiple and crop back.
ODD_SIZES = [
    ("lamba-mitra", 70, 38),
    ("gia-net", 21, 27),
    ("sid-unet", 17, 35),
    ("attention-unet", 30, 18),
    ("ba-gan", 25, 37),
    ("neid", 19, 23),
]


@pytest.mark.parametrize("net_id,h,w", ODD_SIZES)
def test_inference_form_scripts_and_restores_size(net_id, h, w):
    s = registry.spec(net_id)
    model = _small(net_id).eval()
    wrapper = registry.inference_module(net_id, model)
    scripted = torch.jit.script(wrapper)
    x = torch.rand(1, s.in_channels, h, w)
    with torch.no_grad():
        eager = wrapper(x)
        out = scripted(x)
    assert out.shape == (1, s.out_channels, h * s.scale_factor, w * s.scale_factor)
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0
    assert torch.allclose(out, eager, atol=1e-5)
    buf = io.BytesIO()
    torch.jit.save(scripted, buf)
    buf.seek(0)
    with torch.no_grad():
        assert torch.equal(torch.jit.load(buf)(x), out)


@pytest.mark.parametrize("net_id", ["lamba-mitra", "gia-net", "sid-unet", "neid"])
def test_aligned_input_needs_no_padding(net_id):
    s = registry.spec(net_id)
    model = registry.build(net_id).eval()
    m = s.size_multiple
    x = torch.rand(1, s.in_channels, 2 * m, m)
    with torch.no_grad():
        raw = model(x)
        raw = raw[0] if isinstance(raw, tuple) else raw
        wrapped = registry.inference_module(net_id, model)(x)
    assert torch.allclose(raw.clamp(0, 1), wrapped, atol=1e-5)


@pytest.mark.parametrize("net_id,expected,tolerance", [
    ("lamba-mitra", 784_768, 0),
    ("gia-net", 8_285_804, 0),
    ("sid-unet", 7_760_000, 0.005),
    ("attention-unet", 39_620_000, 0.005),
    ("ba-gan", 1_580_000, 0.005),
    ("neid", 10_820_000, 0.005),
])
def test_parameter_counts_match_networks_md(net_id, expected, tolerance):
    n = count_params(registry.build(net_id))
    assert abs(n - expected) <= tolerance * expected, n


def test_neid_dr_head_only_adds_its_conv():
    with_head = count_params(NEID())
    without = count_params(NEID(with_dr_head=False))
    assert with_head == 10_826_360
    assert with_head - without == 32 * 12 * 9 + 12


def test_neid_training_form_returns_le_and_dr_and_drop_leaves_le():
    net = NEID().eval()
    x = torch.rand(1, 3, 16, 32)
    with torch.no_grad():
        le, dr = net(x)
        assert le.shape == dr.shape == (1, 3, 32, 64)
        le_only = net.drop_dr_head()(x)
    assert torch.equal(le, le_only)


def test_attention_unet_returns_gate_maps_at_each_level():
    net = AttentionUNet(base=8).eval()
    scripted = torch.jit.script(net)
    x = torch.rand(1, 3, 32, 48)
    out, alphas = scripted.forward_with_attention(x)
    assert out.shape == (1, 3, 32, 48)
    assert [a.shape[-2:] for a in alphas] == [(4, 6), (8, 12), (16, 24), (32, 48)]
    assert all(float(a.min()) >= 0 and float(a.max()) <= 1 for a in alphas)


def test_attention_unet_code_quirk_gate_is_at_least_half():
    net = AttentionUNet(base=8, relu_in_gate=True).eval()
    _, alphas = net.forward_with_attention(torch.rand(1, 3, 16, 16))
    assert all(float(a.min()) >= 0.5 for a in alphas)


@pytest.mark.parametrize("h,w", [(100, 100), (101, 57), (7, 9), (1, 1)])
def test_ba_gan_generator_handles_any_size(h, w):
    g = BAGenerator().eval()
    x = torch.rand(2, 3, h, w)
    with torch.no_grad():
        y, a = g(x)
    assert y.shape == x.shape and a.shape == (2, 1, h, w)
    assert float(y.min()) >= 0.0 and float(y.max()) <= 1.0


def test_ba_gan_compositions_differ_as_specified():
    torch.manual_seed(0)
    add = BAGenerator("additive").eval()
    blend = BAGenerator("blend").eval()
    blend.load_state_dict(add.state_dict())
    x = torch.rand(1, 3, 20, 20) * 0.2
    with torch.no_grad():
        y1, a = add(x)
        y2, _ = blend(x)
        # same weights, so both share A and T; additive gives A_hat*T = y1 - x where unclamped
        a_hat = a.clamp(0, 1)
        a_t = y1 - x
        expected_blend = a_t + (1 - a_hat) * x
    mask = (y1 > 0) & (y1 < 1) & (expected_blend > 0) & (expected_blend < 1)
    mask = mask.expand_as(y1)
    assert torch.allclose(y2[mask], expected_blend[mask], atol=1e-5)
    with pytest.raises(ValueError):
        BAGenerator("multiply")


@pytest.mark.parametrize("composition", ["additive", "blend"])
def test_input_head_from_spec_keeps_the_function_and_can_learn_from_x(composition):
    torch.manual_seed(3)
    spec = BAGenerator(composition=composition).eval()
    with torch.no_grad():  # a non-trivial spec head: T has both signs, the bias matters
        spec.conv6.weight.normal_(0, 0.5)
        spec.conv6.bias.fill_(0.2)
    wide = input_head_from_spec(spec).eval()
    x = torch.rand(2, 3, 29, 34)
    (img_s, att_s), (img_w, att_w) = spec(x), wide(x)
    assert wide.conv6.in_channels == 16
    assert float((att_s - att_w).abs().max()) < 1e-5
    assert float((img_s - img_w).abs().max()) < 1e-5
    assert float(att_s.std()) > 0.01  # the comparison is not between two constants
    # The input-seeing features start with zero weight in Conv6 but get a gradient.
    att_w.sum().backward()
    assert float(wide.conv6.weight.grad[:, 6:].abs().sum()) > 0


def test_input_head_from_spec_refuses_an_input_head():
    with pytest.raises(ValueError):
        input_head_from_spec(BAGenerator(attention_head="input"))


def test_ba_gan_discriminator_dped_shape_and_params():
    d = BADiscriminator()
    assert abs(count_params(d) - 7_370_000) <= 0.005 * 7_370_000
    assert d(torch.rand(2, 3, 100, 100)).shape == (2, 2)
    sn = BADiscriminator(spectral_norm=True)
    assert sn(torch.rand(1, 3, 100, 100)).shape == (1, 2)
    with pytest.raises(ValueError):
        d(torch.rand(1, 3, 64, 64))


def test_registry_knows_every_network():
    assert set(registry.NETWORKS) == {"lamba-mitra", "gia-net", "sid-unet", "attention-unet",
                                      "ba-gan", "neid"}
    assert registry.spec("lamba-mitra").input_kind == "bayer_mosaic"
    assert registry.spec("gia-net").input_kind == "packed_4ch"
    assert registry.spec("neid").scale_factor == 2
    assert registry.spec("neid").input_shape(512, 512) == (1, 3, 256, 256)
    with pytest.raises(KeyError):
        registry.spec("nope")


def test_residual_attention_unet_adds_its_input_and_a_zero_head_is_the_identity():
    torch.manual_seed(0)
    plain = AttentionUNet(base=8).eval()
    res = AttentionUNet(base=8, residual=True).eval()
    res.load_state_dict(plain.state_dict())  # the same parameters: only the sum differs
    x = torch.rand(1, 3, 32, 32)
    assert torch.allclose(torch.jit.script(res)(x), x + plain(x), atol=1e-6)
    with torch.no_grad():
        res.head.weight.zero_()
        res.head.bias.zero_()
    assert torch.equal(torch.jit.script(res)(x), x)
    with pytest.raises(ValueError, match="residual"):
        AttentionUNet(base=8, out_channels=1, residual=True)
