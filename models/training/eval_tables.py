#!/usr/bin/env python3
"""Markdown tables for a model card from reproduce.py's runs/<id>/evaluation.json, so the card
quotes the measured numbers rather than retyped ones.

  /usr/bin/python3 models/training/eval_tables.py --id lamba-mitra [--compare runs/X/evaluation.json]

--compare adds the network's row from an earlier evaluation (e.g. the release it replaces),
labelled with --compare-label.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = (("gt_ratio", "GT exposure ratio"), ("amplifier_eq5_m0.5", "Eq. 5 amplifier, m = 0.5"),
            ("night_gt_ratio", "Night set (lamps, lit windows), GT ratio"))
LABELS = {"none": "none (input x gain)", "he": "HE", "dhe": "DHE", "retinex": "Retinex (MSRCR)"}
COLUMNS = ("psnr", "ssim", "msssim", "psnr_gc", "luma_corr", "seconds_per_image")


def row(label: str, r: dict, bold: bool = False) -> str:
    cells = [f"{r['psnr']:.2f}", f"{r['ssim']:.4f}", f"{r['msssim']:.4f}", f"{r['psnr_gc']:.2f}",
             f"{r['luma_corr']:.3f}", f"{r['seconds_per_image']:.2f}"]
    if bold:
        label, cells = f"**{label}**", [f"**{c}**" for c in cells[:-1]] + cells[-1:]
    return "| " + " | ".join([label] + cells) + " |"


def tables(evaluation: dict, net_id: str, compare: dict | None = None,
           compare_label: str = "previous release") -> str:
    out = []
    srgb = evaluation.get("testset", "").endswith("set 'srgb'")
    for key, title in SECTIONS:
        summary = evaluation.get(key)
        if not summary:
            continue
        if srgb:  # sRGB networks and the baselines see the dark file at gain 1
            title = title.replace("GT exposure ratio", "sRGB set, no gain")
        out.append(f"| {title} | PSNR | SSIM | MS-SSIM | PSNR (GT-GC) | luma corr | s / image |")
        out.append("|---|---|---|---|---|---|---|")
        for m in ("none", "he", "dhe", "retinex"):
            out.append(row(LABELS[m], summary[m]))
        if compare and compare.get(key) and net_id in compare[key]:
            out.append(row(f"{net_id} ({compare_label})", compare[key][net_id]))
        out.append(row(net_id, summary[net_id], bold=True))
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--id", required=True)
    p.add_argument("--evaluation", help="default runs/<id>/evaluation.json")
    p.add_argument("--compare", help="an earlier evaluation.json of the same network")
    p.add_argument("--compare-label", default="previous release")
    a = p.parse_args(argv)
    path = a.evaluation or os.path.join(HERE, "runs", a.id, "evaluation.json")
    with open(path, encoding="utf-8") as f:
        evaluation = json.load(f)
    compare = None
    if a.compare:
        with open(a.compare, encoding="utf-8") as f:
            compare = json.load(f)
    print(tables(evaluation, a.id, compare, a.compare_label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
