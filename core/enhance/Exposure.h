#pragma once

#include <opencv2/core/mat.hpp>

#include "core/image/ImageBuffer.h"

namespace nocturne::core {

// Where the result's exposure is decided (README "Processing model").
//  Output: every method's result is brought to the brightness "amplify only" has at the chosen
//          gain (mean display luminance), so m and the exposure ratio mean the same thing for
//          every method and the compare view compares methods, not exposures.
//  Input:  the papers' convention: only the input is amplified and each method keeps whatever
//          brightness it produces (HE/DHE equalise to mid-grey, networks to what they learnt).
enum class ExposureMode { Output, Input };

// The amplified image's highlight handling and the output-referred exposure match.
// Thread: pure functions.
class Exposure {
public:
    // Linear values up to kKnee pass unchanged; above it an exponential shoulder approaches
    // white asymptotically with slope 1 at the knee, so a wall lit by a lamp keeps its texture
    // while the lamp itself still reaches white. Calibrated with the default m on real-dev (see
    // README): a hard clip at the same exposure left 4-6 % of pixels newly clipped, this 1-2 %.
    static constexpr float kKnee = 0.6f;

    static float shoulder(float linear, float knee = kKnee);
    // shoulder(linear * gain) per value, NaN and negatives to 0; CV_32FC3 in, CV_32FC3 out.
    static ImageBuffer amplify(const ImageBuffer& linear, double gain, float knee = kKnee);

    // Mean display luminance, mean(clamp(Y)^(1/2.2)), of a linear image, measured on a copy at
    // most kMeasureSide pixels on its long side (the statistic is smooth; the full frame costs
    // seconds at 24 MP for no change in the third decimal).
    static double displayMean(const ImageBuffer& linear);
    // displayMean(amplify(linear, gain)) without amplifying the full frame: what "amplify only"
    // shows at this gain, the target of ExposureMode::Output.
    static double amplifiedDisplayMean(const ImageBuffer& linear, double gain, float knee = kKnee);
    static constexpr int kMeasureSide = 512;

    // A method's result is already in [0,1]: it is brought to the target with
    //     rescale(x, s) = s x                      for s <= 1 (a plain exposure reduction),
    //                     s x / (1 + (s - 1) x)    for s > 1 (slope s in the shadows, white
    //                                              kept white: brightening clips nothing),
    // the identity at s = 1 and continuous around it, so highlights are not compressed twice.
    static float rescale(float x, double scale);
    // The s for which displayMean(rescale(clamp(x), s)) equals `target` (bisection over
    // [1/64, 64]); 1 when the image is black, already at the target, or the target is not positive.
    static double matchScale(const ImageBuffer& linear, double target);
    // rescale(clamp(x), matchScale(x, target)) per value.
    static ImageBuffer match(const ImageBuffer& linear, double target);
};

}  // namespace nocturne::core
