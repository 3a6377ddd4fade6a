#pragma once

#include <functional>

#include <QString>
#include <QUndoCommand>

#include "ui/services/EditorParams.h"

namespace nocturne::ui {

// One parameter change on the undo stack. Consecutive changes of the same control during one
// gesture (a slider drag, spin-box clicks) merge into one command.
// Thread: GUI thread.
class ParamCommand : public QUndoCommand {
public:
    enum class Field {
        Method = 1, Amplifier, ExposureRatio, Gamma, Mode, NoiseReduction, Settings,
        AutoWhiteBalance, Temperature, Tint
    };
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
