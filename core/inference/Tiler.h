#pragma once

#include <cstddef>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace nocturne::core {

struct TilerSettings {
    cv::Size imageSize;
    int tileSize = 512;      // target edge of a tile's core (the pixels it owns), in image pixels
    int overlap = 64;        // context a tile reads beyond its core on each interior side
    int sizeMultiple = 1;    // every tile input is grown (mirrored) to a multiple of this
    int align = 1;           // core and input origins are multiples of this (CFA parity, net grid)
};

// One tile of a Tiler layout. All rects are in image coordinates.
struct Tile {
    int index = 0;
    int column = 0;
    int row = 0;
    cv::Rect core;     // the tiles' cores partition the image
    cv::Rect output;   // core grown by the blend ramp on interior sides: where it contributes
    cv::Rect input;    // what the network reads: core grown by the overlap on interior sides,
                       // then right/bottom to the size multiple; may pass the image edge
                       // (those pixels are mirrored, see Tiler::cropMirrored)
    std::vector<float> weightX;   // blend weight per column of `output`
    std::vector<float> weightY;   // blend weight per row of `output`

    // weightY ⊗ weightX as a CV_32FC1 matrix of output.size().
    cv::Mat weights() const;
};

// Splits an image into overlapping tiles for network inference, waifu2x/darktable style.
//
// Cores form a regular grid whose edges sit on multiples of `align`. Across each interior core
// edge, the two neighbours' weights cross-fade with complementary raised-cosine ramps
// (0.5 ± 0.5 cos) over [edge - r, edge + r), r = overlap / 2, so the weights of all tiles sum to
// exactly 1 at every pixel. A tile's input reaches `overlap` beyond its core, i.e. r pixels beyond
// the ramp: where the network's receptive radius is at most r, the blended result equals the
// whole-image result. At the image's outer edges tiles read only what the whole image would
// (plus mirrored padding to the size multiple), so a single tile is exactly the whole image.
// Thread: a value type; safe to share read-only across threads.
class Tiler {
public:
    explicit Tiler(const TilerSettings& settings);

    const TilerSettings& settings() const { return m_settings; }   // normalised values
    const std::vector<Tile>& tiles() const { return m_tiles; }
    int columns() const { return m_columns; }
    int rows() const { return m_rows; }
    int rampRadius() const { return m_settings.overlap / 2; }

    // The largest core edge (a multiple of `align`) whose padded tile input fits the budget,
    // or an edge covering the whole image when it fits at once.
    static int tileSizeForBudget(cv::Size imageSize, double bytesPerPixel, std::size_t budgetBytes,
                                 int overlap, int sizeMultiple, int align);

    // `rect` of `image`; parts outside the image are mirrored (BORDER_REFLECT_101, which keeps
    // the Bayer parity of a mosaic).
    static cv::Mat cropMirrored(const cv::Mat& image, const cv::Rect& rect);

    static int roundUp(int value, int multiple);

private:
    TilerSettings m_settings;
    std::vector<Tile> m_tiles;
    int m_columns = 0;
    int m_rows = 0;
};

}  // namespace nocturne::core
