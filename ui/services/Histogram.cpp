#include "ui/services/Histogram.h"

#include <algorithm>
#include <cmath>

namespace nocturne::ui {

Histogram Histogram::compute(const QImage& image)
{
    Histogram h;
    if (image.isNull())
        return h;
    const QImage rgb = image.format() == QImage::Format_RGB888 ? image : image.convertToFormat(QImage::Format_RGB888);
    for (int y = 0; y < rgb.height(); ++y) {
        const uchar* line = rgb.constScanLine(y);
        for (int x = 0; x < rgb.width(); ++x) {
            const uchar r = line[3 * x];
            const uchar g = line[3 * x + 1];
            const uchar b = line[3 * x + 2];
            ++h.bins[Red][r];
            ++h.bins[Green][g];
            ++h.bins[Blue][b];
            const int luma = static_cast<int>(std::lround(0.2126 * r + 0.7152 * g + 0.0722 * b));
            ++h.bins[Luma][static_cast<std::size_t>(std::clamp(luma, 0, 255))];
        }
    }
    h.pixelCount = static_cast<quint64>(rgb.width()) * static_cast<quint64>(rgb.height());
    return h;
}

}  // namespace nocturne::ui
