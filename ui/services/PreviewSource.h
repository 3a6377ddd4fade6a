#pragma once

#include <memory>
#include <string>

#include <QSize>
#include <QString>

#include "core/image/DecodedImage.h"
#include "core/base/Result.h"

namespace nocturne::ui {

// A screen-size proxy of one photo, what the editor previews on: decoded with the fast path
// (half-size RAW) and downscaled to about kPreviewPixels, the Bayer mosaic kept for RAW networks.
// `key` identifies the proxy for the Pipeline's StageCache (path, mtime, size, proxy size), so a
// gamma-only change never re-runs the enhancer.
// Thread: an immutable value once built; load() may run on any thread.
struct PreviewSource {
    static constexpr long long kPreviewPixels = 2'000'000;

    std::shared_ptr<const core::DecodedImage> image;
    std::string key;
    QString path;
    QSize fullSize;   // of the original, for zoom percentages and the status bar

    bool isNull() const { return !image; }

    // Decodes `path` for previewing (errors name the file).
    static core::Result<PreviewSource> load(const QString& path, long long maxPixels = kPreviewPixels);
    // Decodes `path` at full resolution (no half-size RAW, no downscale, mosaic unbinned): what
    // the view shows when zoomed in beyond what the preview proxy can show.
    static core::Result<PreviewSource> loadFull(const QString& path);
    // The largest photo (in pixels) the editor decodes; larger ones are refused before
    // allocating, with the limit in the message. Process-wide: set once at start-up from the
    // "limits/maxPixels" setting or --max-pixels (default: core::DecodeOptions's 200 MP).
    static void setDecodeLimit(long long pixels);
    static long long decodeLimit();
    // Wraps an already decoded image (tests, the compare view); downscales it when larger.
    static PreviewSource fromDecoded(core::DecodedImage image, const std::string& key,
                                     long long maxPixels = kPreviewPixels);
};

}  // namespace nocturne::ui
