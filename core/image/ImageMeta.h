#pragma once

#include <optional>
#include <string>

namespace nocturne::core {

enum class SensorKind { Bayer, XTrans, Foveon, Monochrome, Other, NotRaw };

std::string toString(SensorKind kind);

// What we know about a photo besides its pixels. Fields a source does not carry stay empty.
// The full EXIF/XMP/IPTC of the source is not held here: MetadataStore reads it from the source
// file at export time, so nothing is lost in translation.
struct ImageMeta {
    std::string sourcePath;       // as given by the user (UTF-8)
    std::string format;           // "DNG", "ARW", "JPEG", "PNG", "TIFF", ...
    SensorKind sensor = SensorKind::NotRaw;
    int width = 0;                // of the decoded RGB image, after orientation
    int height = 0;
    int bitsPerSample = 8;        // source precision (8/16 for raster, sensor bits for RAW)
    int orientation = 1;          // EXIF orientation of the source (already applied to pixels)
    // Orientations 5-8 turn the picture by 90 degrees: the sensor's width is its height.
    bool swapsAxes() const { return orientation >= 5 && orientation <= 8; }

    std::string cameraMake;
    std::string cameraModel;
    std::string lens;
    std::optional<double> exposureTime;   // seconds
    std::optional<double> aperture;       // f-number
    std::optional<double> isoSpeed;
    std::optional<double> focalLength;    // mm
    std::string dateTimeOriginal;         // "YYYY:MM:DD HH:MM:SS" as in EXIF

    // Human-readable notes a UI may show, e.g. why mosaic networks do not apply to this sensor.
    std::string notes;
};

}  // namespace nocturne::core
