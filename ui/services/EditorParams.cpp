#include "ui/services/EditorParams.h"

#include <array>
#include <charconv>

namespace nocturne::ui {

namespace {

// The float's shortest decimal form as a double (2.7f -> 2.7, not 2.70000005): what the spin
// boxes hold for the same setting, and it converts back to the same float.
double asDecimal(float value)
{
    std::array<char, 32> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    double out = value;
    if (ec == std::errc())
        std::from_chars(buf.data(), end, out);
    return out;
}

}  // namespace

core::ProcessParams EditorParams::toProcessParams() const
{
    core::ProcessParams p;
    p.method = method.toStdString();
    p.amplifier.m = m;
    if (useExposureRatio)
        p.exposureRatio = exposureRatio;
    p.gamma = static_cast<float>(gamma);
    p.noiseReduction = static_cast<float>(noiseReduction);
    p.amplifier.mode = amplifierMode;
    p.amplifier.bins = amplifierBins;
    p.amplifier.minGain = minGain;
    p.amplifier.maxGain = maxGain;
    p.exposure = exposure;
    p.whiteBalance.automatic = autoWhiteBalance;
    p.whiteBalance.temperature = temperature;
    p.whiteBalance.tint = tint;
    return p;
}

EditorParams EditorParams::fromProcessParams(const core::ProcessParams& p, const EditorParams& current)
{
    EditorParams e;
    e.method = QString::fromStdString(p.method);
    e.m = p.amplifier.m;
    e.useExposureRatio = p.exposureRatio.has_value();
    e.exposureRatio = p.exposureRatio.value_or(current.exposureRatio);
    e.gamma = asDecimal(p.gamma);
    e.noiseReduction = asDecimal(p.noiseReduction);
    e.amplifierMode = p.amplifier.mode;
    e.amplifierBins = p.amplifier.bins;
    e.minGain = p.amplifier.minGain;
    e.maxGain = p.amplifier.maxGain;
    e.exposure = p.exposure;
    e.autoWhiteBalance = p.whiteBalance.automatic;
    e.temperature = p.whiteBalance.temperature;
    e.tint = p.whiteBalance.tint;
    return e;
}

}  // namespace nocturne::ui
