import colorsys

import pytest
import torch

from nocturne_models import losses
from nocturne_models.ba_gan import BADiscriminator
from nocturne_models.vgg import VGG19Features


@pytest.fixture(scope="module")
def vgg():
    return VGG19Features()


def _pair(shape=(2, 3, 32, 32)):
    y = torch.rand(shape)
    x = (y * 0.3 + 0.05 * torch.rand(shape)).requires_grad_(True)
    return x, y


def _check_grad(loss, x):
    loss.backward()
    assert torch.isfinite(loss)
    assert x.grad is not None and torch.isfinite(x.grad).all()
    assert x.grad.abs().sum() > 0


@pytest.mark.parametrize("fn", [losses.lamba_loss, losses.lamba_display_loss, losses.gia_loss,
                                lambda a, b: losses.gia_loss(a, b, gamma=0.16),
                                losses.color_loss, losses.attention_loss,
                                lambda a, b: 1 - losses.ms_ssim(a, b)])
def test_pairwise_losses_are_zero_on_identical_and_differentiable(fn):
    x, y = _pair()
    assert abs(float(fn(y, y.clone()))) < 1e-6
    _check_grad(fn(x, y), x)


def test_display_loss_weighs_shadow_errors_like_the_eye():
    # The same absolute error costs far more in the shadows once encoded, and the encoding is
    # the sRGB curve (continuous, linear below 0 so negative outputs still get gradients).
    assert float(losses.srgb_encode(torch.tensor(0.5))) == pytest.approx(0.7354, abs=1e-4)
    assert float(losses.srgb_encode(torch.tensor(-0.01))) == pytest.approx(-0.1292, abs=1e-6)
    dark, bright = torch.full((1, 3, 64, 64), 0.01), torch.full((1, 3, 64, 64), 0.5)
    d = losses.lamba_display_loss(dark + 0.005, dark)
    b = losses.lamba_display_loss(bright + 0.005, bright)
    assert float(d) > 5 * float(b)
    assert float(losses.lamba_loss(dark + 0.005, dark)) == pytest.approx(
        float(losses.lamba_loss(bright + 0.005, bright)), rel=0.5)


def test_ms_ssim_orders_distortions():
    y = torch.rand(1, 3, 64, 64)
    mild = (y + 0.02 * torch.randn_like(y)).clamp(0, 1)
    heavy = (y + 0.3 * torch.randn_like(y)).clamp(0, 1)
    assert 1.0 > losses.ms_ssim(mild, y) > losses.ms_ssim(heavy, y)
    with pytest.raises(ValueError):
        losses.ms_ssim(torch.rand(1, 1, 8, 8), torch.rand(1, 1, 8, 8))


def test_content_loss_zero_on_identical_and_differentiable(vgg):
    x, y = _pair()
    assert float(losses.content_loss(vgg, y, y.clone())) == 0.0
    _check_grad(losses.content_loss(vgg, x, y), x)
    assert not any(p.requires_grad for p in vgg.parameters())


def test_random_vgg_is_deterministic():
    a, b = VGG19Features(seed=3), VGG19Features(seed=3)
    assert torch.equal(a.features[0].weight, b.features[0].weight)
    assert len(a.features) == 36  # up to relu5_4


def test_total_variation():
    assert float(losses.total_variation(torch.full((1, 3, 8, 8), 0.4))) == 0.0
    x, _ = _pair()
    _check_grad(losses.total_variation(x), x)


def test_attention_target_follows_eq4():
    x = torch.tensor([0.1, 0.2, 0.05]).view(1, 3, 1, 1)
    y = torch.tensor([0.4, 0.8, 0.2]).view(1, 3, 1, 1)
    a = losses.attention_target(x, y)
    assert a.shape == (1, 1, 1, 1)
    assert float(a) == pytest.approx((0.8 - 0.2) / 0.8, abs=1e-5)
    # brighter input than target clamps to 0; black target stays finite
    assert float(losses.attention_target(y, x)) == 0.0
    assert torch.isfinite(losses.attention_target(x, torch.zeros_like(x))).all()


def test_adversarial_and_gradient_penalty_are_differentiable():
    d = BADiscriminator(spectral_norm=True)
    real = torch.rand(2, 3, 100, 100)
    fake = torch.rand(2, 3, 100, 100, requires_grad=True)
    g_loss = losses.adversarial_loss(d(fake), real=True)
    _check_grad(g_loss, fake)
    d.zero_grad()
    d_loss = losses.discriminator_loss(d(real), d(fake.detach())) + \
        losses.gradient_penalty(d, real, fake, weight=10.0)
    d_loss.backward()
    grads = [p.grad for p in d.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)


def test_ba_gan_total_loss(vgg):
    crit = losses.BAGANGeneratorLoss(vgg)
    x, y = _pair()
    y_hat = (x * 2).clamp(0, 1)
    att = torch.rand(2, 1, 32, 32, requires_grad=True)
    total, parts = crit(x.detach(), y, y_hat, att, fake_logits=torch.randn(2, 2))
    assert set(parts) == {"attention", "content", "tv", "color", "adv"}
    total.backward()
    assert torch.isfinite(x.grad).all() and torch.isfinite(att.grad).all()
    target_att = losses.attention_target(x.detach(), y)
    same, parts = crit(x.detach(), y, y, target_att)
    assert float(parts["attention"]) == 0 and float(parts["content"]) == 0
    assert float(parts["color"]) == 0


def test_rgb_to_hsv_matches_colorsys():
    rgb = torch.rand(1, 3, 4, 5)
    hsv = losses.rgb_to_hsv(rgb, eps=1e-12)
    for i in range(4):
        for j in range(5):
            ref = colorsys.rgb_to_hsv(*rgb[0, :, i, j].tolist())
            got = hsv[0, :, i, j].tolist()
            assert got == pytest.approx(list(ref), abs=1e-5)


def test_neid_loss_zero_on_identical_and_differentiable():
    crit = losses.NEIDLoss(delta=0.5)
    le_t, dr_t = torch.rand(2, 3, 16, 16), torch.rand(2, 3, 16, 16)
    gray = torch.full((1, 3, 8, 8), 0.5)
    assert float(crit(le_t, le_t.clone(), dr_t, dr_t.clone())[0]) < 1e-6
    assert float(crit(gray, gray.clone())[0]) < 1e-6
    le = torch.rand(2, 3, 16, 16, requires_grad=True)
    dr = torch.rand(2, 3, 16, 16, requires_grad=True)
    total, parts = crit(le, le_t, dr, dr_t)
    assert set(parts) == {"huber", "hue", "saturation", "dr"}
    total.backward()
    assert torch.isfinite(le.grad).all() and torch.isfinite(dr.grad).all()


def test_ba_gan_l1_term_only_when_weighted(vgg):
    x, y = _pair()
    y_hat = (x * 2).clamp(0, 1).detach()
    att = losses.attention_target(x.detach(), y)
    _, paper = losses.BAGANGeneratorLoss(vgg)(x.detach(), y, y_hat, att)
    assert "l1" not in paper
    total, parts = losses.BAGANGeneratorLoss(vgg, w_l1=3.0)(x.detach(), y, y_hat, att)
    expected = (y_hat - y).abs().sum() / (2.0 * y.shape[0])
    assert float(parts["l1"]) == pytest.approx(float(expected), rel=1e-6)
    paper_total = sum(w * float(paper[k]) for k, w in
                      (("attention", 0.5), ("content", 10.0), ("tv", 2000.0), ("color", 0.5)))
    assert float(total) == pytest.approx(paper_total + 3.0 * float(expected), rel=1e-5)


def test_neid_loss_pulls_out_of_range_outputs_towards_the_target():
    """Regression: HSV terms on unclamped outputs had exploding saturation gradients near and
    below 0 (delta / max_c) that pushed a training run to black. Gradient descent on the
    total loss must now lower the Huber term from a partly negative start."""
    torch.manual_seed(0)
    target = torch.rand(2, 3, 16, 16) * 0.8 + 0.1
    le = (torch.rand(2, 3, 16, 16) * 0.4 - 0.3).requires_grad_(True)
    crit = losses.NEIDLoss()
    n = le.numel()  # the Huber term is a mean: scale the step to per-element units
    opt = torch.optim.SGD([le], lr=0.5 * n)
    first = None
    for _ in range(20):
        total, parts = crit(le, target)
        first = float(parts["huber"]) if first is None else first
        opt.zero_grad()
        total.backward()
        assert torch.isfinite(le.grad).all() and float(le.grad.abs().max()) * n < 200.0
        opt.step()
    assert float(crit(le, target)[1]["huber"]) < 0.5 * first
