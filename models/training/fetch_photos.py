#!/usr/bin/python3
"""Fetch the photographs Nocturne trains on from Debian packages and curate them.

    /usr/bin/python3 models/training/fetch_photos.py                    # recreate cache, verify
    /usr/bin/python3 models/training/fetch_photos.py --rebuild-manifest # re-curate, rewrite
    /usr/bin/python3 models/training/fetch_photos.py --contact-sheet /tmp/sheet.png

Packages are fetched with `apt-get download` into models/training/cache/debs/ and unpacked
with `dpkg-deb -x` into models/training/cache/extract/<package>/ (git-ignored). The committed
manifest models/training/photos.json lists the kept pictures with their sha256 and split;
photos_curation.json holds the by-eye allow/deny decisions. See nocturne_data/README.md.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

from nocturne_data import photo_select as sel
from nocturne_data import photos

# Wallpaper/sample-image packages of Debian bookworm. python3-skimage (not -lib, which is
# only compiled code) ships skimage/data with astronaut, coffee, chelsea, ...
CANDIDATES = (
    "plasma-workspace-wallpapers", "mate-backgrounds", "ukui-wallpapers", "gnome-backgrounds",
    "desktop-base", "lomiri-wallpapers", "lomiri-wallpapers-16.04", "lomiri-wallpapers-20.04",
    "sway-backgrounds", "python3-skimage",
)
# Only these folders of a package are searched (others hold test fixtures, icons, ...).
PACKAGE_ROOTS = {"python3-skimage": "usr/lib/python3/dist-packages/skimage/data"}
MAX_PACKAGE_BYTES = 300 * 1024 * 1024
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
DEB_DIR = os.path.join(photos.CACHE_DIR, "debs")


def log(msg: str) -> None:
    print(msg, flush=True)


def apt_field(package: str, field: str) -> str | None:
    out = subprocess.run(["apt-cache", "show", "--no-all-versions", package],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    for line in out.stdout.splitlines():
        if line.startswith(field + ":"):
            return line.split(":", 1)[1].strip()
    return None


def download(package: str, version: str | None) -> str | None:
    """Return the .deb path, downloading it if the cache lacks it."""
    os.makedirs(DEB_DIR, exist_ok=True)
    existing = sorted(glob.glob(os.path.join(DEB_DIR, f"{package}_*.deb")))
    if existing:
        return existing[-1]
    targets = [f"{package}={version}", package] if version else [package]
    for attempt in range(2):
        for target in targets:
            r = subprocess.run(["apt-get", "download", target], cwd=DEB_DIR,
                               capture_output=True, text=True)
            found = sorted(glob.glob(os.path.join(DEB_DIR, f"{package}_*.deb")))
            if r.returncode == 0 and found:
                if target != targets[0]:
                    log(f"  warning: {package} {version} is no longer available; got "
                        f"{os.path.basename(found[-1])} (sha256 checks below decide)")
                return found[-1]
        if attempt == 0:  # lists may be missing or stale on a fresh machine
            log("  apt-get download failed; running apt-get update once")
            subprocess.run(["apt-get", "update"], capture_output=True)
    log(f"  error: could not download {package}: {r.stderr.strip()[-300:]}")
    return None


def extract(package: str, deb: str) -> str:
    dest = photos.extract_dir(package)
    marker = os.path.join(dest, ".nocturne-extracted")
    if os.path.exists(marker) and open(marker).read().strip() == os.path.basename(deb):
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    subprocess.run(["dpkg-deb", "-x", deb, dest], check=True)
    with open(marker, "w") as f:
        f.write(os.path.basename(deb) + "\n")
    return dest


def ensure_packages(wanted: dict[str, str | None]) -> dict[str, dict]:
    """wanted: package -> pinned version (None = current). Skips missing/huge packages."""
    got = {}
    for package, version in wanted.items():
        size = apt_field(package, "Size")
        if size is None:
            log(f"- {package}: not known to apt-cache, skipped")
            continue
        if int(size) > MAX_PACKAGE_BYTES:
            log(f"- {package}: {int(size) / 2**20:.0f} MiB is over the limit, skipped")
            continue
        deb = download(package, version)
        if deb is None:
            continue
        extract(package, deb)
        actual = subprocess.run(["dpkg-deb", "-f", deb, "Version"], capture_output=True,
                                text=True, check=True).stdout.strip()
        got[package] = {"version": actual, "deb_bytes": os.path.getsize(deb)}
        log(f"- {package} {actual}: {os.path.getsize(deb) / 2**20:.1f} MiB")
    return got


def list_images(package: str) -> list[str]:
    root = photos.extract_dir(package)
    sub = os.path.join(root, PACKAGE_ROOTS.get(package, ""))
    found = []
    for dirpath, _, files in os.walk(sub):
        for name in files:
            if name.lower().endswith(IMAGE_EXTENSIONS):
                found.append(os.path.relpath(os.path.join(dirpath, name), root))
    return sorted(found)


def curate(packages: dict[str, dict], contact_sheet: str | None) -> dict:
    curation = {"allow": {}, "deny": {}}
    if os.path.exists(photos.CURATION_PATH):
        with open(photos.CURATION_PATH, encoding="utf-8") as f:
            curation = json.load(f)
    allow, deny = curation.get("allow", {}), curation.get("deny", {})

    dropped, cands = [], []
    for package in packages:
        for rel in list_images(package):
            key = f"{package}/{rel}"
            path = os.path.join(photos.extract_dir(package), rel)
            reason = None
            try:
                w, h = photos.image_size(path)
                rgb = photos.load_rgb8(path, max_side=512)
            except (OSError, ValueError) as e:  # e.g. skimage's deliberately truncated.jpg
                dropped.append({"package": package, "path": rel,
                                "reason": f"undecodable ({e})"})
                continue
            if key in deny:
                reason = "curated: " + deny[key]
            elif key not in allow:
                word = sel.denied_by_name(rel)
                if word:
                    reason = f"name contains '{word}'"
                elif min(w, h) < sel.MIN_SHORT_SIDE:
                    reason = f"too small ({w}x{h})"
            if reason:
                dropped.append({"package": package, "path": rel, "reason": reason})
                continue
            feats = sel.photo_features(rgb)
            cands.append({"package": package, "path": rel, "file": path, "width": w,
                          "height": h, "features": feats, "key": key, "thumb": rgb,
                          "sig": sel.thumbnail_signature(rgb)})

    # Duplicates first, over every decodable candidate: the largest copy of a picture is the
    # one judged (and the one the by-eye lists name), the others are reported as duplicates.
    dups = sel.find_duplicates([c["sig"] for c in cands],
                               [c["width"] * c["height"] for c in cands])

    if contact_sheet:
        # One thumbnail per distinct picture, whatever its score, so the eye can overrule.
        shown = [c for i, c in enumerate(cands) if i not in dups]
        pages = sel.contact_sheet([c["thumb"] for c in shown],
                                  [f"{i} {c['features'].score:.2f} {os.path.basename(c['path'])}"
                                   for i, c in enumerate(shown)], contact_sheet)
        with open(os.path.splitext(contact_sheet)[0] + ".txt", "w") as f:
            for i, c in enumerate(shown):
                ft = c["features"]
                f.write(f"{i}\t{c['key']}\t{c['width']}x{c['height']}\tscore={ft.score:.2f} "
                        f"col={ft.colour_fraction:.3f} flat={ft.flat_fraction:.2f} "
                        f"mgrad={ft.median_gradient:.2f} kurt={ft.gradient_kurtosis:.1f} "
                        f"sat={ft.mean_saturation:.2f} chroma={ft.chroma:.3f}\n")
        log(f"contact sheets: {', '.join(pages)} (+ .txt with features)")

    distinct = []
    for i, c in enumerate(cands):
        if i in dups:
            twin = cands[dups[i]]
            dropped.append({"package": c["package"], "path": c["path"],
                            "reason": f"duplicate of {twin['key']}"})
        else:
            distinct.append(c)

    # With "allow_only" the by-eye allow-list is authoritative: a candidate nobody has looked
    # at (e.g. after a package update) is dropped and must be reviewed on a contact sheet.
    allow_only = bool(curation.get("allow_only", False))
    kept = []
    for c in distinct:
        ft = c["features"]
        if c["key"] in allow:
            kept.append(c)
            continue
        if ft.chroma <= 0.01:
            reason = "grayscale"
        elif ft.score < sel.PHOTO_SCORE_MIN:
            reason = f"photo score {ft.score:.2f}"
        elif allow_only:
            reason = f"not in the curated allow-list (photo score {ft.score:.2f})"
        else:
            kept.append(c)
            continue
        dropped.append({"package": c["package"], "path": c["path"], "reason": reason})

    entries = []
    for c in kept:
        digest = sel.sha256_file(c["file"])
        entries.append({"package": c["package"], "path": c["path"], "width": c["width"],
                        "height": c["height"], "sha256": digest,
                        "split": sel.split_for(c["package"], digest),
                        "photo_score": round(c["features"].score, 3),
                        "allowed_by_eye": c["key"] in allow})
    entries.sort(key=lambda e: (e["package"], e["path"]))
    dropped.sort(key=lambda e: (e["package"], e["path"]))
    return {
        "format_version": 1,
        "description": "Photographs from Debian packages used to synthesise low-light pairs; "
                       "recreate with models/training/fetch_photos.py",
        "split_rule": sel.SPLIT_RULE,
        "packages": packages,
        "photos": entries,
        "dropped": dropped,
    }


def verify(manifest: dict) -> int:
    bad = 0
    for p in manifest["photos"]:
        path = photos.photo_file(p)
        if not os.path.exists(path):
            log(f"MISSING {p['package']}/{p['path']}")
            bad += 1
        elif sel.sha256_file(path) != p["sha256"]:
            log(f"SHA256 MISMATCH {p['package']}/{p['path']}")
            bad += 1
    return bad


DROP_KINDS = (("undecodable", "undecodable"), ("curated:", "denied by eye"),
              ("name contains", "name keyword"), ("too small", "too small"),
              ("grayscale", "grayscale"), ("photo score", "photo score"),
              ("not in the curated", "not allowed by eye"), ("duplicate", "duplicate"))


def drop_kind(reason: str) -> str:
    return next((label for prefix, label in DROP_KINDS if reason.startswith(prefix)), "other")


def summary(manifest: dict) -> None:
    counts = {s: 0 for s in photos.SPLITS}
    for p in manifest["photos"]:
        counts[p["split"]] += 1
    reasons: dict[str, int] = {}
    for d in manifest["dropped"]:
        kind = drop_kind(d["reason"])
        reasons[kind] = reasons.get(kind, 0) + 1
    log(f"kept {len(manifest['photos'])} photos: " +
        ", ".join(f"{s} {n}" for s, n in counts.items()))
    log(f"dropped {len(manifest['dropped'])}: " +
        ", ".join(f"{k} {n}" for k, n in sorted(reasons.items())))
    per_pkg: dict[str, int] = {}
    for p in manifest["photos"]:
        per_pkg[p["package"]] = per_pkg.get(p["package"], 0) + 1
    log("kept per package: " + ", ".join(f"{k} {n}" for k, n in sorted(per_pkg.items())))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rebuild-manifest", action="store_true",
                    help="re-curate all candidate packages and rewrite photos.json")
    ap.add_argument("--contact-sheet", metavar="PNG",
                    help="write a thumbnail grid of the candidates (implies re-curation, "
                         "but photos.json is only rewritten with --rebuild-manifest)")
    args = ap.parse_args()

    have_manifest = os.path.exists(photos.MANIFEST_PATH)
    if have_manifest and not (args.rebuild_manifest or args.contact_sheet):
        manifest = photos.load_manifest()
        # Only the packages that still contribute photos are needed to train.
        used = {p["package"] for p in manifest["photos"]}
        ensure_packages({k: v["version"] for k, v in manifest["packages"].items() if k in used})
        bad = verify(manifest)
        summary(manifest)
        if bad:
            log(f"{bad} photo(s) failed verification: the packages changed upstream; "
                "rerun with --rebuild-manifest and review the new split")
            return 1
        log("manifest verified: every photo's sha256 matches")
        return 0

    packages = ensure_packages({p: None for p in CANDIDATES})
    manifest = curate(packages, args.contact_sheet)
    summary(manifest)
    if args.rebuild_manifest or not have_manifest:
        with open(photos.MANIFEST_PATH, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1)
            f.write("\n")
        log(f"wrote {photos.MANIFEST_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
