#include "ui/widgets/HistogramWidget.h"

#include <algorithm>
#include <cmath>

#include <QPainter>
#include <QPainterPath>

namespace nocturne::ui {

HistogramWidget::HistogramWidget(QWidget* parent) : QWidget(parent)
{
    setMinimumHeight(80);
    setToolTip(tr("Histogram of the current result (red, green, blue; white: luminance)"));
}

void HistogramWidget::setHistogram(const Histogram& histogram)
{
    m_histogram = histogram;
    update();
}

void HistogramWidget::paintEvent(QPaintEvent* /*event*/)
{
    QPainter painter(this);
    painter.fillRect(rect(), QColor(24, 24, 26));
    if (m_histogram.isEmpty())
        return;
    double peak = 1.0;
    for (int c = 0; c < 4; ++c)
        for (quint32 v : m_histogram.bins[static_cast<std::size_t>(c)])
            peak = std::max(peak, std::sqrt(static_cast<double>(v)));
    const QRectF area = QRectF(rect()).adjusted(2, 4, -2, -2);
    auto pathFor = [&](int channel) {
        QPainterPath path(area.bottomLeft());
        for (int i = 0; i < 256; ++i) {
            const double v = std::sqrt(static_cast<double>(m_histogram.bins[static_cast<std::size_t>(channel)][static_cast<std::size_t>(i)])) / peak;
            path.lineTo(area.left() + area.width() * i / 255.0, area.bottom() - area.height() * v);
        }
        path.lineTo(area.bottomRight());
        path.closeSubpath();
        return path;
    };
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setCompositionMode(QPainter::CompositionMode_Plus);
    const QColor colours[3] = {QColor(200, 40, 40, 150), QColor(40, 180, 40, 150), QColor(50, 70, 220, 150)};
    for (int c = 0; c < 3; ++c)
        painter.fillPath(pathFor(c), colours[c]);
    painter.setCompositionMode(QPainter::CompositionMode_SourceOver);
    painter.setPen(QPen(QColor(235, 235, 235, 200), 1));
    painter.drawPath(pathFor(Histogram::Luma));
}

}  // namespace nocturne::ui
