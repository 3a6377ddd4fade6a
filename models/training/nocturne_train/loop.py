"""The generic training loop: batches seeded by step (so a resumed run sees the same data),
loss CSV per step, validation CSV every N steps, .npz checkpoint (save_npz) plus optimiser
state in a torch file, a PIL plot and a summary JSON for export.py --training-json."""
import csv
import json
import math
import os
import platform
import sys
import time
from typing import Dict, Iterator, List, Optional

import torch

from nocturne_data import SyntheticPairs, fixed_validation
from nocturne_data.dataset import PhotoStore
from nocturne_data import photos as ph
from nocturne_models.checkpoint import load_npz, save_npz

from .config import TrainConfig, as_dict, learning_rate
from .plot import plot_curves
from .tasks import make_task

CHECKPOINT = "checkpoint.npz"
STATE = "state.pt"


def hardware(device: str = "cpu") -> str:
    """CPU model name from /proc/cpuinfo, the core count and the GPU when training on one."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    where = "CPU only"
    if str(device).startswith("cuda"):
        where = f"GPU {torch.cuda.get_device_name(torch.device(device))}"
    return (f"{model}, {os.cpu_count()} cores (nproc), {where}, "
            f"torch threads {torch.get_num_threads()}")


def data_description(cfg: TrainConfig) -> str:
    modes = ", ".join(f"{m} {s:g}" for m, s in cfg.data.modes.items())
    return (f"synthetic pairs from photos.json split '{cfg.data.split}' "
            f"(nocturne_data.SyntheticPairs; modes: {modes}; pair kwargs "
            f"{cfg.data.pair_kwargs}); crop {cfg.crop}, batch {cfg.batch}")


class BatchSource:
    """Batch for step s = first n_k items of each mode's dataset at epoch s."""

    def __init__(self, cfg: TrainConfig, store: Optional[PhotoStore] = None):
        shares = cfg.data.modes
        total = sum(shares.values())
        counts, left = {}, cfg.batch
        names = list(shares)
        for i, m in enumerate(names):
            n = left if i == len(names) - 1 else int(round(cfg.batch * shares[m] / total))
            counts[m] = min(n, left)
            left -= counts[m]
        split = cfg.data.split
        self.store = store or PhotoStore(ph.photos_for_split(split), pack_dir=cfg.photo_pack)
        self.sets = {m: SyntheticPairs(split, m, crop=cfg.crop, length=max(1, n),
                                       seed=cfg.seed + 1000 * i, store=self.store,
                                       **cfg.data.pair_kwargs.get(m, {}))
                     for i, (m, n) in enumerate(counts.items()) if n > 0}
        self.counts = counts

    def batch(self, step: int) -> List[dict]:
        items = []
        for m, ds in self.sets.items():
            ds.set_epoch(step)
            items += [ds[i] for i in range(self.counts[m])]
        return items

    def batches(self, start: int, stop: int, workers: int = 0, pin: bool = False
                ) -> Iterator[List[dict]]:
        """Batches start..stop-1 in order. With workers > 0 they are made ahead in worker
        processes (a GPU outruns one CPU core's pair synthesis); the batch for step s is the
        same either way, since every item is seeded by its step."""
        if workers <= 0:
            for s in range(start, stop):
                yield self.batch(s)
            return
        self.store.preload()  # decoded once here, shared with the forked workers
        loader = torch.utils.data.DataLoader(_Steps(self, start, stop), batch_size=None,
                                             num_workers=workers, prefetch_factor=4,
                                             pin_memory=pin)
        yield from loader


class _Steps(torch.utils.data.Dataset):
    def __init__(self, source: BatchSource, start: int, stop: int):
        self.source, self.start, self.stop = source, start, stop

    def __len__(self) -> int:
        return self.stop - self.start

    def __getitem__(self, i: int) -> List[dict]:
        return self.source.batch(self.start + i)


def validation_items(cfg: TrainConfig) -> Dict[str, List[dict]]:
    v = cfg.validation
    out = {}
    for m in v.modes or list(cfg.data.modes):
        out[m] = fixed_validation(m, count=v.count, crop=v.crop, pack_dir=cfg.photo_pack,
                                  **cfg.data.pair_kwargs.get(m, {}))
    return out


def _append_csv(path: str, row: dict) -> None:
    """Append a row; a column seen for the first time (e.g. the discriminator's losses once the
    adversarial phase starts) rewrites the file with the wider header."""
    if os.path.exists(path):
        with open(path, newline="", encoding="utf-8") as f:
            old = list(csv.DictReader(f))
        with open(path, newline="", encoding="utf-8") as f:
            header = next(csv.reader(f), [])
        if any(k not in header for k in row):
            fields = header + [k for k in row if k not in header]
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
                w.writeheader()
                w.writerows(old)
                w.writerow(row)
            return
    else:
        header = list(row)
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.DictWriter(f, fieldnames=header).writeheader()
    with open(path, "a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, fieldnames=header, extrasaction="ignore").writerow(row)


def _read_json(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _truncate_csv(path: str, last_step: int) -> None:
    """Drop rows logged after the checkpoint a resumed run restarts from."""
    if not os.path.exists(path):
        return
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        return
    col = rows[0].index("step")
    keep = [rows[0]] + [r for r in rows[1:] if float(r[col]) <= last_step]
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(keep)


def save_state(task, run_dir: str, step: int, wall: float, cfg: TrainConfig) -> None:
    meta = {"network": cfg.network, "step": step, "config": cfg.source}
    if cfg.model_kwargs:
        # What the weights alone do not say (e.g. a residual attention-unet has no extra
        # parameter): the exporter builds the network from these.
        meta["model_kwargs"] = dict(cfg.model_kwargs)
    if "jpeg" in cfg.data.modes:
        # Trained on engine-amplified (and perhaps noise-reduced) inputs: the package must ask
        # the engine for exactly that input.
        nr = float(cfg.data.pair_kwargs.get("jpeg", {}).get("noise_reduction", 0))
        meta["engine_amplifier"] = "engine" if nr > 0 else "rgb"
        # Input and target are both sRGB-encoded (engine_exposure.linear_to_srgb), so the
        # engine must decode the output with the sRGB curve, not its reference gamma.
        meta["output_encoding"] = "srgb"
    if cfg.tone_anchor_sigma > 0:
        # The weights learnt only the detail finer than this: exported without the same
        # anchor they would be a different (untrained) function.
        meta["tone_anchor_sigma"] = float(cfg.tone_anchor_sigma)
    if cfg.data.pair_kwargs.get("raw", {}).get("target") == "camera":
        # Trained on linear camera-RGB targets: the engine must render the output's colour.
        meta["output"] = "camera_linear"
    tmp = os.path.join(run_dir, CHECKPOINT + ".tmp")
    save_npz(task.model, tmp, meta)
    os.replace(tmp, os.path.join(run_dir, CHECKPOINT))
    state = {"step": step, "wall_time_s": wall,
             "optimisers": {k: o.state_dict() for k, o in task.optimisers.items()},
             "extra": {k: m.state_dict() for k, m in task.extra_modules().items()},
             "rng": torch.get_rng_state()}
    torch.save(state, os.path.join(run_dir, STATE + ".tmp"))
    os.replace(os.path.join(run_dir, STATE + ".tmp"), os.path.join(run_dir, STATE))


def load_state(task, run_dir: str) -> Dict:
    load_npz(task.model, os.path.join(run_dir, CHECKPOINT))
    state = torch.load(os.path.join(run_dir, STATE), map_location=task.device)
    for k, o in task.optimisers.items():
        o.load_state_dict(state["optimisers"][k])
    for k, m in task.extra_modules().items():
        m.load_state_dict(state["extra"][k])
    torch.set_rng_state(state["rng"])
    if hasattr(task, "step"):
        task.step = state["step"]
    return state


def train(cfg: TrainConfig, run_dir: str, resume: bool = False, steps: Optional[int] = None,
          command: Optional[List[str]] = None, log=print) -> dict:
    """Run (or resume) cfg in run_dir; returns the summary (also written to summary.json).
    `steps` overrides cfg.steps as a stop point without changing the lr schedule."""
    os.makedirs(run_dir, exist_ok=True)
    torch.set_num_threads(cfg.threads)
    cuda = cfg.device.startswith("cuda")
    if cuda:
        torch.backends.cudnn.benchmark = True  # fixed crop sizes: pick the fastest kernels
    torch.manual_seed(cfg.seed)
    task = make_task(cfg)
    stop = int(steps if steps is not None else cfg.steps)
    start, wall0 = 0, 0.0
    loss_csv = os.path.join(run_dir, "loss.csv")
    val_csv = os.path.join(run_dir, "val.csv")
    if resume and os.path.exists(os.path.join(run_dir, STATE)):
        state = load_state(task, run_dir)
        start, wall0 = int(state["step"]), float(state["wall_time_s"])
        _truncate_csv(loss_csv, start)
        _truncate_csv(val_csv, start)
        log(f"resumed {cfg.network} at step {start}")
    elif not resume:
        for p in (loss_csv, val_csv):
            if os.path.exists(p):
                os.remove(p)
    warm = None
    if cfg.warm_start is not None:
        ws = cfg.warm_start
        base_dir = os.path.join(ph.TRAINING_DIR, ws.run)
        if start == 0:  # a resumed run already holds the warm-started weights
            task.warm_start(base_dir)
        base = _read_json(os.path.join(base_dir, "summary.json"))
        warm = {"config": ws.config, "run": ws.run, "steps": base["steps"],
                "wall_time_s": base["wall_time_s"], "hardware": base["hardware"]}
        if start == 0:
            log(f"warm start from {ws.run} ({base['steps']} steps)")
    with open(os.path.join(run_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(as_dict(cfg), f, indent=2)
    source = BatchSource(cfg)
    val = validation_items(cfg)
    t0 = time.time()
    max_wall = cfg.max_wall_s
    step = start
    stopped_early = False

    def run_validation(at: int) -> dict:
        row = {"step": at}
        for m, items in val.items():
            r = task.validate(items)
            row[f"{m}_psnr"] = round(r["psnr"], 4)
            row[f"{m}_ssim"] = round(r["ssim"], 5)
            for k in ("attention_mae", "attention_corr"):
                if k in r:
                    row[f"{m}_{k}"] = round(r[k], 4)
        _append_csv(val_csv, row)
        log("val " + " ".join(f"{k}={v}" for k, v in row.items()))
        return row

    if start == 0:
        run_validation(0)
    last_val = None
    batches = source.batches(start, stop, cfg.workers, pin=cuda)
    while step < stop:
        progress = None
        if cfg.schedule.by_wall and max_wall > 0:
            progress = (wall0 + time.time() - t0) / max_wall
        lr = learning_rate(cfg, step, progress)
        ts = time.time()
        parts = task.train_step(next(batches), lr)
        step += 1
        if not all(math.isfinite(v) for v in parts.values()):
            raise FloatingPointError(f"{cfg.network}: non-finite loss at step {step}: {parts}")
        row = {"step": step, "lr": f"{lr:.3e}", "seconds": round(time.time() - ts, 3)}
        row.update({k: f"{v:.6g}" for k, v in parts.items()})
        _append_csv(loss_csv, row)
        if step % cfg.log_every == 0:
            log(" ".join(f"{k}={v}" for k, v in row.items()))
        elapsed = wall0 + time.time() - t0
        out_of_time = max_wall > 0 and elapsed >= max_wall
        if step % cfg.validation.every == 0 or step == stop or out_of_time:
            last_val = run_validation(step)
        if step % cfg.checkpoint_every == 0 or step == stop or out_of_time:
            save_state(task, run_dir, step, wall0 + time.time() - t0, cfg)
        if out_of_time and step < stop:
            stopped_early = True
            log(f"stopping at step {step}: max_wall_s {max_wall:g} reached")
            break
    wall = wall0 + time.time() - t0
    plot_curves(loss_csv, val_csv, os.path.join(run_dir, "curves.png"),
                f"{cfg.network}: {step} steps, {wall / 60:.1f} min")
    summary = {
        "command": " ".join(command or sys.argv),
        "hardware": hardware(cfg.device),
        "steps": step,
        "planned_steps": cfg.steps,
        "stopped_early": stopped_early,
        "wall_time_s": round(wall, 1),
        "data": data_description(cfg),
        "torch_version": torch.__version__,
        "config": cfg.source,
        "optimiser": dict(as_dict(cfg.optimiser), schedule=as_dict(cfg.schedule)),
        "final_validation": last_val,
    }
    if warm:
        summary["warm_start"] = warm
    with open(os.path.join(run_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
    return summary
