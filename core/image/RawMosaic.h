#pragma once

#include <array>
#include <string>

#include <opencv2/core/mat.hpp>

namespace nocturne::core {

// Colour of a photosite in a 2x2 Bayer tile. G1 is the green on the red row, G2 on the blue row.
enum class CfaColor { R = 0, G1 = 1, B = 2, G2 = 3 };

// The 2x2 Bayer arrangement, named by the top-left, top-right, bottom-left, bottom-right sites.
enum class CfaPattern { RGGB, BGGR, GRBG, GBRG };

std::string toString(CfaPattern pattern);
// Colour at (row, col) of the mosaic for the given pattern.
CfaColor cfaColorAt(CfaPattern pattern, int row, int col);

// Undemosaiced Bayer sensor data as the camera recorded it, cropped to the visible area and
// oriented like the sensor (no rotation). Only Bayer sensors produce one; X-Trans, Foveon and
// monochrome sensors decode to RGB only (see SensorKind in ImageMeta).
// Thread: a value type; safe to share read-only across threads.
struct RawMosaic {
    cv::Mat data;                 // CV_16UC1, raw DN values, visible area
    CfaPattern pattern = CfaPattern::RGGB;
    // Black level per CFA colour, indexed by CfaColor (R, G1, B, G2), in DN.
    std::array<float, 4> blackLevel{0, 0, 0, 0};
    float whiteLevel = 65535.0f;  // saturation point in DN
    // Camera white-balance multipliers as shot, indexed by CfaColor, normalised so G1 = 1.
    std::array<float, 4> whiteBalance{1, 1, 1, 1};
    // Camera RGB (white balanced) -> linear sRGB, row-major.
    cv::Matx33f cameraToSrgb = cv::Matx33f::eye();
    int bitsPerSample = 16;       // effective bit depth, log2 of the white level rounded up

    bool empty() const { return data.empty(); }
    int width() const { return data.cols; }
    int height() const { return data.rows; }

    // (DN - black) / (white - black) per site, CV_32FC1, not clipped at 1 but clamped at 0.
    cv::Mat normalized() const;

    // A half-resolution mosaic with the same CFA pattern and levels: each site is the mean of
    // the four same-colour sites of its 4x4 block (2x2 binning per colour plane). Previews run
    // RAW networks on this instead of the full sensor. Odd trailing rows/columns are dropped.
    RawMosaic binned() const;

    // The mosaic at `width` x `height` sites (even, at most the current size; odd values are
    // rounded down), same CFA pattern and levels: each of the four colour planes is area-averaged
    // on its own. binned() is the exact 2x case. Previews use this to run RAW networks on as many
    // sites as the proxy has pixels, not up to 2x more in each direction.
    RawMosaic resampled(int width, int height) const;
};

}  // namespace nocturne::core
