#include "core/enhance/Enhancer.h"

namespace nocturne::core {

std::string toString(InputKind kind)
{
    switch (kind) {
    case InputKind::LinearRgb: return "linear RGB";
    case InputKind::BayerMosaic: return "Bayer mosaic";
    case InputKind::PackedBayer: return "packed Bayer (4 ch)";
    case InputKind::SrgbDisplay: return "sRGB";
    }
    return "?";
}

Result<void> Enhancer::supports(const DecodedImage& image) const
{
    const InputKind kind = info().inputKind;
    if ((kind == InputKind::BayerMosaic || kind == InputKind::PackedBayer) && !image.mosaic) {
        std::string why = image.meta.sensor == SensorKind::NotRaw
            ? "needs a Bayer RAW file; this is a " + image.meta.format + " image"
            : "needs a Bayer sensor; this RAW file comes from a " + toString(image.meta.sensor)
                  + " sensor";
        return makeError(ErrorCode::NotApplicable,
                         info().displayName + " " + why + ". Choose a classical method or an sRGB network.",
                         image.meta.sourcePath);
    }
    return Result<void>::success();
}

}  // namespace nocturne::core
