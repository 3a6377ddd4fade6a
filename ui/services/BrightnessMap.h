#pragma once

#include <opencv2/core/mat.hpp>

#include "core/image/ImageBuffer.h"

namespace nocturne::ui {

// The brightness-gain map of Lamba & Mitra's Eq. 4 view, used as the overlay for methods that
// produce no attention map of their own:
//     A = (max_c(out) - max_c(in)) / max_c(out), clamped to [0, 1],
// where out and in are display values at the same gamma (A = 0 where out is black).
// Thread: pure function; any thread.
cv::Mat brightnessGainMap(const core::ImageBuffer& outDisplay, const core::ImageBuffer& inDisplay);

}  // namespace nocturne::ui
