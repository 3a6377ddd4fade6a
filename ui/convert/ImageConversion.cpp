#include "ui/convert/ImageConversion.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

#include "core/enhance/Gamma.h"

namespace nocturne::ui {

namespace {

core::ImageBuffer displayEncoded(const core::ImageBuffer& buffer)
{
    if (buffer.encoding() == core::ColorEncoding::Display)
        return buffer;
    return core::Gamma::encode(buffer, core::Gamma::kReference);
}

// Round half up of a value clamped to [0, maxValue]: lround for these non-negative values,
// without its call per channel value (it was a tenth of a preview render).
template <typename T>
T quantise(float v, float maxValue)
{
    return static_cast<T>(static_cast<int>(std::clamp(v, 0.0f, 1.0f) * maxValue + 0.5f));
}

}  // namespace

QImage toQImage(const core::ImageBuffer& buffer)
{
    if (buffer.empty())
        return {};
    const core::ImageBuffer display = displayEncoded(buffer);
    QImage out(display.width(), display.height(), QImage::Format_RGB888);
    // bits() once on this thread: scanLine() on a non-const QImage checks for a detach.
    uchar* const base = out.bits();
    const qsizetype stride = out.bytesPerLine();
    cv::parallel_for_(cv::Range(0, display.height()), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const auto* src = display.mat().ptr<float>(y);
            uchar* dst = base + y * stride;
            for (int i = 0; i < display.width() * 3; ++i)
                dst[i] = quantise<uchar>(src[i], 255.0f);
        }
    });
    return out;
}

QImage toQImage16(const core::ImageBuffer& buffer)
{
    if (buffer.empty())
        return {};
    const core::ImageBuffer display = displayEncoded(buffer);
    QImage out(display.width(), display.height(), QImage::Format_RGBX64);
    for (int y = 0; y < display.height(); ++y) {
        const auto* src = display.mat().ptr<float>(y);
        auto* dst = reinterpret_cast<quint16*>(out.scanLine(y));
        for (int x = 0; x < display.width(); ++x) {
            dst[4 * x + 0] = quantise<quint16>(src[3 * x + 0], 65535.0f);
            dst[4 * x + 1] = quantise<quint16>(src[3 * x + 1], 65535.0f);
            dst[4 * x + 2] = quantise<quint16>(src[3 * x + 2], 65535.0f);
            dst[4 * x + 3] = 65535;
        }
    }
    return out;
}

core::ImageBuffer fromQImage(const QImage& image)
{
    if (image.isNull())
        return {};
    const bool deep = image.depth() > 32;
    const QImage src = image.convertToFormat(deep ? QImage::Format_RGBX64 : QImage::Format_RGB888);
    core::ImageBuffer out(src.width(), src.height(), core::ColorEncoding::Display);
    for (int y = 0; y < src.height(); ++y) {
        auto* dst = out.mat().ptr<float>(y);
        if (deep) {
            const auto* line = reinterpret_cast<const quint16*>(src.constScanLine(y));
            for (int x = 0; x < src.width(); ++x)
                for (int c = 0; c < 3; ++c)
                    dst[3 * x + c] = line[4 * x + c] / 65535.0f;
        } else {
            const uchar* line = src.constScanLine(y);
            for (int i = 0; i < src.width() * 3; ++i)
                dst[i] = line[i] / 255.0f;
        }
    }
    return out;
}

}  // namespace nocturne::ui
