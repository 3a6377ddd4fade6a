#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/enhance/EnhancerRegistry.h"
#include "core/image/DecodedImage.h"
#include "core/pipeline/ProcessParams.h"
#include "core/pipeline/StageCache.h"

namespace nocturne::core {

struct ProcessResult {
    ImageBuffer display;        // gamma-encoded, clamped to [0,1]: what is shown and exported
    ImageBuffer linear;         // the enhancer's linear output, white-balanced (before gamma)
    cv::Mat attention;          // the method's attention map, if it produces one
    double gain = 1.0;          // the amplification used
    bool gainFromAmplifier = true;
};

// load -> amplify(m) -> [noise reduction] -> enhance(method) -> [exposure match] ->
// [white balance] -> gamma, with
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
