#include "core/image/RawMosaic.h"

#include <algorithm>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace nocturne::core {

std::string toString(CfaPattern pattern)
{
    switch (pattern) {
    case CfaPattern::RGGB: return "RGGB";
    case CfaPattern::BGGR: return "BGGR";
    case CfaPattern::GRBG: return "GRBG";
    case CfaPattern::GBRG: return "GBRG";
    }
    return "?";
}

CfaColor cfaColorAt(CfaPattern pattern, int row, int col)
{
    // Each pattern as the colours at (0,0), (0,1), (1,0), (1,1).
    static constexpr CfaColor kTiles[4][4] = {
        {CfaColor::R, CfaColor::G1, CfaColor::G2, CfaColor::B},   // RGGB
        {CfaColor::B, CfaColor::G2, CfaColor::G1, CfaColor::R},   // BGGR
        {CfaColor::G1, CfaColor::R, CfaColor::B, CfaColor::G2},   // GRBG
        {CfaColor::G2, CfaColor::B, CfaColor::R, CfaColor::G1},   // GBRG
    };
    return kTiles[static_cast<int>(pattern)][(row & 1) * 2 + (col & 1)];
}

cv::Mat RawMosaic::normalized() const
{
    cv::Mat out(data.rows, data.cols, CV_32FC1);
    std::array<float, 4> black{};
    std::array<float, 4> scale{};
    for (int i = 0; i < 4; ++i) {
        black[i] = blackLevel[i];
        scale[i] = 1.0f / std::max(1.0f, whiteLevel - blackLevel[i]);
    }
    for (int y = 0; y < data.rows; ++y) {
        const auto* src = data.ptr<uint16_t>(y);
        auto* dst = out.ptr<float>(y);
        // The two colours on this row alternate; look them up once per row.
        const int c0 = static_cast<int>(cfaColorAt(pattern, y, 0));
        const int c1 = static_cast<int>(cfaColorAt(pattern, y, 1));
        for (int x = 0; x < data.cols; ++x) {
            const int c = (x & 1) ? c1 : c0;
            dst[x] = std::max(0.0f, (static_cast<float>(src[x]) - black[c]) * scale[c]);
        }
    }
    return out;
}

RawMosaic RawMosaic::binned() const
{
    RawMosaic out = *this;
    // Whole 2x2 CFA tiles only, so the pattern phase is unchanged.
    const int rows = (data.rows / 4) * 2;
    const int cols = (data.cols / 4) * 2;
    out.data = cv::Mat(rows, cols, CV_16UC1);
    for (int y = 0; y < rows; ++y) {
        // Output row y takes input rows 2*(y - y%2) + y%2 and that + 2 (same colour).
        const int top = 2 * (y - (y & 1)) + (y & 1);
        const auto* r0 = data.ptr<uint16_t>(top);
        const auto* r1 = data.ptr<uint16_t>(top + 2);
        auto* dst = out.data.ptr<uint16_t>(y);
        for (int x = 0; x < cols; ++x) {
            const int left = 2 * (x - (x & 1)) + (x & 1);
            const unsigned sum = unsigned(r0[left]) + r0[left + 2] + r1[left] + r1[left + 2];
            dst[x] = static_cast<uint16_t>((sum + 2) / 4);
        }
    }
    return out;
}

RawMosaic RawMosaic::resampled(int width, int height) const
{
    RawMosaic out = *this;
    const int planeW = std::clamp(width / 2, 1, std::max(1, data.cols / 2));
    const int planeH = std::clamp(height / 2, 1, std::max(1, data.rows / 2));
    if (data.cols < 2 || data.rows < 2 || (2 * planeW == data.cols && 2 * planeH == data.rows))
        return out;
    // The four sites of a 2x2 tile as four planes, each resized on its own, then interleaved
    // back: a site keeps its colour, so the pattern is unchanged.
    const cv::Mat tiles = data(cv::Rect(0, 0, data.cols / 2 * 2, data.rows / 2 * 2));
    out.data = cv::Mat(2 * planeH, 2 * planeW, CV_16UC1);
    cv::parallel_for_(cv::Range(0, 4), [&](const cv::Range& sites) {
        for (int site = sites.start; site < sites.end; ++site) {
            const int dy = site / 2;
            const int dx = site % 2;
            cv::Mat plane(tiles.rows / 2, tiles.cols / 2, CV_16UC1);
            for (int y = 0; y < plane.rows; ++y) {
                const auto* src = tiles.ptr<uint16_t>(2 * y + dy) + dx;
                auto* dst = plane.ptr<uint16_t>(y);
                for (int x = 0; x < plane.cols; ++x)
                    dst[x] = src[2 * x];
            }
            cv::Mat small;
            cv::resize(plane, small, cv::Size(planeW, planeH), 0, 0, cv::INTER_AREA);
            for (int y = 0; y < planeH; ++y) {
                const auto* src = small.ptr<uint16_t>(y);
                auto* dst = out.data.ptr<uint16_t>(2 * y + dy) + dx;
                for (int x = 0; x < planeW; ++x)
                    dst[2 * x] = src[x];
            }
        }
    });
    return out;
}

}  // namespace nocturne::core
