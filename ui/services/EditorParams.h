#pragma once

#include <QString>

#include "core/pipeline/ProcessParams.h"

namespace nocturne::ui {

// The editor's adjustable parameters (what undo/redo restores and QSettings remembers): the
// core's ProcessParams in the controls' terms (a method id as QString, the typed exposure ratio
// kept while switched off).
// Thread: a value type.
struct EditorParams {
    QString method = QStringLiteral("none");
    double m = core::kDefaultAmplifierTarget;
    bool useExposureRatio = false;
    double exposureRatio = 8.0;
    double gamma = 2.2;
    double noiseReduction = core::NoiseReduction::kDefaultStrength;
    bool autoWhiteBalance = false;
    double temperature = 0.0;   // core::WhiteBalanceSettings' shifts, -100..100
    double tint = 0.0;
    // No control in the editor; set by File > Load Settings, so that loaded settings render,
    // and save again, exactly as written.
    core::AmplifierMode amplifierMode = core::AmplifierSettings{}.mode;
    int amplifierBins = core::AmplifierSettings{}.bins;
    double minGain = core::AmplifierSettings{}.minGain;
    double maxGain = core::AmplifierSettings{}.maxGain;
    core::ExposureMode exposure = core::ExposureMode::Output;

    core::ProcessParams toProcessParams() const;
    // `p` in the editor's terms; without an exposure ratio, `current`'s typed ratio is kept
    // (switched off) so that turning the ratio back on finds it.
    static EditorParams fromProcessParams(const core::ProcessParams& p, const EditorParams& current);
    bool operator==(const EditorParams& other) const = default;
};

}  // namespace nocturne::ui
