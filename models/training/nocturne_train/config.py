"""Training configs (models/training/configs/<id>.json): one JSON object per network, read into
TrainConfig. A key the file leaves out takes the default below; a key that is not a field, or a
value of the wrong type, is refused with the file and the key named (typed_json). Keyword
arguments passed through to the code (model_kwargs, loss_kwargs, data.pair_kwargs,
gan.weights) are checked against the signature of the function they go to.
"""
import dataclasses
import math
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from nocturne_data.dataset import MODES, PAIR_FUNCTIONS
from nocturne_models import registry
from nocturne_models.losses import BAGANGeneratorLoss, NEIDLoss, l1_ssim_loss
from nocturne_models.tone_anchor import anchorable

from .typed_json import DERIVED, Strict, check_kwargs, from_dict, read_json

LOSSES = ("lamba", "lamba_display", "gia", "l1", "l1_ssim", "neid", "ba-gan")
# The losses that take loss_kwargs: the callable they go to, and its non-config parameters.
LOSS_KWARGS = {"neid": (NEIDLoss, ()), "l1_ssim": (l1_ssim_loss, ("pred", "target"))}
SCHEDULES = ("constant", "cosine", "step")
INITS = ("default", "kaiming")
AUTOCASTS = ("", "bf16")
DISCRIMINATOR_PATCH = 100  # BADiscriminator's fixed input size


@dataclass
class Optimiser(Strict):
    lr: float = 1e-4
    betas: List[float] = field(default_factory=lambda: [0.9, 0.999])  # Adam's


@dataclass
class Schedule(Strict):
    kind: str = "constant"  # constant | cosine | step
    min_lr: float = 0.0  # cosine: the lr at the end
    warmup: int = 0  # cosine: steps of linear warm-up
    # cosine: decay by the run's fraction of max_wall_s when that is further than step/steps,
    # so a run stopped by its time cap still ends at min_lr
    by_wall: bool = False
    milestones: List[int] = field(default_factory=list)  # step: where the lr is multiplied ...
    gamma: float = 0.1  # ... by gamma


@dataclass
class Data(Strict):
    modes: Dict[str, float] = field(default_factory=lambda: {"raw": 1.0})  # mode -> batch share
    split: str = "train"  # photos.json split
    # mode -> keyword arguments of that mode's pair function (nocturne_data.pairs)
    pair_kwargs: Dict[str, Dict[str, Any]] = field(default_factory=dict)


@dataclass
class Validation(Strict):
    every: int = 100
    count: int = 8
    crop: int = 256
    modes: List[str] = field(default_factory=list)  # empty: data.modes


@dataclass
class Gan(Strict):
    """BA-GAN's discriminator and generator loss (nocturne_train.tasks.BAGANTask)."""
    d_lr: float = 1e-4
    adv_start: int = 0  # first step with the adversarial terms
    content_start: int = 0  # first step with the VGG content term
    gp_weight: float = 10.0
    spectral_norm: bool = True
    weights: Dict[str, float] = field(default_factory=dict)  # BAGANGeneratorLoss's w_* arguments


@dataclass
class WarmStart(Strict):
    """Start from the final weights of the run that `config` (a file next to this one) trains
    into `run` (relative to models/training), e.g. to fine-tune a changed head."""
    config: str
    run: str
    # Zero the layer that makes the network's correction, so that training starts at exactly
    # its input (the engine's own rendering) with the base run's features: ba-gan's attention
    # conv (a = 0), a residual attention-unet's head. Needed when a plain attention-unet
    # moves into the residual form, whose output would otherwise be input + old output.
    start_at_input: bool = False
    config_path: str = field(default="", metadata=DERIVED)  # `config` resolved


@dataclass
class TrainConfig(Strict):
    network: str  # nocturne_models.registry id
    loss: str  # one of LOSSES
    model_kwargs: Dict[str, Any] = field(default_factory=dict)  # the network builder's arguments
    loss_kwargs: Dict[str, float] = field(default_factory=dict)  # see LOSS_KWARGS
    init: str = "default"  # default | kaiming
    optimiser: Optimiser = field(default_factory=Optimiser)
    schedule: Schedule = field(default_factory=Schedule)
    crop: int = 256
    batch: int = 4
    steps: int = 1000
    data: Data = field(default_factory=Data)
    validation: Validation = field(default_factory=Validation)
    gan: Gan = field(default_factory=Gan)
    warm_start: Optional[WarmStart] = None
    checkpoint_every: int = 100
    log_every: int = 1
    seed: int = 0
    threads: int = 2
    max_wall_s: float = 0.0  # stop early (recorded in the summary); 0: no cap
    device: str = "cpu"  # cpu | cuda | cuda:N
    workers: int = 0  # processes that synthesise batches ahead; 0: the training process
    photo_pack: str = ""  # a pack_photos.py folder read instead of the package cache
    autocast: str = ""  # "" | bf16
    # > 0: the loss sees the network's picture with its input's tones coarser than this many
    # pixels (nocturne_models.tone_anchor), as the exported package will show it; the network
    # learns only the finer detail. Same-size sRGB networks only (ba-gan, attention-unet).
    tone_anchor_sigma: float = 0.0
    source: str = field(default="", metadata=DERIVED)  # the file it was read from


def as_dict(cfg) -> dict:
    """A config, or one of its sections, as JSON-ready data (the run folder's config.json)."""
    return dataclasses.asdict(cfg)


def check(cfg: TrainConfig, where: str) -> None:
    """The checks of values a well-typed config must pass; train.py repeats them after its
    command-line overrides (a --crop or --device given there is checked like one in the file)."""
    if cfg.network not in registry.NETWORKS:
        raise ValueError(f"{where}: 'network' must be one of {sorted(registry.NETWORKS)}, "
                         f"got {cfg.network!r}")
    _one_of(where, "loss", cfg.loss, LOSSES)
    _one_of(where, "init", cfg.init, INITS)
    _one_of(where, "schedule.kind", cfg.schedule.kind, SCHEDULES)
    _one_of(where, "autocast", cfg.autocast, AUTOCASTS)
    if cfg.batch < 1 or cfg.steps < 1:
        raise ValueError(f"{where}: 'batch' and 'steps' must be positive")
    if len(cfg.optimiser.betas) != 2:
        raise ValueError(f"{where}: 'optimiser.betas' needs two numbers, got {cfg.optimiser.betas}")
    shares = cfg.data.modes
    if not shares or any(s < 0 for s in shares.values()) or sum(shares.values()) <= 0:
        raise ValueError(f"{where}: data.modes needs positive shares, got {shares}")
    for path, modes in (("data.modes", list(shares)), ("validation.modes", cfg.validation.modes),
                        ("data.pair_kwargs", list(cfg.data.pair_kwargs))):
        for m in modes:
            _one_of(where, path, m, MODES)
    for m, kwargs in cfg.data.pair_kwargs.items():
        check_kwargs(kwargs, PAIR_FUNCTIONS[m], where, f"data.pair_kwargs.{m}", skip=("y", "gen"))
    check_kwargs(cfg.model_kwargs, registry.spec(cfg.network).builder, where, "model_kwargs")
    if cfg.loss_kwargs:
        if cfg.loss not in LOSS_KWARGS:
            raise ValueError(f"{where}: loss {cfg.loss!r} takes no 'loss_kwargs' (only "
                             f"{sorted(LOSS_KWARGS)} do)")
        callee, skip = LOSS_KWARGS[cfg.loss]
        check_kwargs(cfg.loss_kwargs, callee, where, "loss_kwargs", skip)
    check_kwargs(cfg.gan.weights, BAGANGeneratorLoss, where, "gan.weights", skip=("vgg",))
    if cfg.loss == "ba-gan" and cfg.gan.adv_start < cfg.steps and cfg.crop != DISCRIMINATOR_PATCH:
        # Caught here rather than at the first adversarial step, possibly an hour in.
        raise ValueError(f"{where}: the BA-GAN discriminator takes {DISCRIMINATOR_PATCH}x"
                         f"{DISCRIMINATOR_PATCH} patches (DPED's FC layer), so 'crop' must be "
                         f"{DISCRIMINATOR_PATCH} while gan.adv_start < steps, got {cfg.crop}")
    if cfg.tone_anchor_sigma < 0:
        raise ValueError(f"{where}: 'tone_anchor_sigma' must be >= 0, got {cfg.tone_anchor_sigma}")
    if cfg.tone_anchor_sigma > 0:
        # Training anchors to the network's own input, so only the sRGB form applies here.
        if not anchorable(cfg.network) or cfg.loss in ("neid", "ba-gan"):
            raise ValueError(f"{where}: 'tone_anchor_sigma' needs a same-size sRGB network trained "
                             f"on an image loss (ba-gan or attention-unet with l1 / l1_ssim), "
                             f"not {cfg.network} with loss {cfg.loss!r}")
    if str(cfg.device).split(":")[0] not in ("cpu", "cuda"):
        raise ValueError(f"{where}: 'device' must be cpu, cuda or cuda:N, got {cfg.device!r}")


def load_config(path_or_dict) -> TrainConfig:
    """Read and check a config (a file, or a dict of what a file would hold); raises
    ValueError naming the file and the bad key."""
    if isinstance(path_or_dict, dict):
        raw, where = path_or_dict, "<dict>"
    else:
        where = str(path_or_dict)
        raw = read_json(where)
    cfg = from_dict(TrainConfig, raw, where)
    check(cfg, where)
    if cfg.warm_start is not None:
        if isinstance(path_or_dict, dict):
            raise ValueError(f"{where}: 'warm_start' needs a config file to resolve 'config'")
        _resolve_warm_start(cfg.warm_start, cfg.network, where)
    cfg.source = where
    return cfg


def _resolve_warm_start(ws: WarmStart, network: str, where: str) -> None:
    base_path = os.path.join(os.path.dirname(os.path.abspath(where)), ws.config)
    if not os.path.isfile(base_path):
        raise ValueError(f"{where}: warm_start config {base_path} does not exist")
    base_net = read_json(base_path).get("network")
    if base_net != network:
        raise ValueError(f"{where}: warm_start config trains {base_net!r}, not {network!r}")
    ws.config_path = base_path


def _one_of(where: str, path: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{where}: '{path}' must be one of {list(allowed)}, got {value!r}")


def learning_rate(cfg: TrainConfig, step: int, progress: Optional[float] = None) -> float:
    """lr for 0-based `step` of cfg.steps. `progress` in [0, 1] overrides step/steps for the
    cosine decay (schedule.by_wall: the run's fraction of max_wall_s, whichever is further)."""
    base = cfg.optimiser.lr
    sch = cfg.schedule
    if sch.kind == "constant":
        return base
    if sch.kind == "cosine":
        if step < sch.warmup:
            return base * (step + 1) / sch.warmup
        t = min(1.0, (step - sch.warmup) / max(1, cfg.steps - sch.warmup))
        if progress is not None:
            t = min(1.0, max(t, progress))
        return sch.min_lr + 0.5 * (base - sch.min_lr) * (1.0 + math.cos(math.pi * t))
    if sch.kind == "step":
        lr = base
        for m in sch.milestones:
            if step >= m:
                lr *= sch.gamma
        return lr
    raise ValueError(f"unknown schedule kind {sch.kind!r}: use one of {SCHEDULES}")
