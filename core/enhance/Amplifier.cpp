#include "core/enhance/Amplifier.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cmath>
#include <limits>

#include <opencv2/core.hpp>

namespace nocturne::core {

namespace {

// Fixed stripe count: partial sums are merged in stripe order whatever the thread count, so the
// estimate is bit-identical from run to run and machine to machine.
constexpr int kStripes = 64;

// Per-bin pixel count and value sum (both needed: Eq. 4 uses the totals, Eq. 5 weights each bin).
struct BinTotals {
    std::vector<double> count;
    std::vector<double> sum;
    explicit BinTotals(int bins) : count(bins, 0.0), sum(bins, 0.0) {}
};

// 0-based bin index for x in [0,1]: bin k (1-based) holds b_{k-1} < x <= b_k, and x = 0 joins
// bin 1. A table indexed by the top 16 bits of the float (exponent and 7 mantissa bits) gives
// the bin of the cell's smallest value; a short upward walk along the edges finishes the job.
// This avoids a log2 per value, which dominated the cost on 24 MP frames.
class BinLookup {
public:
    explicit BinLookup(int bins) : m_bins(bins), m_edges(Amplifier::binEdges(bins))
    {
        m_table.resize((kOneBits >> 16) + 1);
        for (uint32_t cell = 0; cell < m_table.size(); ++cell) {
            const float lowest = std::bit_cast<float>(cell << 16);
            m_table[cell] = exactIndex(lowest);
        }
    }

    int index(float x) const   // x already clamped to [0,1]
    {
        int k = m_table[std::bit_cast<uint32_t>(x) >> 16];
        while (k < m_bins - 1 && x > m_edges[k + 1])
            ++k;
        return k;
    }

private:
    static constexpr uint32_t kOneBits = 0x3F800000u;   // bit pattern of 1.0f

    int exactIndex(float x) const
    {
        int k = 0;
        while (k < m_bins - 1 && x > m_edges[k + 1])
            ++k;
        return k;
    }

    int m_bins;
    std::vector<double> m_edges;
    std::vector<int> m_table;
};

BinTotals histogram(const cv::Mat& values, int bins)
{
    const cv::Mat flat = values.isContinuous() ? values.reshape(1, 1) : values.clone().reshape(1, 1);
    const auto* data = flat.ptr<float>(0);
    const long long total = static_cast<long long>(flat.total());
    const BinLookup lookup(bins);

    std::vector<BinTotals> partial(kStripes, BinTotals(bins));
    cv::parallel_for_(cv::Range(0, kStripes), [&](const cv::Range& range) {
        for (int s = range.start; s < range.end; ++s) {
            BinTotals& acc = partial[s];
            const long long begin = total * s / kStripes;
            const long long end = total * (s + 1) / kStripes;
            for (long long i = begin; i < end; ++i) {
                const float v = data[i];
                // Clamp to [0,1]; NaN fails both comparisons and counts as black.
                const float x = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
                const int b = lookup.index(x);
                acc.count[b] += 1.0;
                acc.sum[b] += x;
            }
        }
    });

    BinTotals result(bins);
    for (const BinTotals& p : partial) {
        for (int b = 0; b < bins; ++b) {
            result.count[b] += p.count[b];
            result.sum[b] += p.sum[b];
        }
    }
    return result;
}

}  // namespace

Amplifier::Amplifier(AmplifierSettings settings) : m_settings(settings)
{
    m_settings.bins = std::max(1, m_settings.bins);
}

std::vector<double> Amplifier::binEdges(int bins)
{
    bins = std::max(1, bins);
    std::vector<double> edges(bins + 1, 0.0);
    for (int k = 1; k <= bins; ++k)
        edges[k] = std::exp2(8.0 * k / bins) / 256.0;
    edges[bins] = 1.0;   // exact, so saturated pixels land in the last bin
    return edges;
}

std::vector<double> Amplifier::binWeights(int bins)
{
    bins = std::max(1, bins);
    std::vector<double> weights(bins);
    for (int k = 1; k <= bins; ++k)
        weights[k - 1] = std::exp2(8.0 * (bins - k + 1) / bins) / 256.0;
    return weights;
}

GainEstimate Amplifier::estimate(const RawMosaic& mosaic) const
{
    if (mosaic.empty())
        return {};
    return estimate(mosaic.normalized());
}

GainEstimate Amplifier::estimate(const ImageBuffer& linearRgb) const
{
    return estimate(linearRgb.mat());
}

GainEstimate Amplifier::estimate(const cv::Mat& normalized) const
{
    GainEstimate result;
    if (normalized.empty() || normalized.depth() != CV_32F)
        return result;   // nothing to measure: leave the gain at 1

    // Both modes see the values clamped to [0,1], so a few hot pixels above the white level
    // weigh no more in Eq. 4 than a saturated one.
    const BinTotals totals = histogram(normalized, m_settings.bins);
    double numerator = 0.0;
    double denominator = 0.0;
    const std::vector<double> weights = binWeights(m_settings.bins);
    for (int b = 0; b < m_settings.bins; ++b) {
        const double w = m_settings.mode == AmplifierMode::Weighted ? weights[b] : 1.0;
        numerator += w * totals.sum[b];
        denominator += w * totals.count[b];
    }
    result.weightedMean = denominator > 0.0 ? numerator / denominator : 0.0;

    if (result.weightedMean > 0.0) {
        result.unclippedGain = m_settings.m / result.weightedMean;
    } else {
        // A black frame: any gain is "right"; use the largest allowed one.
        result.unclippedGain = std::numeric_limits<double>::infinity();
    }
    result.gain = std::clamp(result.unclippedGain, m_settings.minGain,
                             std::max(m_settings.minGain, m_settings.maxGain));
    return result;
}

ImageBuffer Amplifier::apply(const ImageBuffer& linearRgb, double gain, Highlights highlights)
{
    if (linearRgb.empty())
        return {};
    switch (highlights) {
    case Highlights::Shoulder: return Exposure::amplify(linearRgb, gain);
    case Highlights::Clip: return Exposure::amplify(linearRgb, gain, 1.0f);   // a knee at white
    case Highlights::Keep: break;
    }
    cv::Mat out;
    linearRgb.mat().convertTo(out, CV_32F, gain);
    return ImageBuffer(out, linearRgb.encoding());
}

cv::Mat Amplifier::apply(const cv::Mat& normalizedMosaic, double gain, Highlights highlights)
{
    cv::Mat x;
    normalizedMosaic.convertTo(x, CV_32F, gain);
    if (highlights == Highlights::Keep)
        return x;
    // A mosaic has no colour to keep under a shoulder: both bounded modes clamp at white.
    // (Normalised mosaics are never negative: RawMosaic::normalized clamps at black.)
    cv::min(x, 1.0, x);
    return x;
}

}  // namespace nocturne::core
