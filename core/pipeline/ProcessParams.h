#pragma once

#include <optional>
#include <string>

#include "core/base/Result.h"
#include "core/enhance/Amplifier.h"
#include "core/enhance/Exposure.h"
#include "core/enhance/Gamma.h"
#include "core/enhance/NoiseReduction.h"
#include "core/enhance/WhiteBalance.h"

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

// Everything that determines the result of processing one image. Saved and replayed as a
// settings file (ProcessParamsFile); `kVersion` is that file's version: raise it, and teach
// the reader to migrate the older versions, whenever a field is added or changes meaning.
struct ProcessParams {
    static constexpr int kVersion = 2;   // 2: white_balance

    std::string method = "none";
    AmplifierSettings amplifier = defaultAmplifierSettings();   // m, Eq. 4 / Eq. 5, clip range
    std::optional<double> exposureRatio;     // user-typed gain; bypasses the amplifier
    ExposureMode exposure = ExposureMode::Output;
    // Strength of the noise reduction applied to the amplified image before methods that take
    // linear RGB (none, HE, DHE, Retinex); networks denoise by themselves and ignore it.
    float noiseReduction = NoiseReduction::kDefaultStrength;
    float gamma = Gamma::kReference;
    // On the method's linear output, before gamma; the identity by default.
    WhiteBalanceSettings whiteBalance;

    // Every field: a render made with other parameters is stale, whichever field differs.
    bool operator==(const ProcessParams&) const = default;
};

// The accepted ranges, shared by the command line and settings files.
struct ProcessLimits {
    static constexpr double kMaxTarget = 1.0;        // m in (0, kMaxTarget]
    static constexpr double kMinRatio = 1.0;         // exposure ratio / gains in [kMinRatio, kMaxRatio]
    static constexpr double kMaxRatio = 1000.0;
    static constexpr int kMaxBins = 4096;            // Eq. 6-7 bins in [1, kMaxBins]
    static constexpr std::size_t kMaxMethodId = 64;
};

// Every field within its range (and finite). The error's context names the field, in the
// settings file's spelling ("amplifier.m", "gamma", ...).
Result<void> validate(const ProcessParams& params);

std::string modeName(AmplifierMode mode);    // "weighted", "mean" (not toString: QTest finds that by ADL)
std::string modeName(ExposureMode mode);     // "output", "input"

}  // namespace nocturne::core
