#pragma once

#include <string>
#include <string_view>

#include <opencv2/core/mat.hpp>

#include "core/image/DecodedImage.h"
#include "core/io/DecodeOptions.h"
#include "core/base/Result.h"

namespace nocturne::core {

// OpenCV/Exiv2 boundary for ordinary pictures (internal to core/io; callers use ImageLoader):
// JPEG, PNG, TIFF, WebP and BMP, 8 or 16 bit, gray or colour, with or without alpha (dropped).
// Decodes from memory (so UTF-8 paths work), applies the EXIF orientation, and undoes the sRGB
// transfer curve so the result is linear light like a RAW rendering.
// Thread: stateless; safe to call concurrently.
class RasterDecoder {
public:
    // `path` is used for messages only; `format` is the container the caller sniffed
    // ("JPEG", "PNG", "TIFF", "WEBP", "BMP").
    static Result<DecodedImage> decode(std::string_view bytes, const std::string& path,
                                       const std::string& format, const DecodeOptions& options);

    // Exact piecewise sRGB EOTF (IEC 61966-2-1): encoded value in [0, 1] -> linear light.
    static float srgbToLinear(float encoded);

    // RGB samples as decoded (8/16-bit sRGB-encoded through a lookup table; float taken as
    // linear) -> CV_32FC3 linear light. Also used for RAW files' embedded previews.
    static cv::Mat linearize(const cv::Mat& rgb);
};

}  // namespace nocturne::core
