#include "ui/widgets/ParamCommand.h"

#include <QCoreApplication>

namespace nocturne::ui {

core::ProcessParams EditorParams::toProcessParams() const
{
    core::ProcessParams p;
    p.method = method.toStdString();
    p.amplifier.m = m;
    if (useExposureRatio)
        p.exposureRatio = exposureRatio;
    p.gamma = static_cast<float>(gamma);
    p.noiseReduction = static_cast<float>(noiseReduction);
    return p;
}

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
    // Method and mode changes are discrete: never merged.
    return (m_field == Field::Method || m_field == Field::Mode) ? -1 : static_cast<int>(m_field);
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
