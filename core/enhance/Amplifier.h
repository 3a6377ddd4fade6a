#pragma once

#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/enhance/Exposure.h"
#include "core/image/ImageBuffer.h"
#include "core/image/RawMosaic.h"

namespace nocturne::core {

// Lamba & Mitra (CVPR 2021) Sec. 3.2: how much to amplify a dark exposure when the exposure
// ratio of a ground truth is unknown. See design/networks.md Sec. 7.
enum class AmplifierMode {
    Mean,       // Eq. 4: Amp = m / mean(x). Pulled down by saturated highlights.
    Weighted,   // Eq. 5-7: Amp = m / (sum w*x / sum w), w falls exponentially for bright pixels.
};

struct AmplifierSettings {
    double m = 0.5;                 // target (weighted) mean brightness; paper default 0.5
    AmplifierMode mode = AmplifierMode::Weighted;
    int bins = 128;                 // n in Eq. 6-7
    double minGain = 1.0;           // never darken
    double maxGain = 300.0;         // SID's largest exposure ratio; the official code clips here too

    bool operator==(const AmplifierSettings&) const = default;
};

// What becomes of values the gain pushes past white.
enum class Highlights {
    Shoulder,   // Exposure's highlight shoulder: what "amplify only" shows (the engine's default)
    Clip,       // clamp to 1, as SID and the classical baselines' papers do
    Keep,       // unbounded, as Lamba & Mitra feed their network
};

struct GainEstimate {
    double gain = 1.0;             // after clipping to [minGain, maxGain]
    double unclippedGain = 1.0;    // m / (weighted) mean, before clipping (inf for a black frame)
    double weightedMean = 0.0;     // the denominator of Eq. 4/5
};

// Thread: stateless apart from its settings; safe to use concurrently.
class Amplifier {
public:
    explicit Amplifier(AmplifierSettings settings = {});

    const AmplifierSettings& settings() const { return m_settings; }

    // x = normalised mosaic (black subtracted, divided by white - black), all CFA sites.
    GainEstimate estimate(const RawMosaic& mosaic) const;
    // x = every channel value of the linear RGB buffer (values are clamped to [0,1] for binning).
    GainEstimate estimate(const ImageBuffer& linearRgb) const;
    // x = the values of any CV_32F matrix (1 or 3 channels), already normalised to [0,1].
    GainEstimate estimate(const cv::Mat& normalized) const;

    // Eq. 6 bin edges b_0..b_n and Eq. 7 weights w_1..w_n for n bins (exposed for tests and docs).
    static std::vector<double> binEdges(int bins);
    static std::vector<double> binWeights(int bins);

    // gain * x with `highlights` handled; NaN and negatives become 0 except with Keep. The one
    // place the gain is applied, to linear RGB and to a normalised mosaic (CV_32FC1).
    static ImageBuffer apply(const ImageBuffer& linearRgb, double gain, Highlights highlights);
    static cv::Mat apply(const cv::Mat& normalizedMosaic, double gain, Highlights highlights);

private:
    AmplifierSettings m_settings;
};

}  // namespace nocturne::core
