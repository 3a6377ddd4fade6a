#pragma once

#include "core/image/ImageBuffer.h"
#include "core/pipeline/Result.h"

namespace nocturne::ui {

// Full-reference quality of a result against a reference photo, shown in the compare view.
// Both images are display-encoded, values clamped to [0,1] (data range L = 1).
//  PSNR: 10 log10(1 / MSE) over all three channels, in dB; +inf for identical images.
//  SSIM: Wang et al. 2004 on Rec. 709 luminance with an 11x11 Gaussian window (sigma 1.5),
//        K1 = 0.01, K2 = 0.03, averaged over the positions where the window fits ("valid").
//        Images smaller than the window use mirrored borders.
// Thread: pure functions; any thread.
class ImageMetrics {
public:
    static constexpr int kWindow = 11;
    static constexpr double kSigma = 1.5;
    static constexpr double kC1 = 0.01 * 0.01;
    static constexpr double kC2 = 0.03 * 0.03;

    static core::Result<double> psnr(const core::ImageBuffer& image, const core::ImageBuffer& reference);
    static core::Result<double> ssim(const core::ImageBuffer& image, const core::ImageBuffer& reference);

    // `reference` resized (area interpolation) to `image`'s size when they differ, e.g. a
    // full-size reference against a preview proxy.
    static core::ImageBuffer matchSize(const core::ImageBuffer& reference, const core::ImageBuffer& image);
};

}  // namespace nocturne::ui
