#include "ui/services/ColorMap.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/core.hpp>

namespace nocturne::ui {

namespace {

struct Stop {
    float at;
    int r, g, b;
};

// Hand-picked stops approximating a black-body ramp; monotonic in lightness.
constexpr std::array<Stop, 6> kStops{{
    {0.00f, 0, 0, 4},
    {0.20f, 60, 9, 101},
    {0.40f, 140, 41, 129},
    {0.60f, 221, 73, 75},
    {0.80f, 252, 157, 20},
    {1.00f, 252, 255, 164},
}};

const std::array<QRgb, 256>& lut()
{
    static const std::array<QRgb, 256> table = [] {
        std::array<QRgb, 256> t{};
        for (int i = 0; i < 256; ++i) {
            const float v = i / 255.0f;
            std::size_t k = 1;
            while (k + 1 < kStops.size() && v > kStops[k].at)
                ++k;
            const Stop& a = kStops[k - 1];
            const Stop& b = kStops[k];
            const float f = std::clamp((v - a.at) / (b.at - a.at), 0.0f, 1.0f);
            auto mix = [f](int x, int y) { return static_cast<int>(std::lround(x + (y - x) * f)); };
            t[static_cast<std::size_t>(i)] = qRgb(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b));
        }
        return t;
    }();
    return table;
}

}  // namespace

QRgb ColorMap::map(float value)
{
    const float v = std::isfinite(value) ? std::clamp(value, 0.0f, 1.0f) : 0.0f;
    return lut()[static_cast<std::size_t>(std::lround(v * 255.0f))];
}

QImage ColorMap::colorize(const cv::Mat& map01)
{
    if (map01.empty() || map01.type() != CV_32FC1)
        return {};
    QImage out(map01.cols, map01.rows, QImage::Format_RGB32);
    // bits() once on this thread: scanLine() on a non-const QImage checks for a detach.
    uchar* const base = out.bits();
    const qsizetype stride = out.bytesPerLine();
    cv::parallel_for_(cv::Range(0, map01.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const float* src = map01.ptr<float>(y);
            auto* dst = reinterpret_cast<QRgb*>(base + y * stride);
            for (int x = 0; x < map01.cols; ++x)
                dst[x] = map(src[x]);
        }
    });
    return out;
}

}  // namespace nocturne::ui
