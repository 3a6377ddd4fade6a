#pragma once

#include <opencv2/core/mat.hpp>

#include "core/image/ImageBuffer.h"
#include "core/base/Result.h"
#include "core/base/RunContext.h"

namespace nocturne::core {

// Noise reduction of the amplified image, before the enhancer: a dark JPEG amplified x30-x100
// shows its sensor and JPEG noise and the few dozen code values its shadows held (banding).
// A 5x5 median on the CIELAB chroma planes (colour specks), then OpenCV's non-local means
// (photo module, Buades et al. 2005) on the display-encoded image:
// luminance filtered with h = strength x sigma, chroma with twice that (colour noise is coarser
// and the eye forgives chroma smoothing), sigma estimated from the image itself (Immerkaer's
// Laplacian estimator on luma), so one strength works across gains and cameras.
// The 8-bit filter's result keeps the input's sub-level precision (input + (filtered - input
// quantised)), so 16-bit exports are not posterised by it.
// Thread: pure functions; OpenCV parallelises inside.
class NoiseReduction {
public:
    static constexpr float kDefaultStrength = 1.0f;   // chosen on real-dev (README)
    static constexpr float kMaxStrength = 3.0f;

    // Noise standard deviation in 8-bit code values of a CV_8UC3 image (RGB).
    static double estimateSigma(const cv::Mat& rgb8);

    // Linear RGB in [0,1] in, linear RGB out; strength 0 returns the input. Fails only on
    // cancellation or an OpenCV error (named with `source`).
    static Result<ImageBuffer> apply(const ImageBuffer& linear, float strength, const RunContext& ctx,
                                     const std::string& source = {});
};

}  // namespace nocturne::core
