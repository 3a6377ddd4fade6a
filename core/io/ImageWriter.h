#pragma once

#include <string>

#include "core/image/ImageBuffer.h"
#include "core/image/ImageMeta.h"
#include "core/pipeline/Result.h"

namespace nocturne::core {

enum class ExportFormat { Jpeg, Png, Tiff };

std::string toString(ExportFormat format);
std::string extensionFor(ExportFormat format);          // "jpg", "png", "tif"

struct ExportOptions {
    ExportFormat format = ExportFormat::Jpeg;
    int jpegQuality = 92;          // 1..100
    int bitsPerChannel = 8;        // 8, or 16 for PNG/TIFF
    bool copyMetadata = true;      // EXIF/XMP/IPTC from the source via MetadataStore
};

// Writes a display-encoded image (ColorEncoding::Display, values in [0,1]) to disk:
// encode to a temporary file in the destination folder, add metadata, then rename over the
// destination, so a crash or a full disk never leaves a half-written file under the real name.
// Refuses to write over `meta.sourcePath` (originals are never modified).
// Thread: stateless; safe to call concurrently for different destinations.
class ImageWriter {
public:
    static Result<void> write(const ImageBuffer& display, const std::string& destination,
                              const ExportOptions& options, const ImageMeta& sourceMeta);
};

}  // namespace nocturne::core
