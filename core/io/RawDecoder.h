#pragma once

#include <string>
#include <string_view>

#include <opencv2/core/mat.hpp>

#include "core/image/DecodedImage.h"
#include "core/io/DecodeOptions.h"
#include "core/base/Result.h"

namespace nocturne::core {

// LibRaw boundary (internal to core/io; callers use ImageLoader). Decodes a camera RAW file held
// in memory into the Bayer mosaic (Bayer sensors only), a LibRaw-rendered linear sRGB image and
// the metadata LibRaw parsed. Bytes rather than a path so that UTF-8 paths work everywhere and
// the file is read exactly once. LibRaw "succeeding" is not trusted: dimensions and pixel
// content are checked, so stripped or truncated files give CorruptData instead of garbage.
// Thread: stateless; safe to call concurrently (each call owns its LibRaw instance).
class RawDecoder {
public:
    // `path` is used for messages and the format name only. UnsupportedFormat means LibRaw does
    // not recognise the content (callers may then try another decoder).
    static Result<DecodedImage> decode(std::string_view bytes, const std::string& path,
                                       const DecodeOptions& options);

    // The camera's embedded preview (JPEG or 8-bit bitmap) as CV_8UC3 RGB, display-encoded and
    // turned upright by the RAW's orientation; no demosaic. NotFound when the file has none.
    static Result<cv::Mat> embeddedPreview(std::string_view bytes, const std::string& path);
};

}  // namespace nocturne::core
