#!/usr/bin/env python3
"""One command from photo packages to a shipped model package: fetch/verify the photos, make
the held-out test set, train, export, evaluate through the C++ engine, and write the model
package into models/ only if it beats HE, DHE and Retinex on its test set in PSNR, SSIM and the
correlation of its luminance with the target's.

  /usr/bin/python3 models/training/reproduce.py --id gia-net --build build
  /usr/bin/python3 models/training/reproduce.py --id ba-gan --build build --skip-train   # re-evaluate

The evaluation (what models/README.md tabulates) is written to runs/<id>/evaluation.json
whether or not the model ships; `--force` ships regardless (marked in the evaluation).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from nocturne_export.cards import CARDS
from train_many import job_commands

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

BASELINES = ("he", "dhe", "retinex")
TESTSET = os.path.join(HERE, "cache", "testset")
# Every case with lamps or lit windows (make_testset.py --lights 1): reported beside the main
# set, not a shipping gate, so that a network is judged on the set it was always judged on.
NIGHT_TESTSET = os.path.join(HERE, "cache", "testset-night")


def run(cmd, **kw):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def rel(path: str) -> str:
    return os.path.relpath(path, ROOT)


def evaluate(eval_bin: str, net_id: str, model_dir: str, test_set: str, mode: str,
             threads: int, save_dir: str = "", testset: str = TESTSET) -> dict:
    """One nocturne-eval run over the baselines and the network; returns its summary."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    args = ["--testset", testset, "--methods", ",".join(("none",) + BASELINES + (net_id,)),
            "--ratio-mode", mode, "--set", test_set, "--threads", str(threads)]
    if mode == "amplifier":
        args += ["--m", "0.5"]
    try:
        run([eval_bin] + args + ["--model-dir", model_dir, "--out", out]
            + (["--save-dir", save_dir] if save_dir else []),
            env=dict(os.environ, NOCTURNE_MODEL_PATH=model_dir))
        with open(out, encoding="utf-8") as f:
            summary = json.load(f)["sets"][test_set]["summary"]
    finally:
        os.unlink(out)
    summary["command"] = "nocturne-eval " + " ".join(a if a != testset else rel(testset) for a in args)
    return summary


# PSNR and SSIM alone can be won by a network that collapsed to a flat colour (dark targets
# have low contrast); the output's luminance must also follow the target's better than the
# baselines' does.
CRITERIA = ("psnr", "ssim", "luma_corr")


def beats_baselines(summary: dict, net_id: str) -> bool:
    net = summary[net_id]
    return all(net[k] > summary[b][k] for b in BASELINES for k in CRITERIA)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--id", required=True, choices=sorted(CARDS))
    p.add_argument("--build", required=True, help="CMake build folder with app/eval/nocturne-eval")
    p.add_argument("--out", default=os.path.join(ROOT, "models"))
    p.add_argument("--skip-train", action="store_true", help="reuse runs/<id>/checkpoint.npz")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", help="train on this device instead of the config's (the shipped "
                   "configs say cuda; --device cpu reproduces on a CPU, many times slower)")
    p.add_argument("--save-dir", help="keep nocturne-eval's output images here")
    p.add_argument("--force", action="store_true", help="ship even if it loses to a baseline")
    a = p.parse_args(argv)

    py = sys.executable
    eval_bin = os.path.join(a.build, "app", "eval", "nocturne-eval")
    if not os.access(eval_bin, os.X_OK):
        p.error(f"{eval_bin} not found: cmake --build {a.build} --target nocturne-eval")
    run_dir = os.path.join(HERE, "runs", a.id)

    run([py, os.path.join(HERE, "fetch_photos.py")])
    if not os.path.isfile(os.path.join(TESTSET, "testset.json")):
        run([py, os.path.join(HERE, "make_testset.py")])
    if not os.path.isfile(os.path.join(NIGHT_TESTSET, "testset.json")):
        run([py, os.path.join(HERE, "make_testset.py"), "--lights", "1", "--out", NIGHT_TESTSET])
    if not a.skip_train:
        # e.g. BA-GAN: the spec-head run its input-aware head is fine-tuned from comes first
        for cmd in job_commands(a.id, os.path.dirname(run_dir),
                                ["--device", a.device] if a.device else []):
            run(cmd)

    card = CARDS[a.id]
    test_set = "raw" if card.amplifier == "mosaic" else "srgb"
    export = [py, os.path.join(HERE, "export.py"), "--id", a.id, "--checkpoint",
              os.path.join(run_dir, "checkpoint.npz"), "--trained", "--fp16-storage",
              "--training-json", os.path.join(run_dir, "summary.json"), "--quiet"]
    with tempfile.TemporaryDirectory() as tmp:
        run(export + ["--out", tmp])
        evaluation = {
            "testset": f"{rel(TESTSET)} (make_testset.py, photos.json test split, seed 777), "
                       f"set '{test_set}'",
            "tool": f"nocturne-eval (C++ engine, CPU, {a.threads} threads); metrics on display "
                    "sRGB: PSNR, SSIM / MS-SSIM (Gaussian 11x11 sigma 1.5, per channel), PSNR vs "
                    "gamma-corrected target (GT-GC), luminance correlation (luma_corr)",
            "gt_ratio": evaluate(eval_bin, a.id, tmp, test_set, "gt", a.threads, a.save_dir or ""),
        }
        if test_set == "raw":
            evaluation["amplifier_eq5_m0.5"] = evaluate(eval_bin, a.id, tmp, test_set,
                                                        "amplifier", a.threads)
        evaluation["night_gt_ratio"] = evaluate(
            eval_bin, a.id, tmp, test_set, "gt", a.threads,
            os.path.join(a.save_dir, "night") if a.save_dir else "", NIGHT_TESTSET)
        evaluation["night_testset"] = (f"{rel(NIGHT_TESTSET)} (make_testset.py --lights 1: the "
                                       "same crops, each with lamps or lit windows)")
    ok = beats_baselines(evaluation["gt_ratio"], a.id)
    evaluation["beats_baselines"] = ok
    evaluation["reproduce"] = f"models/training/reproduce.py --id {a.id} --build <build>"
    if not ok and a.force:
        evaluation["shipped_despite_baselines"] = True
    path = os.path.join(run_dir, "evaluation.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(evaluation, f, indent=2)
    net = evaluation["gt_ratio"][a.id]
    best = {k: max(evaluation["gt_ratio"][b][k] for b in BASELINES) for k in CRITERIA}
    print(f"{a.id}: PSNR {net['psnr']:.2f} / SSIM {net['ssim']:.4f} / luma corr "
          f"{net['luma_corr']:.3f}; best baseline PSNR {best['psnr']:.2f} / SSIM "
          f"{best['ssim']:.4f} / luma corr {best['luma_corr']:.3f} -> "
          f"{'beats' if ok else 'LOSES to'} the baselines; evaluation in {rel(path)}")
    if not (ok or a.force):
        print(f"{a.id}: not shipped (nothing written to {a.out})")
        return 3
    run(export + ["--evaluation-json", path, "--out", a.out])
    return 0


if __name__ == "__main__":
    sys.exit(main())
