#include "core/enhance/DynamicHistogramEqualization.h"

#include <algorithm>
#include <cmath>

#include "core/enhance/ClassicalSupport.h"

namespace nocturne::core {

namespace {

constexpr int kL = DynamicHistogramEqualization::kLevels;
// Share of a normal distribution within one standard deviation of its mean.
constexpr double kNormalShare = 0.683;

using Histogram = DynamicHistogramEqualization::Histogram;

Histogram smooth(const Histogram& h, int passes)
{
    Histogram cur = h;
    for (int p = 0; p < passes; ++p) {
        Histogram next{};
        for (int i = 0; i < kL; ++i) {
            const double left = cur[std::max(i - 1, 0)];
            const double right = cur[std::min(i + 1, kL - 1)];
            next[i] = (left + cur[i] + right) / 3.0;
        }
        cur = next;
    }
    return cur;
}

// Cut points c (a part ends at c inclusive) at the local minima of the smoothed histogram. A run
// of equal values counts as one minimum when both neighbours of the run are higher; the cut goes
// in its middle so an empty gap between two modes is shared between them.
std::vector<int> localMinima(const Histogram& h)
{
    std::vector<int> cuts;
    int i = 0;
    while (i < kL) {
        int j = i;
        while (j + 1 < kL && h[j + 1] == h[i])
            ++j;
        const bool interior = i > 0 && j < kL - 1;
        if (interior && h[i - 1] > h[i] && h[j + 1] > h[j])
            cuts.push_back((i + j) / 2);
        i = j + 1;
    }
    return cuts;
}

SubHistogram describe(const Histogram& h, int low, int high)
{
    SubHistogram s;
    s.low = low;
    s.high = high;
    double sum = 0.0;
    for (int l = low; l <= high; ++l) {
        s.count += h[l];
        sum += h[l] * l;
    }
    if (s.count > 0.0) {
        s.mean = sum / s.count;
        double var = 0.0;
        for (int l = low; l <= high; ++l)
            var += h[l] * (l - s.mean) * (l - s.mean);
        s.stddev = std::sqrt(var / s.count);
    } else {
        s.mean = 0.5 * (low + high);
    }
    return s;
}

// Share of the part's pixels within [mu - sigma, mu + sigma]. A level stands for the values
// [l - 0.5, l + 0.5] and counts with the overlapping fraction, so a sampled bell scores close to
// 68.3 % whatever its position relative to the integer levels.
double shareWithinSigma(const Histogram& h, const SubHistogram& part)
{
    const double lo = part.mean - part.stddev;
    const double hi = part.mean + part.stddev;
    double inside = 0.0;
    for (int l = part.low; l <= part.high; ++l) {
        const double overlap = std::min(hi, l + 0.5) - std::max(lo, l - 0.5);
        if (overlap > 0.0)
            inside += h[l] * std::min(1.0, overlap);
    }
    return part.count > 0.0 ? inside / part.count : 1.0;
}

// Step 3: a part that is not normal-like is cut at mu - sigma and mu + sigma. The two outer
// pieces are tested again (recursively, as in the paper). The middle piece is the +-sigma core
// by construction and is kept: testing it again would always fail (a bell cut at +-sigma is
// flatter than a bell) and shred it into single levels, which the paper does not intend.
void splitUntilNormal(const Histogram& h, const SubHistogram& part, int depth,
                      std::vector<SubHistogram>& out)
{
    if (part.count <= 0.0 || part.high <= part.low || depth <= 0
        || shareWithinSigma(h, part) >= kNormalShare) {
        out.push_back(part);
        return;
    }
    const double lo = part.mean - part.stddev;
    const double hi = part.mean + part.stddev;
    const int midLow = std::clamp(static_cast<int>(std::lround(lo)), part.low, part.high + 1);
    const int midHigh = std::clamp(static_cast<int>(std::lround(hi)), midLow - 1, part.high);
    const SubHistogram below = describe(h, part.low, midLow - 1);
    const SubHistogram middle = describe(h, midLow, midHigh);
    const SubHistogram above = describe(h, midHigh + 1, part.high);
    if (below.low > below.high && above.low > above.high) {   // no cut possible
        out.push_back(part);
        return;
    }
    if (below.low <= below.high)
        splitUntilNormal(h, below, depth - 1, out);
    if (middle.low <= middle.high)
        out.push_back(middle);
    if (above.low <= above.high)
        splitUntilNormal(h, above, depth - 1, out);
}

}  // namespace

DynamicHistogramEqualization::DynamicHistogramEqualization(DheSettings settings)
    : m_settings(settings)
{
    m_info.id = "dhe";
    m_info.displayName = "Dynamic histogram equalisation";
    m_info.description = "Equalises each part of the luminance histogram within its own range, so "
                         "large dark areas do not wash out small bright ones.";
    m_info.reference = "Abdullah-Al-Wadud, Kabir, Dewan & Chae, IEEE Trans. Consumer Electronics "
                       "53(2), 2007";
    m_info.inputKind = InputKind::LinearRgb;
}

std::vector<SubHistogram> DynamicHistogramEqualization::partition(const Histogram& histogram,
                                                                  const DheSettings& settings)
{
    Histogram h{};
    for (int l = 0; l < kL; ++l)
        h[l] = std::max(0.0, histogram[l]);

    const std::vector<int> cuts = localMinima(smooth(h, std::max(0, settings.smoothingPasses)));
    std::vector<SubHistogram> parts;
    int low = 0;
    for (int cut : cuts) {
        splitUntilNormal(h, describe(h, low, cut), settings.maxSplitDepth, parts);
        low = cut + 1;
    }
    splitUntilNormal(h, describe(h, low, kL - 1), settings.maxSplitDepth, parts);

    // Step 4: output ranges.
    std::vector<double> factors(parts.size(), 0.0);
    double factorSum = 0.0;
    for (size_t i = 0; i < parts.size(); ++i) {
        const double span = parts[i].high - parts[i].low + 1;
        const double massTerm = parts[i].count > 1.0
            ? std::pow(std::log10(parts[i].count), settings.massExponent)
            : 0.0;
        factors[i] = span * massTerm;
        factorSum += factors[i];
    }
    if (!(factorSum > 0.0) || !std::isfinite(factorSum)) {
        // Degenerate input (e.g. a normalised histogram with counts below 1): spans alone.
        factorSum = 0.0;
        for (size_t i = 0; i < parts.size(); ++i) {
            factors[i] = parts[i].count > 0.0 ? parts[i].high - parts[i].low + 1 : 0.0;
            factorSum += factors[i];
        }
    }
    double start = 0.0;
    for (size_t i = 0; i < parts.size(); ++i) {
        const double range = factorSum > 0.0 ? (kL - 1) * factors[i] / factorSum : 0.0;
        parts[i].outLow = start;
        parts[i].outHigh = std::min(static_cast<double>(kL - 1), start + range);
        start = parts[i].outHigh;
    }
    return parts;
}

std::array<float, DynamicHistogramEqualization::kLevels>
DynamicHistogramEqualization::mapping(const Histogram& histogram, const DheSettings& settings)
{
    std::array<float, kL> table{};
    const std::vector<SubHistogram> parts = partition(histogram, settings);
    double total = 0.0;
    for (const SubHistogram& p : parts)
        total += p.count;
    if (total <= 0.0) {
        for (int l = 0; l < kL; ++l)
            table[l] = static_cast<float>(l) / (kL - 1);
        return table;
    }
    for (const SubHistogram& p : parts) {
        const double range = p.outHigh - p.outLow;
        double cdf = 0.0;
        for (int l = p.low; l <= p.high; ++l) {
            cdf += std::max(0.0, histogram[l]);
            const double y = p.count > 0.0 ? p.outLow + range * cdf / p.count : p.outLow;
            table[l] = static_cast<float>(std::clamp(y / (kL - 1), 0.0, 1.0));
        }
    }
    return table;
}

Result<EnhanceOutput> DynamicHistogramEqualization::enhance(const EnhanceInput& input,
                                                            const RunContext& ctx) const
{
    return classical::equaliseLuminance(m_info, input, ctx, kLevels, [this](const std::vector<double>& counts) {
        Histogram hist{};
        std::copy(counts.begin(), counts.end(), hist.begin());
        const std::array<float, kLevels> table = mapping(hist, m_settings);
        return std::vector<float>(table.begin(), table.end());
    });
}

}  // namespace nocturne::core
