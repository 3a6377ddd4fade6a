#!/bin/sh
# Writes a small RAW evaluation set in the real-dev layout (<out>/bundled_raw/{low,high}) for
# nocturne-eval-pairs: the bundled sample's scene rendered by nocturne-make-sample as a dark
# noisy capture (low/*.dng) and as the same scene with RATIO times more light, rendered by the
# CLI with no gain and no noise reduction (high/*.png, a nearly noise-free reference).
#   models/training/make_raw_pairs.sh BUILD_DIR OUT_DIR [RATIO]
# Then: nocturne-eval-pairs --pairs OUT_DIR --ratio RATIO --methods none,he,dhe,retinex,lamba-mitra,sid-unet,gia-net
# (RATIO = the exposure ratio between the two captures, default 27). Synthetic: a yardstick for
# RAW networks, not a real photo.
set -eu
build=$1
out=$2
make="$build/tests/support/nocturne-make-sample"
cli="$build/app/cli/nocturne-cli"
ratio=${3:-27}
bright=8.1
dark=$(awk -v b="$bright" -v r="$ratio" 'BEGIN { printf "%.6f", b / r }')
mkdir -p "$out/bundled_raw/low" "$out/bundled_raw/high" "$out/tmp"
for seed in 2026 7 11; do
    "$make" --exposure "$dark" --seed "$seed" "$out/bundled_raw/low/street-$seed.dng"
    "$make" --exposure "$bright" --seed "$seed" "$out/tmp/street-$seed.dng"
    "$cli" --method none --ratio 1 --noise-reduction 0 --format png --bits 16 --suffix "" \
        --overwrite overwrite -q "$out/tmp/street-$seed.dng" -o "$out/bundled_raw/high" >/dev/null
done
rm -rf "$out/tmp"
