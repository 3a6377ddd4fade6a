#include "core/enhance/HistogramEqualization.h"

#include <algorithm>

#include "core/enhance/ClassicalSupport.h"

namespace nocturne::core {

HistogramEqualization::HistogramEqualization()
{
    m_info.id = "he";
    m_info.displayName = "Histogram equalisation";
    m_info.description = "Spreads the luminance histogram evenly over the display range; colours kept.";
    m_info.reference = "Gonzalez & Woods, Digital Image Processing, Sec. 3.3 (histogram equalisation)";
    m_info.inputKind = InputKind::LinearRgb;
}

std::vector<float> HistogramEqualization::mapping(const std::vector<double>& histogram)
{
    const int levels = static_cast<int>(histogram.size());
    std::vector<float> table(std::max(levels, 0), 0.0f);
    if (levels < 2)
        return table;

    double total = 0.0;
    double cdfMin = 0.0;
    for (double count : histogram) {
        const double c = std::max(0.0, count);
        if (cdfMin == 0.0 && c > 0.0)
            cdfMin = c;
        total += c;
    }
    if (total <= 0.0 || total - cdfMin <= 0.0) {
        // Nothing to equalise (empty, or a single grey level): leave luminance as it is.
        for (int l = 0; l < levels; ++l)
            table[l] = static_cast<float>(l) / static_cast<float>(levels - 1);
        return table;
    }
    double cdf = 0.0;
    for (int l = 0; l < levels; ++l) {
        cdf += std::max(0.0, histogram[l]);
        table[l] = static_cast<float>(std::max(0.0, (cdf - cdfMin) / (total - cdfMin)));
    }
    return table;
}

Result<EnhanceOutput> HistogramEqualization::enhance(const EnhanceInput& input,
                                                     const RunContext& ctx) const
{
    return classical::equaliseLuminance(m_info, input, ctx, kLevels,
                                        [](const std::vector<double>& histogram) { return mapping(histogram); });
}

}  // namespace nocturne::core
