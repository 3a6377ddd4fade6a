#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace nocturne::core {

// The colour spaces an export can be written in. sRGB (display-encoded, the default) is what
// viewers expect; the linear wide-gamut spaces are for 16-bit TIFFs that go on to an editor
// working in Rec.2020 or ProPhoto (no clipping of later saturation moves, no gamma to undo).
enum class OutputSpace { Srgb, LinearRec2020, LinearProPhoto };

std::string toString(OutputSpace space);                          // "srgb", "linear-rec2020", ...
std::optional<OutputSpace> parseOutputSpace(std::string_view text);

// ICC profiles made by LittleCMS for the exports' colour spaces, and conversions between them.
// The engine's pixels are linear sRGB primaries with D65 white (the decoders render RAW to sRGB;
// JPEGs are assumed sRGB).
// Thread: safe; each profile is built once.
class ColorProfile {
public:
    static const std::vector<unsigned char>& srgb();
    // The profile a file in `space` carries (linear ones: matrix-shaper with a gamma-1 curve).
    static const std::vector<unsigned char>& profileFor(OutputSpace space);

    // Linear sRGB (CV_32FC3, RGB order) to `space`'s linear values, relative colorimetric with
    // LittleCMS's chromatic adaptation (ProPhoto's white is D50). Srgb returns a copy.
    static cv::Mat fromLinearSrgb(const cv::Mat& rgb, OutputSpace space);
    // Float RGB pixels (CV_32FC3) encoded by the ICC profile `icc` to linear sRGB: reading a
    // file back in the engine's terms. Empty when `icc` cannot be opened.
    static cv::Mat toLinearSrgb(const cv::Mat& rgb, const std::vector<unsigned char>& icc);

    // The profile's description (e.g. "sRGB built-in"), or empty when `icc` is not a profile
    // LittleCMS can open. For tests and the CLI's --verbose.
    static std::string describe(const std::vector<unsigned char>& icc);
};

}  // namespace nocturne::core
