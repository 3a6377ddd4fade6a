#pragma once

#include <optional>

#include "core/image/ImageBuffer.h"
#include "core/image/ImageMeta.h"
#include "core/image/RawMosaic.h"

namespace nocturne::core {

// Everything a decoder hands to the pipeline.
//  rgb:    linear sRGB-primaries rendering of the photo (for RAW: LibRaw with camera WB, no
//          auto-brightening, gamma 1), used for display of the original and classical methods.
//  mosaic: the Bayer data for RAW networks; absent for raster files and non-Bayer sensors.
struct DecodedImage {
    ImageBuffer rgb;
    std::optional<RawMosaic> mosaic;
    ImageMeta meta;
    bool halfSize = false;   // true when decoded by the fast preview path
};

}  // namespace nocturne::core
