#pragma once

#include <cstdint>
#include <vector>

#include <tiffio.h>

namespace nocturne::core {

// Sets a numeric TIFF/DNG/EXIF tag on the current directory from doubles, whatever the tag's
// stored type and whether libtiff wants an explicit count: libtiff is asked per tag rather than
// hard-coding per-release knowledge, so the same code works across libtiff versions.
// Returns false when the tag is unknown to libtiff or rejected.
bool setTiffNumbers(TIFF* tif, uint32_t tag, const std::vector<double>& values);

}  // namespace nocturne::core
