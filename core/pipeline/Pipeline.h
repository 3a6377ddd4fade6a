#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/enhance/Amplifier.h"
#include "core/enhance/EnhancerRegistry.h"
#include "core/enhance/Exposure.h"
#include "core/enhance/Gamma.h"
#include "core/enhance/NoiseReduction.h"
#include "core/image/DecodedImage.h"
#include "core/pipeline/StageCache.h"

namespace nocturne::core {

// The amplifier target m that the editor and the CLI start from. Lamba & Mitra's 0.5 is the
// weighted mean of the *network input* they trained with; shown through the output gamma it
// made real dark photos 1.5x brighter than their references with 16 % of pixels clipped. 0.12
// puts the result at the references' brightness on real-dev (README "Processing model").
inline constexpr double kDefaultAmplifierTarget = 0.12;

inline AmplifierSettings defaultAmplifierSettings()
{
    AmplifierSettings s;
    s.m = kDefaultAmplifierTarget;
    return s;
}

// Everything that determines the result of processing one image.
struct ProcessParams {
    std::string method = "none";
    AmplifierSettings amplifier = defaultAmplifierSettings();   // m, Eq. 4 / Eq. 5, clip range
    std::optional<double> exposureRatio;     // user-typed gain; bypasses the amplifier
    ExposureMode exposure = ExposureMode::Output;
    // Strength of the noise reduction applied to the amplified image before methods that take
    // linear RGB (none, HE, DHE, Retinex); networks denoise by themselves and ignore it.
    float noiseReduction = NoiseReduction::kDefaultStrength;
    float gamma = Gamma::kReference;

    // Every field: a render made with other parameters is stale, whichever field differs.
    bool operator==(const ProcessParams&) const = default;
};

struct ProcessResult {
    ImageBuffer display;        // gamma-encoded, clamped to [0,1]: what is shown and exported
    ImageBuffer linear;         // the enhancer's linear output (before gamma)
    cv::Mat attention;          // the method's attention map, if it produces one
    double gain = 1.0;          // the amplification used
    bool gainFromAmplifier = true;
};

// load -> amplify(m) -> [noise reduction] -> enhance(method) -> [exposure match] -> gamma, with
// per-stage caching: each stage's output is
// keyed by the hash of everything upstream, so changing only gamma re-runs only gamma.
// Thread: one Pipeline per worker; not for concurrent use (the cache is not locked).
class Pipeline {
public:
    explicit Pipeline(std::shared_ptr<const EnhancerRegistry> registry);

    // `sourceKey` identifies the decoded image (e.g. path + mtime + decode options) for caching;
    // an empty key disables caching for this call.
    Result<ProcessResult> process(const DecodedImage& image, const ProcessParams& params,
                                  const RunContext& ctx, const std::string& sourceKey = {});

    // The gain the amplify stage would use for this image and params (cheap; for UI display).
    double estimateGain(const DecodedImage& image, const ProcessParams& params) const;

    const EnhancerRegistry& registry() const { return *m_registry; }
    StageCache& cache() { return m_cache; }

private:
    // gain x rgb through the highlight shoulder, then noise reduction; cached under `key`.
    Result<ImageBuffer> amplifiedSource(const DecodedImage& image, double gain, float strength,
                                        const RunContext& ctx, std::uint64_t key, bool cacheable);

    std::shared_ptr<const EnhancerRegistry> m_registry;
    StageCache m_cache;
};

}  // namespace nocturne::core
