#include "core/pipeline/Pipeline.h"

#include <algorithm>
#include <cmath>

#include "core/enhance/Gamma.h"
#include "core/enhance/WhiteBalance.h"

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

Result<ImageBuffer> Pipeline::amplifiedSource(const DecodedImage& image, double gain, float strength,
                                              const RunContext& ctx, std::uint64_t key, bool cacheable)
{
    if (cacheable)
        if (auto hit = m_cache.find<ImageBuffer>(key))
            return *hit;
    if (image.rgb.empty() || image.rgb.mat().type() != CV_32FC3)
        return makeError(ErrorCode::InvalidArgument, "the photo has no decoded RGB image; reload it",
                         image.meta.sourcePath);
    ctx.progress(0.0, "amplify");
    ImageBuffer amplified = Amplifier::apply(image.rgb, gain, Highlights::Shoulder);
    ctx.progress(0.2, "noise reduction");
    auto denoised = NoiseReduction::apply(amplified, strength, ctx, image.meta.sourcePath);
    if (!denoised)
        return denoised.error();
    if (cacheable) {
        const cv::Mat& m = denoised->mat();
        m_cache.store(key, std::make_shared<const ImageBuffer>(*denoised), m.total() * m.elemSize());
    }
    return denoised;
}

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

    // Methods on linear RGB, and networks trained on the engine's exposure, get the amplified
    // (shouldered, denoised) image and a gain of 1; other networks apply the gain to their own
    // input representation.
    const bool amplifiedInput = enhancer->info().receivesAmplifiedImage();
    const float strength = amplifiedInput ? std::clamp(params.noiseReduction, 0.0f, NoiseReduction::kMaxStrength) : 0.0f;

    // Every stage depends on the source and the gain (not on m itself: two settings that yield
    // the same gain share a result). Gamma is downstream and never keyed.
    const bool cacheable = !sourceKey.empty();
    const auto baseKey = [&] {
        return StageKey().add(sourceKey).add(static_cast<std::int64_t>(image.halfSize)).add(result.gain);
    };
    const std::uint64_t key = baseKey()
                                  .add(params.method)
                                  .add(static_cast<double>(strength))
                                  .add(static_cast<std::int64_t>(params.exposure))
                                  .value();
    std::shared_ptr<const EnhanceOutput> enhanced = cacheable ? m_cache.find<EnhanceOutput>(key) : nullptr;
    if (!enhanced) {
        DecodedImage prepared = image;
        float gain = static_cast<float>(result.gain);
        if (amplifiedInput) {
            auto amplified = amplifiedSource(image, result.gain, strength, ctx.subRange(0.0, 0.4),
                                             cacheable ? baseKey().add("amplified").add(static_cast<double>(strength)).value() : 0,
                                             cacheable);
            if (!amplified)
                return amplified.error();
            prepared.rgb = *amplified;
            gain = 1.0f;
        }
        auto out = enhancer->enhance(EnhanceInput{prepared, gain},
                                     ctx.subRange(amplifiedInput ? 0.4 : 0.0, 0.95));
        if (!out)
            return out.error();
        if (params.exposure == ExposureMode::Output) {
            // Every method is brought to the exposure of the amplified image it was given: what
            // "amplify only" shows at this gain (for which the match is the identity).
            const double target = amplifiedInput ? Exposure::displayMean(prepared.rgb)
                                               : Exposure::amplifiedDisplayMean(image.rgb, result.gain);
            out->image = Exposure::match(out->image, target);
        }
        enhanced = std::make_shared<const EnhanceOutput>(std::move(out).value());
        if (cacheable)
            m_cache.store(key, enhanced, bytesOf(*enhanced));
    }

    result.linear = WhiteBalance::apply(enhanced->image, params.whiteBalance);
    result.attention = enhanced->attention;
    result.display = Gamma::encode(result.linear, params.gamma);
    ctx.progress(1.0, "done");
    return result;
}

}  // namespace nocturne::core
