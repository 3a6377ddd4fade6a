#include "core/image/RawMosaic.h"

#include <algorithm>

#include <opencv2/core.hpp>

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

}  // namespace nocturne::core
