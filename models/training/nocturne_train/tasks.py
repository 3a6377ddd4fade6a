"""Per-network training steps. A Task turns a batch of SyntheticPairs items into the network's
input, runs one optimisation step and predicts on validation items.

RAW nets (lamba-mitra, gia-net, sid-unet) get input·ratio (GT exposure ratio, as the papers):
the full mosaic unclipped for Lamba, SID-packed and clipped to 1 for SID/GIA. sRGB nets get the
8-bit dark render (mode 'camera') and/or the BA-GAN recipe input (mode 'ba-gan').
"""
import contextlib
import json
import os
from typing import Dict, List, Tuple

import torch
import torch.nn.functional as F

from nocturne_data.unprocess import pack_sid
from nocturne_models import BADiscriminator, build
from nocturne_models.ba_gan import input_head_from_spec
from nocturne_models.checkpoint import load_npz
from nocturne_models.common import kaiming_reinit
from nocturne_models.losses import (BAGANGeneratorLoss, NEIDLoss, attention_target,
                                    discriminator_loss, gia_loss, gradient_penalty, l1_ssim_loss,
                                    lamba_display_loss, lamba_loss)
from nocturne_models.msssim import ssim
from nocturne_models.tone_anchor import ToneAnchor
from nocturne_models.vgg import VGG19Features

from .config import TrainConfig


def stack(items: List[dict], key: str) -> torch.Tensor:
    return torch.stack([it[key] for it in items])


def pearson(a: torch.Tensor, b: torch.Tensor) -> float:
    """Correlation of two flat tensors; 0 when either is constant (as nocturne-eval)."""
    a, b = a - a.mean(), b - b.mean()
    den = float(a.norm() * b.norm())
    return float((a * b).sum()) / den if den > 0 else 0.0


def psnr(pred: torch.Tensor, target: torch.Tensor) -> float:
    mse = float(F.mse_loss(pred.clamp(0, 1), target))
    return float("inf") if mse == 0 else 10.0 * torch.log10(torch.tensor(1.0 / mse)).item()


class Task:
    """Generator-only task: loss(model(input), target)."""

    def __init__(self, cfg: TrainConfig):
        self.cfg = cfg
        self.net_id = cfg.network
        self.device = torch.device(cfg.device)
        self.model = build(self.net_id, **cfg.model_kwargs)
        if cfg.init == "kaiming":
            kaiming_reinit(self.model)
        self.model.to(self.device)
        opt = cfg.optimiser
        self.optimisers = {"g": torch.optim.Adam(self.model.parameters(), lr=opt.lr,
                                                 betas=tuple(opt.betas))}
        self.loss_name = cfg.loss
        self.neid_loss = NEIDLoss(**cfg.loss_kwargs) if self.loss_name == "neid" else None
        self.anchor = ToneAnchor(cfg.tone_anchor_sigma) if cfg.tone_anchor_sigma > 0 else None

    def warm_start(self, run_dir: str) -> None:
        """Load the final weights of another run of this network (its config.json says which
        architecture they fit); extra modules (the discriminator) come from its state.pt when
        present. A spec-head BA-GAN moves into an input-aware head without changing its output
        (ba_gan.input_head_from_spec)."""
        with open(os.path.join(run_dir, "config.json"), encoding="utf-8") as f:
            base_cfg = json.load(f)
        base = build(self.net_id, **base_cfg.get("model_kwargs", {}))
        load_npz(base, os.path.join(run_dir, "checkpoint.npz"))
        head = self.cfg.model_kwargs.get("attention_head")
        if head == "input" and base_cfg.get("model_kwargs", {}).get("attention_head", "spec") == "spec":
            base = input_head_from_spec(base)
        self.model.load_state_dict(base.state_dict())
        to_residual = bool(self.cfg.model_kwargs.get("residual")) and not base_cfg.get(
            "model_kwargs", {}).get("residual")
        if self.cfg.warm_start.start_at_input:
            self.zero_correction()
        elif to_residual:
            raise ValueError(f"{self.net_id}: a plain run moved into the residual form needs "
                             "warm_start.start_at_input (its output would be input + old output)")
        state_path = os.path.join(run_dir, "state.pt")
        if os.path.exists(state_path):
            extra = torch.load(state_path, map_location=self.device).get("extra", {})
            for k, m in self.extra_modules().items():
                if k in extra:
                    m.load_state_dict(extra[k])

    @torch.no_grad()
    def zero_correction(self) -> None:
        """Zero the layer whose output is the network's change to its input (WarmStart)."""
        if self.net_id == "ba-gan":
            layer = self.model.conv6  # a = tanh(0) = 0: out = x in either composition
        elif self.net_id == "attention-unet" and self.model.residual:
            layer = self.model.head  # out = x + 0
        else:
            raise ValueError(f"{self.net_id}: warm_start.start_at_input needs ba-gan or a "
                             "residual attention-unet")
        layer.weight.zero_()
        layer.bias.zero_()

    # -------------------------------------------------------------- input conventions
    def batch(self, items: List[dict], key: str) -> torch.Tensor:
        return stack(items, key).to(self.device, non_blocking=True)

    def net_input(self, items: List[dict]) -> torch.Tensor:
        x = self.batch(items, "input")
        if "ratio" in items[0] and x.shape[1] == 1:  # RAW mosaic
            x = x * self.batch(items, "ratio")[:, None, None, None]
            if self.net_id in ("sid-unet", "gia-net"):
                x = pack_sid(x.clamp_max(1.0), "RGGB")
            return x
        if self.net_id == "neid":
            h, w = x.shape[-2:]
            return F.interpolate(x, size=(h // 2, w // 2), mode="bicubic",
                                 align_corners=False).clamp(0, 1)
        return x

    def forward_image(self, x: torch.Tensor) -> torch.Tensor:
        out = self.model(x)
        out = out[0] if isinstance(out, tuple) else out
        if self.anchor is None:
            return out
        # In fp32, as the package computes it: a bf16 blur would shift the tones it keeps.
        with torch.autocast(self.device.type, enabled=False):
            return self.anchor(out.float(), x.float())

    def compute_loss(self, items: List[dict]) -> Tuple[torch.Tensor, Dict[str, float]]:
        x = self.net_input(items)
        y = self.batch(items, "target")
        if self.loss_name == "neid":
            le, dr = self.model(x)
            dr_target = self.batch(items, "input")  # DR = super-resolve the dark input (§4)
            total, parts = self.neid_loss(le, y, dr, dr_target)
            return total, {k: float(v) for k, v in parts.items()}
        pred = self.forward_image(x)
        # Losses in fp32 even under bf16 autocast: (MS-)SSIM's variances and the sRGB curve's
        # powers lose too many bits in bf16 (non-finite MS-SSIM in the first step).
        with torch.autocast(self.device.type, enabled=False):
            return self.image_loss(pred.float(), y.float())

    def image_loss(self, pred: torch.Tensor, y: torch.Tensor) -> Tuple[torch.Tensor, Dict[str, float]]:
        if self.loss_name == "lamba":
            return lamba_loss(pred, y), {}
        if self.loss_name == "lamba_display":
            return lamba_display_loss(pred, y), {}
        if self.loss_name == "gia":
            return gia_loss(pred, y), {}
        if self.loss_name == "l1_ssim":
            return l1_ssim_loss(pred, y, **self.cfg.loss_kwargs)
        return F.l1_loss(pred, y), {}

    def train_step(self, items: List[dict], lr: float) -> Dict[str, float]:
        self.model.train()
        for opt in self.optimisers.values():
            for g in opt.param_groups:
                g["lr"] = lr
        with self.autocast():
            total, parts = self.compute_loss(items)
        opt = self.optimisers["g"]
        opt.zero_grad()
        total.backward()
        opt.step()
        out = {"loss": float(total)}
        out.update(parts)
        return out

    def autocast(self):
        """bf16 autocast when the config asks for it ("autocast": "bf16"): on a CPU with
        AVX-512 BF16 it is 2-4x faster for convolutions; weights and optimiser stay fp32."""
        if self.cfg.autocast == "bf16":
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    @torch.no_grad()
    def predict(self, items: List[dict]) -> torch.Tensor:
        self.model.eval()
        return self.forward_image(self.net_input(items)).clamp(0, 1)

    @torch.no_grad()
    def score_item(self, item: dict) -> Dict[str, float]:
        """PSNR / SSIM (torch SSIM, Gaussian 11x11, per channel) of one validation item."""
        pred = self.predict([item])
        y = self.batch([item], "target")
        return {"psnr": psnr(pred, y), "ssim": float(ssim(pred, y))}

    @torch.no_grad()
    def validate(self, items: List[dict]) -> Dict[str, float]:
        """Mean of score_item over the items."""
        scores = [self.score_item(it) for it in items]
        return {k: sum(sc[k] for sc in scores) / len(scores) for k in scores[0]}

    # -------------------------------------------------------------- checkpoint state
    def extra_modules(self) -> Dict[str, torch.nn.Module]:
        return {}


class BAGANTask(Task):
    """Generator + DPED discriminator (spectral norm + gradient penalty, as the paper) with
    the five generator losses. Adversarial terms start after `gan.adv_start` steps: a
    discriminator fed by an untrained generator only adds noise to a short run. The VGG content
    term starts after `gan.content_start` steps, because on a CPU it dominates the step time
    (random VGG, see vgg.py) while contributing little to a generator that cannot yet
    reproduce the scene."""

    def __init__(self, cfg: TrainConfig):
        super().__init__(cfg)
        gan = cfg.gan
        self.disc = BADiscriminator(spectral_norm=gan.spectral_norm)
        self.disc.to(self.device)
        self.optimisers["d"] = torch.optim.Adam(self.disc.parameters(), lr=gan.d_lr,
                                                betas=tuple(cfg.optimiser.betas))
        self.d_lr_ratio = gan.d_lr / cfg.optimiser.lr
        self.adv_start = gan.adv_start
        self.content_start = gan.content_start
        self.gp_weight = gan.gp_weight
        self.gloss = BAGANGeneratorLoss(VGG19Features(), **gan.weights)
        self.gloss.to(self.device)
        self.step = 0

    def train_step(self, items: List[dict], lr: float) -> Dict[str, float]:
        self.model.train()
        self.disc.train()
        for g in self.optimisers["g"].param_groups:
            g["lr"] = lr
        for g in self.optimisers["d"].param_groups:
            g["lr"] = lr * self.d_lr_ratio
        x = self.net_input(items)
        y = self.batch(items, "target")
        y_hat, att = self.model(x)
        out: Dict[str, float] = {}
        adversarial = self.step >= self.adv_start
        if adversarial:
            d_loss = discriminator_loss(self.disc(y), self.disc(y_hat.detach()))
            gp = gradient_penalty(self.disc, y, y_hat, self.gp_weight)
            self.optimisers["d"].zero_grad()
            (d_loss + gp).backward()
            self.optimisers["d"].step()
            out["d_loss"] = float(d_loss)
            out["d_gp"] = float(gp)
            fake_logits = self.disc(y_hat)
        else:
            fake_logits = None
        total, parts = self.gloss(x, y, y_hat, att, fake_logits,
                                  with_content=self.step >= self.content_start)
        self.optimisers["g"].zero_grad()
        total.backward()
        self.optimisers["g"].step()
        self.step += 1
        out["loss"] = float(total)
        out.update({f"g_{k}": float(v) for k, v in parts.items()})
        return out

    @torch.no_grad()
    def score_item(self, item: dict) -> Dict[str, float]:
        """Image scores plus the attention map against its Eq. 4 target (mean absolute error,
        Pearson correlation: what nocturne-eval reports), from one forward pass."""
        self.model.eval()
        x = self.net_input([item])
        image, att = self.model(x)
        pred, y = image.clamp(0, 1), self.batch([item], "target")
        a = att.clamp(0, 1).flatten()
        target = attention_target(x, y).flatten()
        return {"psnr": psnr(pred, y), "ssim": float(ssim(pred, y)),
                "attention_mae": float((a - target).abs().mean()),
                "attention_corr": pearson(a, target)}

    def extra_modules(self) -> Dict[str, torch.nn.Module]:
        return {"discriminator": self.disc}


def make_task(cfg: TrainConfig) -> Task:
    return BAGANTask(cfg) if cfg.loss == "ba-gan" else Task(cfg)
