#pragma once

#include <QWidget>

#include "ui/widgets/ParamCommand.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;

namespace nocturne::ui {

// The amplifier target m (0.02-1.0) with the gain it yields, the alternative typed exposure
// ratio, the noise reduction strength (0-3), the output gamma (1.0-4.0) and the white balance
// (automatic, temperature and tint, -100..100); each slider paired with a spin box. Emits edited()
// on every user change (live preview) and gestureFinished() when a drag or edit ends, which
// closes the undo merge window.
// Thread: GUI thread.
class SliderPanel : public QWidget {
    Q_OBJECT
public:
    explicit SliderPanel(QWidget* parent = nullptr);

    // Shows `params` without emitting edited().
    void setValues(const EditorParams& params);
    // Writes the control behind `field` into `params` (the method is left alone).
    void applyTo(EditorParams& params, ParamCommand::Field field) const;
    void setEstimatedGain(double gain, bool fromAmplifier);

    QSlider* amplifierSlider() const { return m_mSlider; }
    QDoubleSpinBox* amplifierSpin() const { return m_mSpin; }
    QSlider* gammaSlider() const { return m_gammaSlider; }
    QDoubleSpinBox* gammaSpin() const { return m_gammaSpin; }
    QSlider* noiseSlider() const { return m_noiseSlider; }
    QDoubleSpinBox* noiseSpin() const { return m_noiseSpin; }
    QCheckBox* autoWhiteBalanceToggle() const { return m_wbAuto; }
    QSlider* temperatureSlider() const { return m_temperatureSlider; }
    QDoubleSpinBox* temperatureSpin() const { return m_temperatureSpin; }
    QSlider* tintSlider() const { return m_tintSlider; }
    QDoubleSpinBox* tintSpin() const { return m_tintSpin; }
    QCheckBox* exposureRatioToggle() const { return m_ratioToggle; }
    QDoubleSpinBox* exposureRatioSpin() const { return m_ratioSpin; }
    QString gainText() const;

signals:
    void edited(nocturne::ui::ParamCommand::Field field);
    void gestureFinished();

private:
    void syncEnabled();
    void bind(QSlider* slider, QDoubleSpinBox* spin, int steps, ParamCommand::Field field);

    QSlider* m_mSlider = nullptr;
    QDoubleSpinBox* m_mSpin = nullptr;
    QLabel* m_gainLabel = nullptr;
    QCheckBox* m_ratioToggle = nullptr;
    QDoubleSpinBox* m_ratioSpin = nullptr;
    QSlider* m_gammaSlider = nullptr;
    QDoubleSpinBox* m_gammaSpin = nullptr;
    QSlider* m_noiseSlider = nullptr;
    QDoubleSpinBox* m_noiseSpin = nullptr;
    QCheckBox* m_wbAuto = nullptr;
    QSlider* m_temperatureSlider = nullptr;
    QDoubleSpinBox* m_temperatureSpin = nullptr;
    QSlider* m_tintSlider = nullptr;
    QDoubleSpinBox* m_tintSpin = nullptr;
    bool m_updating = false;
};

}  // namespace nocturne::ui
