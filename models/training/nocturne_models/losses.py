"""Training losses for the five networks (networks.md sections 3-6). All differentiable, and
zero (or ~0) on identical inputs where the loss compares two images.

- Lamba:   0.8 * l1 + 0.2 * (1 - MS-SSIM)                       `lamba_loss`
           the same on sRGB-encoded linear outputs                `lamba_display_loss`
- GIA:     gamma * l1 + (1 - gamma) * (1 - MS-SSIM), gamma=0.84  `gia_loss`
- BA-GAN:  DPED-weighted attention + adversarial + content + TV + colour  `BAGANGeneratorLoss`,
           discriminator side `discriminator_loss` + `gradient_penalty`
- NEID:    Huber(delta) + 0.1 MSE(DR) + 0.1 (L_H + L_S)          `NEIDLoss`
"""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .msssim import gaussian_kernel1d, ms_ssim, ssim
from .vgg import VGG19Features


# ---------------------------------------------------------------- l1 + MS-SSIM (Lamba, GIA)
def l1_msssim_loss(pred: torch.Tensor, target: torch.Tensor, l1_weight: float,
                   msssim_weight: float) -> torch.Tensor:
    return l1_weight * F.l1_loss(pred, target) + msssim_weight * (1.0 - ms_ssim(pred, target))


def lamba_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Paper form 0.8 l1 + 0.2 (1 - MS-SSIM) (the official code uses 1.0 l1)."""
    return l1_msssim_loss(pred, target, 0.8, 0.2)


def srgb_encode(x: torch.Tensor) -> torch.Tensor:
    """The sRGB transfer curve, extended linearly below 0 so that negative predictions keep a
    finite gradient."""
    lin = 12.92 * x
    curve = 1.055 * x.clamp_min(0.0031308) ** (1.0 / 2.4) - 0.055
    return torch.where(x <= 0.0031308, lin, curve)


def lamba_display_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Lamba's loss on sRGB-encoded values, for nets whose output is linear camera RGB: in
    linear values the shadows, where the noise is, would weigh almost nothing."""
    return lamba_loss(srgb_encode(pred), srgb_encode(target))


def gia_loss(pred: torch.Tensor, target: torch.Tensor, gamma: float = 0.84) -> torch.Tensor:
    """gamma on l1 as the GIA paper writes it; Zhao et al. put 0.84 on MS-SSIM (gamma=0.16)."""
    return l1_msssim_loss(pred, target, gamma, 1.0 - gamma)


def l1_ssim_loss(pred: torch.Tensor, target: torch.Tensor, ssim_weight: float = 0.2
                 ) -> Tuple[torch.Tensor, Dict[str, float]]:
    """Restoration in the engine's exposure: L1 keeps the tones, the SSIM term the local
    structure that real-photo SSIM scores. pred is taken in fp32: under autocast it is bf16."""
    l1 = F.l1_loss(pred.float(), target)
    s = ssim(pred.float().clamp(0, 1), target)
    return l1 + ssim_weight * (1.0 - s), {"l1": float(l1), "ssim": float(s)}


# ---------------------------------------------------------------- BA-GAN
def attention_target(x: torch.Tensor, y: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Eq. 4: A = (max_c y - max_c x) / (max_c y + eps), clamped to [0, 1]; (B,1,H,W)."""
    my = y.max(dim=1, keepdim=True)[0]
    mx = x.max(dim=1, keepdim=True)[0]
    return ((my - mx) / (my + eps)).clamp(0.0, 1.0)


def attention_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """L2, DPED colour-style normalisation: sum of squares / (2 * batch)."""
    return ((pred - target) ** 2).sum() / (2.0 * pred.shape[0])


def adversarial_loss(logits: torch.Tensor, real: bool) -> torch.Tensor:
    """Batch-summed cross-entropy against class 1 ("real") or 0 ("fake"), as DPED."""
    labels = torch.full((logits.shape[0],), 1 if real else 0, dtype=torch.long,
                        device=logits.device)
    return F.cross_entropy(logits, labels, reduction="sum")


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    return adversarial_loss(real_logits, True) + adversarial_loss(fake_logits, False)


def gradient_penalty(discriminator: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     weight: float = 10.0) -> torch.Tensor:
    """WGAN-GP on random interpolates; the critic score is logit(real) - logit(fake)."""
    alpha = torch.rand(real.shape[0], 1, 1, 1, device=real.device, dtype=real.dtype)
    mix = (alpha * real.detach() + (1.0 - alpha) * fake.detach()).requires_grad_(True)
    logits = discriminator(mix)
    score = logits[:, 1] - logits[:, 0]
    grad = torch.autograd.grad(score.sum(), mix, create_graph=True)[0]
    return weight * ((grad.flatten(1).norm(dim=1) - 1.0) ** 2).mean()


def total_variation(img: torch.Tensor) -> torch.Tensor:
    """mean(dx^2) + mean(dy^2); zero on a constant image."""
    dx = img[..., :, 1:] - img[..., :, :-1]
    dy = img[..., 1:, :] - img[..., :-1, :]
    return (dx ** 2).mean() + (dy ** 2).mean()


def gaussian_blur(img: torch.Tensor, size: int = 21, sigma: float = 3.0) -> torch.Tensor:
    """Per-channel Gaussian blur, zero 'same' padding (TF SAME, as DPED)."""
    c = img.shape[1]
    k = gaussian_kernel1d(size, sigma).to(img)
    img = F.conv2d(img, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), padding=(0, size // 2), groups=c)
    return F.conv2d(img, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), padding=(size // 2, 0), groups=c)


def color_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """DPED colour loss: sum((blur(pred) - blur(target))^2) / (2 * batch)."""
    return ((gaussian_blur(pred) - gaussian_blur(target)) ** 2).sum() / (2.0 * pred.shape[0])


def content_loss(vgg: VGG19Features, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """MSE between relu5_4 features (see vgg.py for the random-weights deviation)."""
    with torch.no_grad():
        ft = vgg(target)
    return F.mse_loss(vgg(pred), ft)


class BAGANGeneratorLoss(nn.Module):
    """W_a L_a + W_adv L_adv + W_con L_con + W_tv L_tv + W_col L_col with DPED defaults.

    `w_l1` (default 0, i.e. the paper's loss) adds a pixel l1 term in the same Sigma/2B form.
    It exists because the content term here runs on a random VGG-19 (vgg.py): without
    pretrained features nothing but the blurred colour term ties the output's detail to the
    target, and short runs then converge to flat colour."""

    def __init__(self, vgg: Optional[VGG19Features] = None, w_attention: float = 0.5,
                 w_adv: float = 1.0, w_content: float = 10.0, w_tv: float = 2000.0,
                 w_color: float = 0.5, w_l1: float = 0.0):
        super().__init__()
        self.vgg = vgg if vgg is not None else VGG19Features()
        self.w = dict(attention=w_attention, adv=w_adv, content=w_content, tv=w_tv,
                      color=w_color, l1=w_l1)

    def forward(self, x: torch.Tensor, y: torch.Tensor, y_hat: torch.Tensor,
                attention: torch.Tensor, fake_logits: Optional[torch.Tensor] = None,
                with_content: bool = True) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """`with_content=False` skips the VGG term: it costs ~85 % of a CPU step, so a
        schedule may warm the generator up without it (BAGANTask `content_start`)."""
        parts = {
            "attention": attention_loss(attention, attention_target(x, y)),
            "tv": total_variation(y_hat),
            "color": color_loss(y_hat, y),
        }
        if with_content:
            parts["content"] = content_loss(self.vgg, y_hat, y)
        if self.w["l1"] > 0:
            parts["l1"] = (y_hat - y).abs().sum() / (2.0 * y.shape[0])
        if fake_logits is not None:
            parts["adv"] = adversarial_loss(fake_logits, True)
        total = sum(self.w[k] * v for k, v in parts.items())
        return total, parts


# ---------------------------------------------------------------- NEID
def rgb_to_hsv(rgb: torch.Tensor, eps: float = 1e-3) -> torch.Tensor:
    """Differentiable RGB -> HSV, all in [0,1]. Gray pixels get hue 0. The chroma divisor is
    clamped at `eps`, which bounds the hue gradient near gray (hue is ill-defined there)."""
    r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    maxc, argmax = rgb.max(dim=1)
    minc = rgb.min(dim=1)[0]
    delta = maxc - minc
    safe = delta.clamp_min(eps)
    h_r = torch.remainder((g - b) / safe, 6.0)
    h_g = (b - r) / safe + 2.0
    h_b = (r - g) / safe + 4.0
    h = torch.where(argmax == 0, h_r, torch.where(argmax == 1, h_g, h_b)) / 6.0
    h = torch.where(delta > 0, h, torch.zeros_like(h))
    s = delta / (maxc + 1e-8)
    return torch.stack([h, s, maxc], dim=1)


def cosine_distance(a: torch.Tensor, b: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Mean over the batch of 1 - cos(flattened a_i, flattened b_i); exactly 0 for a == b,
    including all-zero maps (eps sits in numerator and denominator)."""
    a = a.flatten(1)
    b = b.flatten(1)
    num = (a * b).sum(1) + eps
    den = torch.sqrt((a * a).sum(1) + eps) * torch.sqrt((b * b).sum(1) + eps)
    return (1.0 - num / den).mean()


class NEIDLoss(nn.Module):
    def __init__(self, delta: float = 1.0, dr_weight: float = 0.1, hs_weight: float = 0.1):
        super().__init__()
        self.delta = delta
        self.dr_weight = dr_weight
        self.hs_weight = hs_weight

    def forward(self, le: torch.Tensor, le_target: torch.Tensor,
                dr: Optional[torch.Tensor] = None, dr_target: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        # HSV of the displayable image: on unclamped outputs the saturation delta / max_c
        # explodes as max_c nears 0 or goes negative, and it drove a short run to black.
        hp, ht = rgb_to_hsv(le.clamp(0.0, 1.0)), rgb_to_hsv(le_target)
        parts = {
            "huber": F.huber_loss(le, le_target, delta=self.delta),
            "hue": cosine_distance(hp[:, 0], ht[:, 0]),
            "saturation": cosine_distance(hp[:, 1], ht[:, 1]),
        }
        total = parts["huber"] + self.hs_weight * (parts["hue"] + parts["saturation"])
        if dr is not None and dr_target is not None:
            parts["dr"] = F.mse_loss(dr, dr_target)
            total = total + self.dr_weight * parts["dr"]
        return total, parts
