"""Training configs (models/training/configs/<id>.json): one JSON object per network.

Keys (defaults in DEFAULTS): network, model_kwargs, init (default | kaiming), loss, optimiser {lr, betas},
schedule {kind: constant|cosine|step, min_lr, milestones, gamma}, crop, batch, steps,
data {modes: {mode: share}, split, pair_kwargs}, validation {every, count, crop, modes},
checkpoint_every, seed, threads, max_wall_s (stop early, recorded in the summary),
device (cpu | cuda | cuda:N), workers (processes that synthesise batches ahead; 0: in the
training process), photo_pack (a pack_photos.py folder read instead of the package cache),
gan {d_lr, adv_start, content_start, gp_weight, spectral_norm, weights} for ba-gan,
warm_start {config, run}: start from the final weights of the run that `config` (a file next to
this one) trains into `run` (relative to models/training), e.g. to fine-tune a changed head.
"""
import copy
import json
import os

from nocturne_models import registry

DEFAULTS = {
    "model_kwargs": {},
    "init": "default",
    "optimiser": {"lr": 1e-4, "betas": [0.9, 0.999]},
    "schedule": {"kind": "constant"},
    "crop": 256,
    "batch": 4,
    "steps": 1000,
    "data": {"modes": {"raw": 1.0}, "split": "train", "pair_kwargs": {}},
    "validation": {"every": 100, "count": 8, "crop": 256},
    "checkpoint_every": 100,
    "log_every": 1,
    "seed": 0,
    "threads": 2,
    "max_wall_s": 0,
    "device": "cpu",
    "workers": 0,
    "photo_pack": "",
}

LOSSES = ("lamba", "gia", "l1", "l1_ssim", "neid", "ba-gan")
DISCRIMINATOR_PATCH = 100  # BADiscriminator's fixed input size


def _merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k != "modes":
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def check(cfg: dict, where: str) -> None:
    """The checks a merged config must pass; train.py repeats them after its command-line
    overrides (a --crop or --device given there is checked like one in the file)."""
    if "network" not in cfg:
        raise ValueError(f"{where}: 'network' is required (one of {sorted(registry.NETWORKS)})")
    registry.spec(cfg["network"])
    if cfg.get("loss") not in LOSSES:
        raise ValueError(f"{where}: 'loss' must be one of {LOSSES}, got {cfg.get('loss')!r}")
    if cfg["batch"] < 1 or cfg["steps"] < 1:
        raise ValueError(f"{where}: 'batch' and 'steps' must be positive")
    if cfg["init"] not in ("default", "kaiming"):
        raise ValueError(f"{where}: 'init' must be 'default' or 'kaiming', got {cfg['init']!r}")
    shares = cfg["data"]["modes"]
    if not shares or any(s < 0 for s in shares.values()) or sum(shares.values()) <= 0:
        raise ValueError(f"{where}: data.modes needs positive shares, got {shares}")
    gan = cfg.get("gan", {})
    if cfg["loss"] == "ba-gan" and int(gan.get("adv_start", 0)) < cfg["steps"] \
            and cfg["crop"] != DISCRIMINATOR_PATCH:
        # Caught here rather than at the first adversarial step, possibly an hour in.
        raise ValueError(f"{where}: the BA-GAN discriminator takes {DISCRIMINATOR_PATCH}x"
                         f"{DISCRIMINATOR_PATCH} patches (DPED's FC layer), so 'crop' must be "
                         f"{DISCRIMINATOR_PATCH} while gan.adv_start < steps, got {cfg['crop']}")
    if str(cfg["device"]).split(":")[0] not in ("cpu", "cuda"):
        raise ValueError(f"{where}: 'device' must be cpu, cuda or cuda:N, got {cfg['device']!r}")


def load_config(path_or_dict) -> dict:
    """Read and validate a config; raises ValueError naming the file and the bad key."""
    if isinstance(path_or_dict, dict):
        raw, where = path_or_dict, "<dict>"
    else:
        where = str(path_or_dict)
        with open(where, encoding="utf-8") as f:
            raw = json.load(f)
    cfg = _merge(DEFAULTS, raw)
    check(cfg, where)
    ws = cfg.get("warm_start")
    if ws is not None:
        if not isinstance(ws, dict) or not ws.get("config") or not ws.get("run"):
            raise ValueError(f"{where}: 'warm_start' needs 'config' and 'run', got {ws!r}")
        if isinstance(path_or_dict, dict):
            raise ValueError(f"{where}: 'warm_start' needs a config file to resolve 'config'")
        base_path = os.path.join(os.path.dirname(os.path.abspath(where)), ws["config"])
        if not os.path.isfile(base_path):
            raise ValueError(f"{where}: warm_start config {base_path} does not exist")
        with open(base_path, encoding="utf-8") as f:
            base_net = json.load(f).get("network")
        if base_net != cfg["network"]:
            raise ValueError(f"{where}: warm_start config trains {base_net!r}, not {cfg['network']!r}")
        cfg["warm_start"] = dict(ws, config_path=base_path)
    cfg["source"] = where
    return cfg


def learning_rate(cfg: dict, step: int, progress: float = None) -> float:
    """lr for 0-based `step` of cfg['steps']. `progress` in [0, 1] overrides step/steps for
    the cosine decay (schedule.by_wall: the run's fraction of max_wall_s, whichever is further,
    so a run stopped by its time cap still ends at min_lr)."""
    import math
    base = float(cfg["optimiser"]["lr"])
    sch = cfg["schedule"]
    kind = sch.get("kind", "constant")
    if kind == "constant":
        return base
    if kind == "cosine":
        lo = float(sch.get("min_lr", 0.0))
        warm = int(sch.get("warmup", 0))
        if step < warm:
            return base * (step + 1) / warm
        t = min(1.0, (step - warm) / max(1, cfg["steps"] - warm))
        if progress is not None:
            t = min(1.0, max(t, progress))
        return lo + 0.5 * (base - lo) * (1.0 + math.cos(math.pi * t))
    if kind == "step":
        lr = base
        for m in sch.get("milestones", []):
            if step >= m:
                lr *= float(sch.get("gamma", 0.1))
        return lr
    raise ValueError(f"unknown schedule kind {kind!r}: use constant, cosine or step")
