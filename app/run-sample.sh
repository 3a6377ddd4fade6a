#!/usr/bin/env bash
# Enhances the bundled dark sample photo: `./dev.sh run` calls this with the build folder.
#   app/run-sample.sh BUILD_DIR
# With a display and the editor built, opens the sample in the editor; otherwise runs the CLI
# and prints where the result went.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build_dir=$1
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sample="$repo_root/resources/samples/night-interior.dng"
out_dir="$repo_root/out"

if [[ ! -f "$sample" ]]; then
    echo "run-sample: $sample is missing; see resources/samples/README.md to regenerate it" >&2
    exit 1
fi

# The editor, once it exists, is the nicer way to look at the sample.
gui="$build_dir/app/gui/nocturne"
if [[ -x "$gui" && ( -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ) ]]; then
    echo "run-sample: opening $sample in the editor"
    exec "$gui" "$sample"
fi

cli="$build_dir/app/cli/nocturne-cli"
if [[ ! -x "$cli" ]]; then
    echo "run-sample: $cli not found; build first (./dev.sh run builds)" >&2
    exit 1
fi

# The CLI's own defaults (method "auto", the calibrated exposure and noise reduction): what a
# user gets on any photo, with nothing chosen for this one.
echo "run-sample: enhancing $(basename "$sample") with the default settings"

written=$("$cli" --overwrite overwrite "$sample" -o "$out_dir")
echo "run-sample: wrote $written"
