#include "core/pipeline/ProcessParams.h"

#include <cmath>
#include <sstream>

namespace nocturne::core {

namespace {

std::string formatNumber(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

Error outOfRange(const std::string& field, double value, const std::string& expected)
{
    return makeError(ErrorCode::InvalidArgument,
                     "value " + formatNumber(value) + " is out of range: expected " + expected, field);
}

bool isMethodIdChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '_' || c == '.';
}

}  // namespace

Result<void> validate(const ProcessParams& p)
{
    using L = ProcessLimits;
    if (p.method.empty() || p.method.size() > L::kMaxMethodId)
        return makeError(ErrorCode::InvalidArgument, "expected a method id such as \"none\" or \"he\"",
                         "method");
    for (const char c : p.method)
        if (!isMethodIdChar(c))
            return makeError(ErrorCode::InvalidArgument,
                             "\"" + p.method + "\" is not a method id (letters, digits, '-', '_', '.')",
                             "method");
    const AmplifierSettings& a = p.amplifier;
    if (!(a.m > 0.0 && a.m <= L::kMaxTarget))
        return outOfRange("amplifier.m", a.m, "a target brightness in (0, 1], e.g. 0.12");
    if (a.bins < 1 || a.bins > L::kMaxBins)
        return outOfRange("amplifier.bins", a.bins, "a bin count between 1 and 4096 (default 128)");
    if (!(a.minGain >= L::kMinRatio && a.minGain <= L::kMaxRatio))
        return outOfRange("amplifier.min_gain", a.minGain, "a gain between 1 and 1000 (default 1)");
    if (!(a.maxGain >= a.minGain && a.maxGain <= L::kMaxRatio))
        return outOfRange("amplifier.max_gain", a.maxGain,
                          "a gain between min_gain and 1000 (default 300)");
    if (p.exposureRatio && !(*p.exposureRatio >= L::kMinRatio && *p.exposureRatio <= L::kMaxRatio))
        return outOfRange("exposure_ratio", *p.exposureRatio,
                          "an exposure ratio between 1 and 1000, or null for the amplifier");
    if (!(p.noiseReduction >= 0.0f && p.noiseReduction <= NoiseReduction::kMaxStrength))
        return outOfRange("noise_reduction", p.noiseReduction, "a strength between 0 (off) and 3");
    if (!(p.gamma >= Gamma::kMin && p.gamma <= Gamma::kMax))
        return outOfRange("gamma", p.gamma, "a gamma between 1 and 4, e.g. 2.2");
    const double shift = WhiteBalance::kMaxShift;
    if (!(std::abs(p.whiteBalance.temperature) <= shift))
        return outOfRange("white_balance.temperature", p.whiteBalance.temperature,
                          "a shift between -100 (cooler) and 100 (warmer), 0 for none");
    if (!(std::abs(p.whiteBalance.tint) <= shift))
        return outOfRange("white_balance.tint", p.whiteBalance.tint,
                          "a shift between -100 (greener) and 100 (more magenta), 0 for none");
    return Result<void>::success();
}

std::string modeName(AmplifierMode mode)
{
    return mode == AmplifierMode::Mean ? "mean" : "weighted";
}

std::string modeName(ExposureMode mode)
{
    return mode == ExposureMode::Input ? "input" : "output";
}

}  // namespace nocturne::core
