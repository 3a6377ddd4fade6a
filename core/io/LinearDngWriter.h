#pragma once

#include <string>

#include "core/image/ImageBuffer.h"
#include "core/base/Result.h"

namespace nocturne::core {

// Who made the pixels: written into the DNG's own tags (EXIF comes from MetadataStore).
struct LinearDngInfo {
    std::string make;             // the source camera's, or empty
    std::string model;
    std::string software;         // "Nocturne x.y"
    double baselineExposure = 0.0;   // EV a raw editor adds on top of the pixels
};

// Writes a linear (LinearRaw) DNG 1.4 with libtiff: three 16-bit samples per pixel holding linear
// sRGB (Rec. 709 primaries, D65 white), i.e. the colour space the engine works in, so the file
// is exactly what Nocturne computed before its output gamma. Linear sRGB rather than camera RGB
// or ProPhoto: the enhancers work and output in linear sRGB; camera RGB would need inverting a
// colour matrix the networks never saw, and a bigger container would only re-encode sRGB-gamut
// data. ColorMatrix1 is the XYZ -> linear sRGB matrix for D65 and AsShotNeutral is (1, 1, 1),
// so a raw editor's "as shot" white balance reproduces Nocturne's colours.
// Thread: stateless; safe for different paths concurrently.
class LinearDngWriter {
public:
    // `linear`: CV_32FC3 linear RGB in [0, 1] (clamped; NaN -> 0). Writes `path` (an existing
    // file is truncated): the caller provides the temporary name and renames it into place.
    static Result<void> write(const std::string& path, const ImageBuffer& linear,
                              const LinearDngInfo& info);
};

}  // namespace nocturne::core
