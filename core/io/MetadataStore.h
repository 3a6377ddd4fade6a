#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/image/ImageMeta.h"
#include "core/io/ColorProfile.h"
#include "core/base/Result.h"

namespace nocturne::core {

// Exiv2 boundary: the only place besides the decoders that reads or writes metadata.
// Thread: stateless; safe to call concurrently on different files.
class MetadataStore {
public:
    static constexpr const char* kSoftware = "Nocturne";   // followed by the version
    static std::string softwareName();                     // "Nocturne <version>"

    // How an export declares its colours: raster exports carry their colour space's ICC profile
    // and EXIF ColorSpace (1 = sRGB, else 0xFFFF "uncalibrated", as EXIF says for other spaces);
    // a DNG declares them with its own colour matrix and gets neither.
    struct ColorTag {
        std::vector<unsigned char> icc;   // empty: none
        bool srgb = false;
        static ColorTag forSpace(OutputSpace space);
        static ColorTag none() { return {}; }
    };

    // Copies EXIF, XMP and IPTC from `source` (a RAW or raster file) into `destination` (a file
    // ImageWriter just wrote), then sets Orientation = 1 (pixels are already upright), the new
    // pixel dimensions, and Software. Where the source carries no EXIF that Exiv2 can read
    // (e.g. some RAW containers), the fields known from `sourceMeta` (camera, lens, exposure,
    // ISO, date) are written instead. Tags the colours as tagColor does, in the same write.
    static Result<void> transfer(const std::string& source, const ImageMeta& sourceMeta,
                                 const std::string& destination, int width, int height,
                                 const ColorTag& color = ColorTag::forSpace(OutputSpace::Srgb));

    // Embeds the ICC profile in `path`, a JPEG, PNG or TIFF the writer just made, and sets EXIF
    // ColorSpace, so colour-managed viewers and editors know what the numbers mean. For exports
    // without copied metadata (transfer does it otherwise).
    static Result<void> tagColor(const std::string& path, const ColorTag& color);

    // The ICC profile embedded in `path`, empty if it has none.
    static Result<std::vector<unsigned char>> iccProfile(const std::string& path);

    // Key -> interpreted value for every EXIF/XMP/IPTC tag of a file ("Exif.Image.Make" -> "Sony").
    // For tests, the CLI's --verbose and the editor's info panel.
    static Result<std::map<std::string, std::string>> readAll(const std::string& path);
};

}  // namespace nocturne::core
