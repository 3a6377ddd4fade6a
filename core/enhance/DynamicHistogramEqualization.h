#pragma once

#include <array>
#include <vector>

#include "core/enhance/Enhancer.h"

namespace nocturne::core {

// Tunables of DHE; the defaults follow the paper.
struct DheSettings {
    // x in factor_i = span_i * (log10 M_i)^x: how much a sub-histogram's pixel count, besides
    // its grey-level span, earns it output range. The paper leaves x free; 1 weighs the two alike.
    double massExponent = 1.0;
    // Passes of the [1 1 1]/3 smoothing filter before looking for local minima.
    int smoothingPasses = 1;
    // Guard on the recursive mu +- sigma splitting (the paper recurses until every part is
    // normal-like; outer tails become normal-like after a cut or two).
    int maxSplitDepth = 12;
};

// One sub-histogram of DHE: grey levels [low, high] (inclusive, 0..255), its pixel count, the
// count-weighted mean and standard deviation of its levels, and the output display range
// [outLow, outHigh] (0..255 scale) it was allotted.
struct SubHistogram {
    int low = 0;
    int high = 255;
    double count = 0.0;
    double mean = 0.0;
    double stddev = 0.0;
    double outLow = 0.0;
    double outHigh = 255.0;
};

// Id "dhe": Dynamic Histogram Equalization, M. Abdullah-Al-Wadud, Md. H. Kabir, M. A. A. Dewan,
// O. Chae, "A Dynamic Histogram Equalization for Image Contrast Enhancement", IEEE Trans.
// Consumer Electronics 53(2), 2007. On the 256-level display-luminance histogram:
//  1. smooth with a size-3 box filter;
//  2. cut at the local minima of the smoothed histogram (a flat minimum is cut at its middle);
//  3. cut any part whose [mu - sigma, mu + sigma] holds less than 68.3 % of its pixels (not
//     normal-like) at mu - sigma and mu + sigma; the outer pieces are tested again recursively,
//     the middle (+-sigma core) piece is kept whole (see the .cpp for why);
//  4. give part i the output range (L-1) * factor_i / sum(factor), factor_i = span_i *
//     (log10 M_i)^x, span_i = high_i - low_i + 1 (= m_i - m_{i-1} of the paper) and M_i its
//     pixel count (parts with M_i <= 1 get no range);
//  5. equalise each part within its own output range: y = outLow + range * cdf_i(l) / M_i.
// The luminance mapping is applied as in HistogramEqualization (colour preserved, output
// decoded to linear with Gamma::kReference). Unlike HE, a large dark background cannot take over
// the whole output range, so small bright objects are not washed out.
// Thread: immutable after construction; enhance() is safe to call concurrently.
class DynamicHistogramEqualization final : public Enhancer {
public:
    static constexpr int kLevels = 256;
    using Histogram = std::array<double, kLevels>;

    explicit DynamicHistogramEqualization(DheSettings settings = {});

    const EnhancerInfo& info() const override { return m_info; }
    const DheSettings& settings() const { return m_settings; }
    Result<EnhanceOutput> enhance(const EnhanceInput& input, const RunContext& ctx) const override;

    // Steps 1-4 for a histogram of pixel counts: the sub-histograms in increasing grey-level
    // order, covering 0..255 without gaps, with their output ranges assigned.
    static std::vector<SubHistogram> partition(const Histogram& histogram,
                                               const DheSettings& settings = {});
    // Steps 1-5: output display luminance in [0,1] for each input level, non-decreasing.
    static std::array<float, kLevels> mapping(const Histogram& histogram,
                                              const DheSettings& settings = {});

private:
    EnhancerInfo m_info;
    DheSettings m_settings;
};

}  // namespace nocturne::core
