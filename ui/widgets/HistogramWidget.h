#pragma once

#include <QWidget>

#include "ui/services/Histogram.h"

namespace nocturne::ui {

// R, G, B and luminance histograms of the current result (square-root scaled so that the dark
// tail of a night photo stays visible next to a large peak).
// Thread: GUI thread.
class HistogramWidget : public QWidget {
    Q_OBJECT
public:
    explicit HistogramWidget(QWidget* parent = nullptr);

    void setHistogram(const Histogram& histogram);
    const Histogram& histogram() const { return m_histogram; }

    QSize sizeHint() const override { return {256, 110}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    Histogram m_histogram;
};

}  // namespace nocturne::ui
