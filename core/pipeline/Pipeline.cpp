#include "core/pipeline/Pipeline.h"

#include <cmath>

#include "core/enhance/Gamma.h"

namespace nocturne::core {

namespace {

bool takesMosaic(InputKind kind)
{
    return kind == InputKind::BayerMosaic || kind == InputKind::PackedBayer;
}

std::size_t bytesOf(const EnhanceOutput& out)
{
    return out.image.mat().total() * out.image.mat().elemSize()
        + out.attention.total() * out.attention.elemSize();
}

std::string knownMethods(const EnhancerRegistry& registry)
{
    std::string ids;
    for (const auto& e : registry.all())
        ids += (ids.empty() ? "" : ", ") + e->info().id;
    return ids;
}

}  // namespace

Pipeline::Pipeline(std::shared_ptr<const EnhancerRegistry> registry) : m_registry(std::move(registry)) {}

double Pipeline::estimateGain(const DecodedImage& image, const ProcessParams& params) const
{
    if (params.exposureRatio)
        return *params.exposureRatio;
    const Amplifier amplifier(params.amplifier);
    // The gain is estimated on what the method will amplify: mosaic networks see the sensor data
    // (as in Lamba & Mitra), everything else the rendered linear RGB.
    const auto enhancer = m_registry->find(params.method);
    if (enhancer && takesMosaic(enhancer->info().inputKind) && image.mosaic)
        return amplifier.estimate(*image.mosaic).gain;
    return amplifier.estimate(image.rgb).gain;
}

Result<ProcessResult> Pipeline::process(const DecodedImage& image, const ProcessParams& params,
                                        const RunContext& ctx, const std::string& sourceKey)
{
    const auto enhancer = m_registry->find(params.method);
    if (!enhancer) {
        return makeError(ErrorCode::NotFound,
                         "unknown method '" + params.method + "' (available: " + knownMethods(*m_registry) + ")",
                         image.meta.sourcePath);
    }
    if (auto supported = enhancer->supports(image); !supported)
        return supported.error();
    if (params.exposureRatio && !(*params.exposureRatio > 0.0 && std::isfinite(*params.exposureRatio))) {
        return makeError(ErrorCode::InvalidArgument, "the exposure ratio must be a positive number",
                         image.meta.sourcePath);
    }
    if (!(params.gamma >= Gamma::kMin && params.gamma <= Gamma::kMax)) {
        return makeError(ErrorCode::InvalidArgument,
                         "gamma must be between " + std::to_string(Gamma::kMin) + " and " + std::to_string(Gamma::kMax),
                         image.meta.sourcePath);
    }
    if (ctx.stopRequested())
        return makeError(ErrorCode::Cancelled, "cancelled", image.meta.sourcePath);

    ProcessResult result;
    result.gain = estimateGain(image, params);
    result.gainFromAmplifier = !params.exposureRatio;

    // The enhance stage depends on the source, the method and the gain (not on m itself: two
    // settings that yield the same gain share a result). Gamma is downstream and never keyed.
    const bool cacheable = !sourceKey.empty();
    const std::uint64_t key = StageKey()
                                  .add(sourceKey)
                                  .add(static_cast<std::int64_t>(image.halfSize))
                                  .add(params.method)
                                  .add(result.gain)
                                  .value();
    std::shared_ptr<const EnhanceOutput> enhanced = cacheable ? m_cache.find<EnhanceOutput>(key) : nullptr;
    if (!enhanced) {
        auto out = enhancer->enhance(EnhanceInput{image, static_cast<float>(result.gain)}, ctx.subRange(0.0, 0.95));
        if (!out)
            return out.error();
        enhanced = std::make_shared<const EnhanceOutput>(std::move(out).value());
        if (cacheable)
            m_cache.store(key, enhanced, bytesOf(*enhanced));
    }

    result.linear = enhanced->image;
    result.attention = enhanced->attention;
    result.display = Gamma::encode(enhanced->image, params.gamma);
    ctx.progress(1.0, "done");
    return result;
}

}  // namespace nocturne::core
