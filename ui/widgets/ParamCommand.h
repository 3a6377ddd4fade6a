#pragma once

#include <functional>

#include <QString>
#include <QUndoCommand>

#include "core/pipeline/Pipeline.h"

namespace nocturne::ui {

// The editor's adjustable parameters (what undo/redo restores and QSettings remembers).
struct EditorParams {
    QString method = QStringLiteral("none");
    double m = core::kDefaultAmplifierTarget;
    bool useExposureRatio = false;
    double exposureRatio = 8.0;
    double gamma = 2.2;
    double noiseReduction = core::NoiseReduction::kDefaultStrength;
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

// One parameter change on the undo stack. Consecutive changes of the same control during one
// gesture (a slider drag, spin-box clicks) merge into one command.
// Thread: GUI thread.
class ParamCommand : public QUndoCommand {
public:
    enum class Field { Method = 1, Amplifier, ExposureRatio, Gamma, Mode, NoiseReduction, Settings };
    using Apply = std::function<void(const EditorParams&)>;

    ParamCommand(Field field, int gesture, EditorParams before, EditorParams after, Apply apply);

    void undo() override;
    void redo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

    const EditorParams& after() const { return m_after; }

private:
    static QString describe(Field field);

    Field m_field;
    int m_gesture;
    EditorParams m_before;
    EditorParams m_after;
    Apply m_apply;
};

}  // namespace nocturne::ui
