#pragma once

#include <array>

#include <QImage>

namespace nocturne::ui {

// 256-bin histograms of an 8-bit display image: R, G, B and Rec. 709 luminance.
// Thread: a value type; compute() may run on any thread.
struct Histogram {
    enum Channel { Red = 0, Green = 1, Blue = 2, Luma = 3 };
    std::array<std::array<quint32, 256>, 4> bins{};
    quint64 pixelCount = 0;

    bool isEmpty() const { return pixelCount == 0; }
    static Histogram compute(const QImage& image);
};

}  // namespace nocturne::ui
