#include "core/pipeline/MethodDefaults.h"

namespace nocturne::core {

SourceKind sourceKindOf(const ImageMeta& meta)
{
    return meta.sensor == SensorKind::NotRaw ? SourceKind::Raster : SourceKind::Raw;
}

std::string toString(SourceKind kind)
{
    return kind == SourceKind::Raw ? "raw" : "raster";
}

std::string defaultMethodFor(SourceKind kind, const EnhancerRegistry& registry)
{
    // Raster: measured on real-dev (8-bit sRGB) at the default exposure, amplify + noise
    // reduction beats HE, DHE, Retinex and every network but ba-gan on PSNR, SSIM and GT-mean
    // PSNR (README "Quality on real photos"). ba-gan, which refines that picture, is ahead by
    // 0.13 dB / 0.005 / 0.18 dB at about ten times the time (5 s for 12 MP on two cores), so it
    // is offered, not the default. RAW: real-dev holds no RAW files; on the bundled sample and
    // synthetic DNGs the RAW networks blur and halo where amplify + noise reduction does not,
    // so RAW gets the same rendering until a RAW network beats it on real captures (issue 13).
    // Edit this table when the measurements change.
    struct Choice {
        SourceKind kind;
        const char* method;
    };
    static constexpr Choice kBest[] = {{SourceKind::Raster, "none"}, {SourceKind::Raw, "none"}};
    for (const Choice& c : kBest)
        if (c.kind == kind && registry.find(c.method))
            return c.method;
    return "none";
}

}  // namespace nocturne::core
