#!/usr/bin/env bash
# Renders the application icon's PNG sizes from the SVG. The PNGs are committed so that builds
# need no SVG renderer; run this after editing the SVG (needs rsvg-convert: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")"
id=io.github.nocturne.Nocturne
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "hicolor/${size}x${size}/apps"
    rsvg-convert -w "$size" -h "$size" "$id.svg" -o "hicolor/${size}x${size}/apps/$id.png"
done

# Windows .ico and macOS .icns from the rendered PNGs (Pillow writes both formats; on macOS,
# `iconutil -c icns` on an .iconset folder gives the same result).
/usr/bin/python3 - "$id" <<'PY'
import sys
from PIL import Image
icon_id = sys.argv[1]
big = Image.open(f"hicolor/512x512/apps/{icon_id}.png").convert("RGBA")
big.save("nocturne.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
big.save("nocturne.icns")
PY
