#pragma once

#include <QColor>
#include <QImage>
#include <opencv2/core/mat.hpp>

namespace nocturne::ui {

// The overlay's colour map: a perceptually ordered dark-violet -> red -> yellow ramp (in the
// spirit of "inferno"), so "more brightening" always reads as "hotter". The legend and the
// overlay use the same function.
// Thread: pure functions; safe anywhere (QImage is fine off the GUI thread).
class ColorMap {
public:
    // value in [0,1] (clamped).
    static QRgb map(float value);
    // A CV_32FC1 map in [0,1] as an opaque RGB32 image of the same size.
    static QImage colorize(const cv::Mat& map01);
};

}  // namespace nocturne::ui
