#pragma once

#include <array>
#include <optional>
#include <string>

#include <opencv2/core/mat.hpp>

#include "core/image/RawMosaic.h"

namespace nocturne::testsupport {

// Everything a synthetic DNG carries. Written with libtiff as a minimal, valid DNG 1.4
// (CFA photometric interpretation, uncompressed 16-bit, one IFD, or a preview IFD0 with the
// raw data in its SubIFD) that LibRaw opens.
struct DngSpec {
    cv::Mat mosaic;                                   // CV_16UC1 raw DN values
    core::CfaPattern pattern = core::CfaPattern::RGGB;
    int blackLevel = 512;
    int whiteLevel = 16383;
    // AsShotNeutral is 1/multiplier; these are the multipliers (R, G, B), G = 1.
    std::array<double, 3> wbMultipliers{2.0, 1.0, 1.5};
    // ColorMatrix1 (XYZ -> camera), row-major; default is a plausible Sony-like matrix.
    std::optional<std::array<double, 9>> colorMatrix;
    std::string make = "Nocturne";
    std::string model = "Synthetic Sensor";
    std::string lens;                                  // EXIF LensModel when non-empty
    double exposureTime = 0.1;                         // seconds
    double fNumber = 2.8;
    int iso = 3200;
    double focalLength = 35.0;
    std::string dateTimeOriginal = "2026:01:02 03:04:05";
    int orientation = 1;
    std::optional<std::array<double, 6>> gps;          // lat deg,min,sec, lon deg,min,sec (N/E)
    // CV_8UC3 RGB: written as the camera's embedded preview in IFD0, the raw data then going
    // into IFD0's SubIFD as real cameras' DNGs have it. Empty: raw data in IFD0.
    cv::Mat preview;
};

// Returns an empty string on success, else what failed.
std::string writeDng(const std::string& path, const DngSpec& spec);

// A smooth synthetic scene (gradients, colour patches, a few bright lights) rendered as a Bayer
// mosaic at `exposureScale` of full well, with optional Poisson-Gaussian noise; deterministic
// for a given seed. Useful for decoders, CLI tests, the bundled sample and benchmarks.
cv::Mat makeSceneMosaic(int width, int height, core::CfaPattern pattern, int blackLevel,
                        int whiteLevel, double exposureScale, unsigned seed, bool noise = true);

}  // namespace nocturne::testsupport
