#pragma once

#include <vector>

#include "core/enhance/Enhancer.h"

namespace nocturne::core {

// Id "he": global histogram equalisation of the display luminance, colour preserved - the HE
// baseline of the low-light papers. Steps: amplify and clip (linear); Y' = display-encoded
// Rec. 709 luminance (Gamma::kReference); classic HE on a kLevels-level histogram of Y',
//     y_out(l) = (cdf(l) - cdf_min) / (N - cdf_min);
// scale each pixel's display RGB by Y'_out / Y' (hue kept; scaled down if a channel exceeds 1);
// decode to linear with Gamma::kReference.
// Thread: stateless; enhance() is safe to call concurrently.
class HistogramEqualization final : public Enhancer {
public:
    // Fine enough that the output shows no banding, coarse enough to stay cache-friendly.
    static constexpr int kLevels = 4096;

    HistogramEqualization();

    const EnhancerInfo& info() const override { return m_info; }
    Result<EnhanceOutput> enhance(const EnhanceInput& input, const RunContext& ctx) const override;

    // The classic HE transfer for a histogram of pixel counts per level: output display
    // luminance in [0,1] per level, non-decreasing. An empty histogram gives the identity.
    static std::vector<float> mapping(const std::vector<double>& histogram);

private:
    EnhancerInfo m_info;
};

}  // namespace nocturne::core
