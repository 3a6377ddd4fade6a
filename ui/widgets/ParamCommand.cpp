#include "ui/widgets/ParamCommand.h"

#include <QCoreApplication>

namespace nocturne::ui {

ParamCommand::ParamCommand(Field field, int gesture, EditorParams before, EditorParams after, Apply apply)
    : QUndoCommand(describe(field)),
      m_field(field),
      m_gesture(gesture),
      m_before(std::move(before)),
      m_after(std::move(after)),
      m_apply(std::move(apply))
{
}

QString ParamCommand::describe(Field field)
{
    switch (field) {
    case Field::Method: return QCoreApplication::translate("ParamCommand", "Change Method");
    case Field::Amplifier: return QCoreApplication::translate("ParamCommand", "Change Amplifier m");
    case Field::ExposureRatio: return QCoreApplication::translate("ParamCommand", "Change Exposure Ratio");
    case Field::Gamma: return QCoreApplication::translate("ParamCommand", "Change Gamma");
    case Field::Mode: return QCoreApplication::translate("ParamCommand", "Change Gain Mode");
    case Field::NoiseReduction: return QCoreApplication::translate("ParamCommand", "Change Noise Reduction");
    case Field::Settings: return QCoreApplication::translate("ParamCommand", "Load Settings");
    case Field::AutoWhiteBalance: return QCoreApplication::translate("ParamCommand", "Change Auto White Balance");
    case Field::Temperature: return QCoreApplication::translate("ParamCommand", "Change Temperature");
    case Field::Tint: return QCoreApplication::translate("ParamCommand", "Change Tint");
    }
    return {};
}

void ParamCommand::undo()
{
    m_apply(m_before);
}

void ParamCommand::redo()
{
    m_apply(m_after);
}

int ParamCommand::id() const
{
    // Method, mode and toggle changes are discrete: never merged.
    return (m_field == Field::Method || m_field == Field::Mode || m_field == Field::Settings
            || m_field == Field::AutoWhiteBalance)
        ? -1 : static_cast<int>(m_field);
}

bool ParamCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = dynamic_cast<const ParamCommand*>(other);
    if (!next || next->m_field != m_field || next->m_gesture != m_gesture)
        return false;
    m_after = next->m_after;
    setObsolete(m_after == m_before);
    return true;
}

}  // namespace nocturne::ui
