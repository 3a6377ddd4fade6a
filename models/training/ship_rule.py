#!/usr/bin/env python3
"""The real-photo ship rule (README "Quality on real photos"): a network is offered to users only
if, at the engine's default exposure, it beats both "amplify only" (with the default noise
reduction) and the best of HE/DHE/Retinex on PSNR, SSIM and GT-mean PSNR. A network that does
not is marked "experimental" in its manifest, with the figures as the reason; the engine then
lists it only on request (nocturne-cli --experimental, View > Show Experimental Networks).

  build/app/eval/nocturne-eval-pairs --pairs ../shared/data/real-dev --json realdev.json
  build/app/eval/nocturne-eval-pairs --pairs RAWPAIRS --ratio 27 --json raw.json   # make_raw_pairs.sh
  /usr/bin/python3 models/training/ship_rule.py --srgb realdev.json --raw raw.json [--write]

sRGB networks are judged on the --srgb figures (real photos); RAW networks on --raw (real-dev
holds no RAW files, so a synthetic RAW set stands in until real RAW pairs exist). Prints the
Markdown table for the model cards; --write updates the manifests in models/.

The figures are necessary, not sufficient: a network that passes them but damages photos that a
person sees at 100 % is held back by an entry in ship_holds.json ({id: what the pictures show}),
kept with the rule so that every later run of it keeps the decision until the entry is removed.
"""
import argparse
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
HOLDS = os.path.join(HERE, "ship_holds.json")
CLASSICAL = ("he", "dhe", "retinex")
METRICS = (("psnr", "PSNR", "{:.2f}"), ("ssim", "SSIM", "{:.3f}"), ("psnr_gt_mean", "GT-mean PSNR", "{:.2f}"))


def decide(figures: dict, network: str) -> tuple[bool, str]:
    """(ships, reason) for `network` from one nocturne-eval-pairs summary ({method: {metric}})."""
    if network not in figures:
        return False, "not measured"
    net = figures[network]
    missing = [m for m in ("none",) + CLASSICAL if m not in figures]
    if missing:
        return False, "baselines missing from the evaluation: " + ", ".join(missing)
    failures = []
    for key, name, fmt in METRICS:
        best_classical = max(figures[m][key] for m in CLASSICAL)
        bar = max(figures["none"][key], best_classical)
        if not net[key] > bar:
            failures.append(f"{name} {fmt.format(net[key])} vs {fmt.format(bar)}")
    if failures:
        return False, "does not beat amplify only + noise reduction and the best classical method (" \
            + "; ".join(failures) + ")"
    return True, "beats amplify only + noise reduction and the best classical method on PSNR, SSIM and GT-mean PSNR"


def verdict(figures: dict, network: str, holds: dict) -> tuple[bool, str]:
    """decide(), then the hold: a network that passes the figures but is held ships not."""
    ships, reason = decide(figures, network)
    if ships and network in holds:
        net = figures[network]
        return False, (f"passes the figures (PSNR {net['psnr']:.2f}, SSIM {net['ssim']:.3f}, "
                       f"GT-mean PSNR {net['psnr_gt_mean']:.2f}) but is held back after looking "
                       f"at its pictures: {holds[network]}")
    return ships, reason


def load(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


def summary(doc: dict) -> dict:
    return doc["sets"]["all"]


def worst_frames(doc: dict, method: str) -> str:
    """How the method's own outputs compare with "amplify only" on the same photos: how many
    lose GT-mean PSNR, and the largest losses of GT-mean PSNR and SSIM, with their frames. The
    means decide; this says whether a mean hides damaged photos. "" without per-frame scores
    (JSON from before nocturne-eval-pairs wrote them)."""
    frames = doc.get("frames", {})
    deltas = [(name, out[method]["psnr_gt_mean"] - out["none"]["psnr_gt_mean"],
               out[method]["ssim"] - out["none"]["ssim"])
              for name, out in frames.items() if method in out and "none" in out]
    if not deltas or method == "none":
        return ""
    worse = sum(1 for _, g, _ in deltas if g < 0)
    g_name, g, _ = min(deltas, key=lambda d: d[1])
    s_name, _, s = min(deltas, key=lambda d: d[2])
    return (f"{worse} of {len(deltas)} lose; worst {g:+.2f} dB ({g_name}), "
            f"SSIM {s:+.3f} ({s_name})")


def table(doc: dict, ids: list[str], label: str) -> str:
    figures = summary(doc)
    lines = [f"| method ({label}) | PSNR | SSIM | GT-mean PSNR | brightness out/ref | s / image "
             f"| frames against none |",
             "|---|---|---|---|---|---|---|"]
    for m in ["none"] + list(CLASSICAL) + ids:
        if m in figures:
            r = figures[m]
            lines.append(f"| {m} | {r['psnr']:.2f} | {r['ssim']:.3f} | {r['psnr_gt_mean']:.2f} | "
                         f"{r['brightness']:.2f} | {r['seconds_per_image']:.2f} | "
                         f"{worst_frames(doc, m)} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--srgb", required=True, help="nocturne-eval-pairs JSON on real-dev")
    ap.add_argument("--raw", help="nocturne-eval-pairs JSON on a RAW pair set")
    ap.add_argument("--models", default=MODELS)
    ap.add_argument("--write", action="store_true", help="update the manifests")
    ap.add_argument("--holds", default=HOLDS, help="networks held back despite their figures")
    args = ap.parse_args(argv)
    holds = load(args.holds) if os.path.exists(args.holds) else {}
    srgb_doc = load(args.srgb)
    raw_doc = load(args.raw) if args.raw else {}
    srgb = summary(srgb_doc)
    raw = summary(raw_doc) if raw_doc else {}
    manifests = sorted(glob.glob(os.path.join(args.models, "*.json")))
    by_kind = {"srgb": [], "raw": []}
    for path in manifests:
        with open(path) as f:
            manifest = json.load(f)
        if not manifest.get("trained"):
            continue
        kind = "srgb" if manifest["input_kind"] == "srgb" else "raw"
        by_kind[kind].append(manifest["id"])
        figures = srgb if kind == "srgb" else raw
        if not figures:
            continue  # no figures for this kind: its manifests keep their verdict
        ships, reason = verdict(figures, manifest["id"], holds)
        where = "real-dev (50 real pairs)" if kind == "srgb" else "the synthetic RAW pairs (make_raw_pairs.sh)"
        print(f"{manifest['id']}: {'ships' if ships else 'experimental'}: {reason}, on {where}")
        if args.write:
            manifest["experimental"] = not ships
            if ships:
                manifest.pop("experimental_reason", None)
            else:
                manifest["experimental_reason"] = f"on {where} it {reason}"
            with open(path, "w") as f:
                json.dump(manifest, f, indent=2)
                f.write("\n")
    print()
    print(table(srgb_doc, by_kind["srgb"], "real-dev"))
    if raw:
        print()
        print(table(raw_doc, by_kind["raw"], "synthetic RAW pairs"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
