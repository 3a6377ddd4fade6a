#include "ui/widgets/ParamCommand.h"

#include <array>
#include <charconv>

#include <QCoreApplication>

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
    return e;
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
    case Field::Settings: return QCoreApplication::translate("ParamCommand", "Load Settings");
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
    return (m_field == Field::Method || m_field == Field::Mode || m_field == Field::Settings)
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
