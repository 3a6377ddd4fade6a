#pragma once

#include <cstdint>

namespace nocturne::core {

struct DecodeOptions {
    // Fast preview: LibRaw half_size (one RGB pixel per 2x2 Bayer tile) for RAW, and for raster
    // files a 2x downscale. The mosaic is still delivered at full size for RAW.
    bool halfSize = false;
    // Keep the Bayer mosaic (needed by RAW networks; costs width*height*2 bytes).
    bool wantMosaic = true;
    // Refuse images with more pixels than this (decompression bombs, absurd dimensions).
    // 0 disables the check. Default: 200 MP, above any current camera.
    std::int64_t maxPixels = 200'000'000;
};

}  // namespace nocturne::core
