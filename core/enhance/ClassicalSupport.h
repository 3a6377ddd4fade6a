#pragma once

#include <functional>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/enhance/Enhancer.h"

// Plumbing shared by the classical enhancers (none, HE, DHE, Retinex): the common front end,
// luminance histograms and the colour-preserving luminance remap. Internal to core/enhance.
// Thread: free functions without shared state; safe from any thread.
namespace nocturne::core::classical {

// The common front end: clamp(source.rgb * gain, 0, 1), linear. Fails with InvalidArgument for
// an empty or non-float source, naming the file.
Result<ImageBuffer> amplifiedLinear(const EnhanceInput& input, const EnhancerInfo& info);

// Display luminance Y' = Gamma::encodeValue(Y_linear) per pixel (Rec. 709 weights), CV_32FC1.
cv::Mat displayLuminance(const ImageBuffer& linear);

// Histogram of values in [0,1] quantised to `levels` grey levels, level = round(v * (levels-1)).
std::vector<double> levelHistogram(const cv::Mat& values, int levels);

// Maps each pixel's display luminance through `table` (one output display luminance per level,
// interpolated linearly between levels), scales the pixel's display-encoded RGB by Y'_out / Y'
// (so hue and saturation stay), scales the pixel down when a channel would exceed 1, and
// returns linear RGB decoded with Gamma::kReference.
ImageBuffer remapLuminance(const ImageBuffer& linear, const cv::Mat& displayY,
                           const std::vector<float>& table);

// The Cancelled error every enhancer returns when the stop flag is seen.
Error cancelled(const EnhancerInfo& info, const EnhanceInput& input);

// The shared prologue of every classical enhancer: stops if asked, amplifies the source
// (amplifiedLinear), then runs `body` on the amplified linear image. OpenCV and allocation
// failures anywhere inside become errors (no exception leaves core).
Result<EnhanceOutput> amplifyThen(const EnhancerInfo& info, const EnhanceInput& input, const RunContext& ctx,
                                  const std::function<Result<EnhanceOutput>(ImageBuffer amplified)>& body);

// HE and DHE: amplifyThen, a `levels`-level histogram of display luminance, `makeTable` turns it
// into an output luminance per level, and remapLuminance applies that keeping each pixel's colour.
Result<EnhanceOutput> equaliseLuminance(const EnhancerInfo& info, const EnhanceInput& input, const RunContext& ctx,
                                        int levels,
                                        const std::function<std::vector<float>(const std::vector<double>&)>& makeTable);

}  // namespace nocturne::core::classical
