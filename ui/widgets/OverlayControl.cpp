#include "ui/widgets/OverlayControl.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QPainter>
#include <QSlider>

#include "ui/services/ColorMap.h"

namespace nocturne::ui {

namespace {

// The colour ramp from 0 to 1 with its end labels.
class Legend : public QWidget {
public:
    explicit Legend(QWidget* parent) : QWidget(parent) { setMinimumHeight(30); }

protected:
    void paintEvent(QPaintEvent* /*event*/) override
    {
        QPainter painter(this);
        const QRect bar(0, 0, width(), 12);
        for (int x = 0; x < bar.width(); ++x) {
            painter.setPen(QColor::fromRgb(ColorMap::map(static_cast<float>(x) / std::max(1, bar.width() - 1))));
            painter.drawLine(x, bar.top(), x, bar.bottom());
        }
        painter.setPen(palette().color(QPalette::WindowText));
        const QRect text(0, 14, width(), height() - 14);
        painter.drawText(text, Qt::AlignLeft | Qt::AlignTop, tr("0 unchanged"));
        painter.drawText(text, Qt::AlignRight | Qt::AlignTop, tr("1 brightened most"));
    }
};

}  // namespace

OverlayControl::OverlayControl(QWidget* parent) : QWidget(parent)
{
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    m_toggle = new QCheckBox(tr("Brightness-attention &overlay"), this);
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(60);
    m_opacity->setToolTip(tr("Overlay opacity"));
    m_caption = new QLabel(this);
    m_caption->setWordWrap(true);
    grid->addWidget(m_toggle, 0, 0, 1, 2);
    grid->addWidget(new QLabel(tr("Opacity"), this), 1, 0);
    grid->addWidget(m_opacity, 1, 1);
    grid->addWidget(new Legend(this), 2, 0, 1, 2);
    grid->addWidget(m_caption, 3, 0, 1, 2);
    setMapKind(false);
    connect(m_toggle, &QCheckBox::toggled, this, &OverlayControl::overlayToggled);
    connect(m_opacity, &QSlider::valueChanged, this, [this](int v) { emit opacityChanged(v / 100.0); });
}

bool OverlayControl::isOverlayEnabled() const
{
    return m_toggle->isChecked();
}

double OverlayControl::opacity() const
{
    return m_opacity->value() / 100.0;
}

void OverlayControl::setOverlayEnabled(bool enabled)
{
    m_toggle->setChecked(enabled);
}

void OverlayControl::setOpacity(double opacity)
{
    m_opacity->setValue(static_cast<int>(opacity * 100.0 + 0.5));
}

void OverlayControl::setMapKind(bool attention)
{
    m_caption->setText(attention ? tr("Showing the method's attention map.")
                                 : tr("Showing the brightness gain A = (max(out) − max(in)) / max(out)."));
}

QString OverlayControl::caption() const
{
    return m_caption->text();
}

}  // namespace nocturne::ui
