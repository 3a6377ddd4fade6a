#!/bin/sh
# Regenerates docs/screenshots/*.png: runs the editor under a virtual X server with the bundled
# sample and lets its --screenshot developer option grab the main window, the compare view and
# the batch dialog (full-colour PNGs, each kept under 700 KB).
#   packaging/screenshots.sh [BUILD_DIR]      (default: build)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$here/build"}
app="$build/app/gui/nocturne"
out="$here/docs/screenshots"
if [ ! -x "$app" ]; then
    echo "screenshots.sh: $app not found; build the 'nocturne' target first" >&2
    exit 1
fi
mkdir -p "$out"
# A throw-away settings folder so the user's window layout and parameters do not leak in.
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
XDG_CONFIG_HOME="$config" xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$app" --screenshot "$out" "$here/resources/samples/night-interior.dng"
ls -l "$out"
