#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/image/DecodedImage.h"
#include "core/io/DecodeOptions.h"
#include "core/base/Result.h"

namespace nocturne::core {

// Opens any supported photo: sniffs the file's content (not its extension) and hands it to
// RawDecoder or RasterDecoder. Errors name the file and the reason (missing, unreadable,
// empty, directory, unsupported, corrupt, too large).
// Thread: stateless; safe to call concurrently (each call uses its own LibRaw instance).
class ImageLoader {
public:
    static Result<DecodedImage> load(const std::string& path, const DecodeOptions& options = {});
    // The same for a file already in memory; `path` names it in messages and its extension
    // is the hint for RAW formats without a signature. What load() runs after reading (and
    // the fuzzers' entry point).
    static Result<DecodedImage> decode(std::string_view bytes, const std::string& path,
                                       const DecodeOptions& options = {});

    // A small picture of the file for file lists, scaled to fit `maxEdge` (never enlarged):
    // a RAW's embedded preview when it has one (fast: no demosaic), else a half-size decode.
    // Linear sRGB like load()'s rgb; the same checks and messages as load().
    static Result<ImageBuffer> loadThumbnail(const std::string& path, int maxEdge,
                                             const DecodeOptions& options = {});

    // Only a RAW's embedded preview (the camera's own JPEG), scaled to fit `maxEdge`, linear
    // sRGB: what the editor shows while the real decode runs. NotFound when the file has none
    // (raster files, RAWs without one); never falls back to decoding the raw data.
    static Result<ImageBuffer> loadEmbeddedPreview(const std::string& path, int maxEdge);

    // File-name extensions (lower case, no dot) we offer in file dialogs and folder scans.
    static const std::vector<std::string>& supportedExtensions();
    static bool hasSupportedExtension(const std::string& path);
};

}  // namespace nocturne::core
