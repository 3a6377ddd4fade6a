#pragma once

#include <QImage>

#include "core/image/ImageBuffer.h"

namespace nocturne::ui {

// The single seam between Qt's and core's image types: widgets never touch cv::Mat, core never
// touches QImage. Thread: pure functions; QImage is safe to create off the GUI thread.

// A display-encoded buffer (values in [0,1], clamped) as an 8-bit RGB888 QImage, rounded to
// nearest. A Linear buffer is encoded with the reference gamma first, so callers cannot show
// linear data by mistake.
QImage toQImage(const core::ImageBuffer& buffer);

// The same at 16 bits per channel (RGBX64), for a histogram or a deep-colour view.
QImage toQImage16(const core::ImageBuffer& buffer);

// A QImage (any format) as a Display-encoded float buffer in [0,1]; alpha is dropped.
core::ImageBuffer fromQImage(const QImage& image);

}  // namespace nocturne::ui
