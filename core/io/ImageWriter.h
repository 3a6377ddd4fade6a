#pragma once

#include <string>

#include "core/image/ImageBuffer.h"
#include "core/image/ImageMeta.h"
#include "core/io/ColorProfile.h"
#include "core/base/Result.h"

namespace nocturne::core {

// Dng: a linear DNG for RAW sources (LinearDngWriter), written from the linear image.
enum class ExportFormat { Jpeg, Png, Tiff, Dng };

std::string toString(ExportFormat format);
std::string extensionFor(ExportFormat format);          // "jpg", "png", "tif", "dng"

struct ExportOptions {
    ExportFormat format = ExportFormat::Jpeg;
    int jpegQuality = 92;          // 1..100
    int bitsPerChannel = 8;        // 8, or 16 for PNG/TIFF; DNG is always 16
    bool copyMetadata = true;      // EXIF/XMP/IPTC from the source via MetadataStore
    // Colour space of JPEG/PNG/TIFF pixels; the linear wide-gamut ones are for 16-bit TIFF only.
    OutputSpace space = OutputSpace::Srgb;
};

// DNG and linear-space TIFFs hold the linear image (before the output gamma); everything else
// the display image.
inline bool takesLinearImage(const ExportOptions& options)
{
    return options.format == ExportFormat::Dng || options.space != OutputSpace::Srgb;
}

// Writes an image to disk: display-encoded (ColorEncoding::Display, values in [0,1]) for
// JPEG/PNG/TIFF, linear (ColorEncoding::Linear) for DNG, which only RAW sources may have:
// encode to a temporary file in the destination folder, add metadata, then rename over the
// destination, so a crash or a full disk never leaves a half-written file under the real name.
// The temporary file is ".<name>.nocturne-tmp-<pid>-<random>"; one left by a killed writer is
// removed by the next export to the same name once that pid no longer runs.
// Refuses to write over `meta.sourcePath` (originals are never modified).
// Thread: stateless; safe to call concurrently for different destinations.
class ImageWriter {
public:
    // Whether `options` can be written for a photo like `sourceMeta` (a DNG needs a RAW source),
    // checkable before processing; write() checks it too.
    static Result<void> checkSource(const ExportOptions& options, const ImageMeta& sourceMeta);

    static Result<void> write(const ImageBuffer& display, const std::string& destination,
                              const ExportOptions& options, const ImageMeta& sourceMeta);
};

}  // namespace nocturne::core
