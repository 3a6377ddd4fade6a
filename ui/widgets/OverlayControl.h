#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QSlider;

namespace nocturne::ui {

// Toggle and opacity for the brightness-attention overlay, with a legend of the colour map
// and a caption saying which map is shown (the method's attention, or the Eq. 4 gain map).
// Thread: GUI thread.
class OverlayControl : public QWidget {
    Q_OBJECT
public:
    explicit OverlayControl(QWidget* parent = nullptr);

    bool isOverlayEnabled() const;
    double opacity() const;
    void setOverlayEnabled(bool enabled);
    void setOpacity(double opacity);
    // true: the method's own attention map; false: the brightness-gain map.
    void setMapKind(bool attention);
    QString caption() const;
    QCheckBox* toggle() const { return m_toggle; }

signals:
    void overlayToggled(bool enabled);
    void opacityChanged(double opacity);

private:
    QCheckBox* m_toggle = nullptr;
    QSlider* m_opacity = nullptr;
    QLabel* m_caption = nullptr;
};

}  // namespace nocturne::ui
