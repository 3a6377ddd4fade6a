#include "ui/widgets/SliderPanel.h"

#include <cmath>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSlider>

#include "core/enhance/Gamma.h"
#include "core/enhance/WhiteBalance.h"

namespace nocturne::ui {

namespace {

constexpr int kMSteps = 100;       // slider units per 1.0 of m
constexpr int kGammaSteps = 100;   // slider units per 1.0 of gamma
constexpr int kNoiseSteps = 100;   // slider units per 1.0 of noise reduction strength
constexpr int kShiftSteps = 1;     // slider units per unit of temperature or tint

QSlider* makeSlider(int min, int max, QWidget* parent)
{
    auto* s = new QSlider(Qt::Horizontal, parent);
    s->setRange(min, max);
    s->setMinimumWidth(140);
    return s;
}

// A white-balance shift (temperature or tint): a slider and a spin box over -100..100 in whole
// steps, 0 in the middle, sharing one tooltip; returns the label, the spin box's buddy.
QLabel* makeShiftControls(const QString& text, const QString& tip, QSlider*& slider, QDoubleSpinBox*& spin,
                          QWidget* parent)
{
    const int maxShift = static_cast<int>(core::WhiteBalance::kMaxShift) * kShiftSteps;
    slider = makeSlider(-maxShift, maxShift, parent);
    spin = new QDoubleSpinBox(parent);
    spin->setRange(-core::WhiteBalance::kMaxShift, core::WhiteBalance::kMaxShift);
    spin->setSingleStep(1.0);
    spin->setDecimals(0);
    slider->setToolTip(tip);
    spin->setToolTip(tip);
    auto* label = new QLabel(text, parent);
    label->setBuddy(spin);
    return label;
}

}  // namespace

SliderPanel::SliderPanel(QWidget* parent) : QWidget(parent)
{
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);

    m_mSlider = makeSlider(1, kMSteps, this);
    m_mSpin = new QDoubleSpinBox(this);
    m_mSpin->setRange(0.01, core::ProcessLimits::kMaxTarget);
    m_mSpin->setSingleStep(0.01);
    m_mSpin->setDecimals(2);
    m_gainLabel = new QLabel(this);
    m_gainLabel->setMinimumWidth(80);
    auto* mLabel = new QLabel(tr("Amplifier &m"), this);
    mLabel->setBuddy(m_mSpin);
    const QString mTip = tr("Target weighted mean of the amplified photo in linear light (Lamba & Mitra, "
                            "Eq. 5); %1 puts real dark photos at a natural exposure. The gain it yields is "
                            "shown on the right.")
                             .arg(core::kDefaultAmplifierTarget);
    m_mSlider->setToolTip(mTip);
    m_mSpin->setToolTip(mTip);
    m_gainLabel->setToolTip(tr("Amplification gain used for the preview"));

    m_ratioToggle = new QCheckBox(tr("&Exposure ratio"), this);
    m_ratioToggle->setToolTip(tr("Type the gain yourself (e.g. 100 for a 1/100 s frame of a 1 s scene) "
                                 "instead of estimating it from m"));
    m_ratioSpin = new QDoubleSpinBox(this);
    m_ratioSpin->setRange(core::ProcessLimits::kMinRatio, core::ProcessLimits::kMaxRatio);
    m_ratioSpin->setDecimals(1);
    m_ratioSpin->setPrefix(QStringLiteral("×"));

    m_gammaSlider = makeSlider(static_cast<int>(core::Gamma::kMin * kGammaSteps),
                               static_cast<int>(core::Gamma::kMax * kGammaSteps), this);
    m_gammaSpin = new QDoubleSpinBox(this);
    m_gammaSpin->setRange(core::Gamma::kMin, core::Gamma::kMax);
    m_gammaSpin->setSingleStep(0.05);
    m_gammaSpin->setDecimals(2);
    auto* gammaLabel = new QLabel(tr("&Gamma"), this);
    gammaLabel->setBuddy(m_gammaSpin);
    const QString gammaTip = tr("Output gamma: 2.2 shows each method's result as made; higher lifts the shadows");
    m_gammaSlider->setToolTip(gammaTip);
    m_gammaSpin->setToolTip(gammaTip);

    m_noiseSlider = makeSlider(0, static_cast<int>(core::NoiseReduction::kMaxStrength * kNoiseSteps), this);
    m_noiseSpin = new QDoubleSpinBox(this);
    m_noiseSpin->setRange(0.0, core::NoiseReduction::kMaxStrength);
    m_noiseSpin->setSingleStep(0.1);
    m_noiseSpin->setDecimals(2);
    auto* noiseLabel = new QLabel(tr("&Noise reduction"), this);
    noiseLabel->setBuddy(m_noiseSpin);
    const QString noiseTip = tr("Removes the grain, colour specks and banding that amplification reveals "
                                "(none, HE, DHE, Retinex; networks denoise by themselves). 0 is off, 1 the "
                                "default, measured on real dark photos.");
    m_noiseSlider->setToolTip(noiseTip);
    m_noiseSpin->setToolTip(noiseTip);

    m_wbAuto = new QCheckBox(tr("&Auto white balance"), this);
    m_wbAuto->setToolTip(tr("Estimates the colour of the light and removes half of its cast: a lamp-lit "
                            "night scene keeps some warmth. Temperature and tint adjust on top of it."));
    auto* temperatureLabel = makeShiftControls(
        tr("&Temperature"),
        tr("Cooler (left) or warmer (right) than the photo's own white balance; 0 leaves it. Cools the "
           "orange of sodium street lamps."),
        m_temperatureSlider, m_temperatureSpin, this);
    auto* tintLabel = makeShiftControls(
        tr("T&int"),
        tr("Greener (left) or more magenta (right); 0 leaves it. Removes the green of fluorescent and some "
           "LED light."),
        m_tintSlider, m_tintSpin, this);

    grid->addWidget(mLabel, 0, 0);
    grid->addWidget(m_mSlider, 0, 1);
    grid->addWidget(m_mSpin, 0, 2);
    grid->addWidget(m_gainLabel, 0, 3);
    grid->addWidget(m_ratioToggle, 1, 0);
    grid->addWidget(m_ratioSpin, 1, 2);
    grid->addWidget(gammaLabel, 2, 0);
    grid->addWidget(m_gammaSlider, 2, 1);
    grid->addWidget(m_gammaSpin, 2, 2);
    grid->addWidget(noiseLabel, 3, 0);
    grid->addWidget(m_noiseSlider, 3, 1);
    grid->addWidget(m_noiseSpin, 3, 2);
    grid->addWidget(m_wbAuto, 4, 0, 1, 3);
    grid->addWidget(temperatureLabel, 5, 0);
    grid->addWidget(m_temperatureSlider, 5, 1);
    grid->addWidget(m_temperatureSpin, 5, 2);
    grid->addWidget(tintLabel, 6, 0);
    grid->addWidget(m_tintSlider, 6, 1);
    grid->addWidget(m_tintSpin, 6, 2);
    grid->setColumnStretch(1, 1);

    bind(m_mSlider, m_mSpin, kMSteps, ParamCommand::Field::Amplifier);
    bind(m_gammaSlider, m_gammaSpin, kGammaSteps, ParamCommand::Field::Gamma);
    bind(m_noiseSlider, m_noiseSpin, kNoiseSteps, ParamCommand::Field::NoiseReduction);
    bind(m_temperatureSlider, m_temperatureSpin, kShiftSteps, ParamCommand::Field::Temperature);
    bind(m_tintSlider, m_tintSpin, kShiftSteps, ParamCommand::Field::Tint);
    connect(m_wbAuto, &QCheckBox::toggled, this, [this] {
        if (!m_updating) {
            emit edited(ParamCommand::Field::AutoWhiteBalance);
            emit gestureFinished();
        }
    });
    connect(m_ratioSpin, &QDoubleSpinBox::valueChanged, this, [this] {
        if (!m_updating)
            emit edited(ParamCommand::Field::ExposureRatio);
    });
    connect(m_ratioToggle, &QCheckBox::toggled, this, [this] {
        syncEnabled();
        if (!m_updating) {
            emit edited(ParamCommand::Field::Mode);
            emit gestureFinished();
        }
    });
    for (QSlider* s : {m_mSlider, m_gammaSlider, m_noiseSlider, m_temperatureSlider, m_tintSlider})
        connect(s, &QSlider::sliderReleased, this, &SliderPanel::gestureFinished);
    for (QDoubleSpinBox* s : {m_mSpin, m_gammaSpin, m_ratioSpin, m_noiseSpin, m_temperatureSpin, m_tintSpin})
        connect(s, &QDoubleSpinBox::editingFinished, this, &SliderPanel::gestureFinished);

    setValues(EditorParams());
}

void SliderPanel::bind(QSlider* slider, QDoubleSpinBox* spin, int steps, ParamCommand::Field field)
{
    // Each control follows the other; only the user's change (not the echo) emits edited().
    connect(slider, &QSlider::valueChanged, this, [this, spin, steps, field](int v) {
        if (m_updating)
            return;
        m_updating = true;
        spin->setValue(v / static_cast<double>(steps));
        m_updating = false;
        emit edited(field);
    });
    connect(spin, &QDoubleSpinBox::valueChanged, this, [this, slider, steps, field](double v) {
        if (m_updating)
            return;
        m_updating = true;
        slider->setValue(static_cast<int>(std::lround(v * steps)));
        m_updating = false;
        emit edited(field);
    });
}

void SliderPanel::setValues(const EditorParams& params)
{
    m_updating = true;
    m_mSpin->setValue(params.m);
    m_mSlider->setValue(static_cast<int>(std::lround(params.m * kMSteps)));
    m_ratioToggle->setChecked(params.useExposureRatio);
    m_ratioSpin->setValue(params.exposureRatio);
    m_gammaSpin->setValue(params.gamma);
    m_gammaSlider->setValue(static_cast<int>(std::lround(params.gamma * kGammaSteps)));
    m_noiseSpin->setValue(params.noiseReduction);
    m_noiseSlider->setValue(static_cast<int>(std::lround(params.noiseReduction * kNoiseSteps)));
    m_wbAuto->setChecked(params.autoWhiteBalance);
    m_temperatureSpin->setValue(params.temperature);
    m_temperatureSlider->setValue(static_cast<int>(std::lround(params.temperature * kShiftSteps)));
    m_tintSpin->setValue(params.tint);
    m_tintSlider->setValue(static_cast<int>(std::lround(params.tint * kShiftSteps)));
    m_updating = false;
    syncEnabled();
}

void SliderPanel::applyTo(EditorParams& params, ParamCommand::Field field) const
{
    // Only the edited control: the others may show a loaded setting rounded to their decimals.
    switch (field) {
    case ParamCommand::Field::Amplifier: params.m = m_mSpin->value(); break;
    case ParamCommand::Field::ExposureRatio:
    case ParamCommand::Field::Mode:
        params.useExposureRatio = m_ratioToggle->isChecked();
        params.exposureRatio = m_ratioSpin->value();
        break;
    case ParamCommand::Field::Gamma: params.gamma = m_gammaSpin->value(); break;
    case ParamCommand::Field::NoiseReduction: params.noiseReduction = m_noiseSpin->value(); break;
    case ParamCommand::Field::AutoWhiteBalance: params.autoWhiteBalance = m_wbAuto->isChecked(); break;
    case ParamCommand::Field::Temperature: params.temperature = m_temperatureSpin->value(); break;
    case ParamCommand::Field::Tint: params.tint = m_tintSpin->value(); break;
    case ParamCommand::Field::Method:
    case ParamCommand::Field::Settings: break;
    }
}

void SliderPanel::setEstimatedGain(double gain, bool fromAmplifier)
{
    m_gainLabel->setText(fromAmplifier ? tr("gain ×%1").arg(gain, 0, 'f', gain < 10 ? 2 : 1)
                                       : tr("fixed ×%1").arg(gain, 0, 'f', 1));
}

QString SliderPanel::gainText() const
{
    return m_gainLabel->text();
}

void SliderPanel::syncEnabled()
{
    const bool ratio = m_ratioToggle->isChecked();
    m_mSlider->setEnabled(!ratio);
    m_mSpin->setEnabled(!ratio);
    m_ratioSpin->setEnabled(ratio);
}

}  // namespace nocturne::ui
