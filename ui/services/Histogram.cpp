#include "ui/services/Histogram.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/core.hpp>

namespace nocturne::ui {

Histogram Histogram::compute(const QImage& image)
{
    Histogram h;
    if (image.isNull())
        return h;
    const QImage rgb = image.format() == QImage::Format_RGB888 ? image : image.convertToFormat(QImage::Format_RGB888);
    // Fixed bands of rows, each counted into its own bins and added afterwards: integer counts,
    // so the result is the same whatever the thread count.
    constexpr int kBands = 16;
    std::vector<Histogram> partial(kBands);
    const int height = rgb.height();
    cv::parallel_for_(cv::Range(0, kBands), [&](const cv::Range& bands) {
        for (int band = bands.start; band < bands.end; ++band) {
            auto& bins = partial[static_cast<std::size_t>(band)].bins;
            for (int y = band * height / kBands; y < (band + 1) * height / kBands; ++y) {
                const uchar* line = rgb.constScanLine(y);
                for (int x = 0; x < rgb.width(); ++x) {
                    const uchar r = line[3 * x];
                    const uchar g = line[3 * x + 1];
                    const uchar b = line[3 * x + 2];
                    ++bins[Red][r];
                    ++bins[Green][g];
                    ++bins[Blue][b];
                    // Round half up; non-negative, so lround without its call per pixel.
                    const int luma = static_cast<int>(0.2126 * r + 0.7152 * g + 0.0722 * b + 0.5);
                    ++bins[Luma][static_cast<std::size_t>(std::min(luma, 255))];
                }
            }
        }
    });
    for (const Histogram& p : partial)
        for (std::size_t c = 0; c < h.bins.size(); ++c)
            for (std::size_t i = 0; i < 256; ++i)
                h.bins[c][i] += p.bins[c][i];
    h.pixelCount = static_cast<quint64>(rgb.width()) * static_cast<quint64>(rgb.height());
    return h;
}

}  // namespace nocturne::ui
