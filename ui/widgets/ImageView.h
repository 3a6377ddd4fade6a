#pragma once

#include <vector>

#include <QImage>
#include <QPointF>
#include <QWidget>

namespace nocturne::ui {

// Shows a result with optional before/after split and colour-mapped overlay; fit, 100 % and
// wheel zoom around the cursor, drag to pan, drag the divider to move the split.
// Coordinates: "logical" pixels are those of the full-resolution photo; the images shown may be
// a smaller proxy and are mapped onto the logical size. Each paint draws only the visible part,
// from a cached pyramid of halved copies (built once per image), so a 24 MP image pans and
// zooms without rescaling the whole image per frame.
// Thread: GUI thread.
class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(QWidget* parent = nullptr);

    // `after` is the result, `before` the unprocessed source at the same gamma (may be null).
    void setImages(const QImage& after, const QImage& before, QSize logicalSize = {});
    void setOverlay(const QImage& overlay);
    void clear();

    bool hasImage() const { return !m_after.levels.empty(); }
    QSize logicalSize() const { return m_logicalSize; }
    const QImage& afterImage() const;

    bool isOverlayVisible() const { return m_overlayVisible; }
    double overlayOpacity() const { return m_overlayOpacity; }
    bool isSplitEnabled() const { return m_splitEnabled; }
    double splitPosition() const { return m_split; }

    double zoom() const { return m_zoom; }   // screen pixels per logical pixel
    bool isFitMode() const { return m_fit; }
    QPointF viewCenter() const { return m_center; }
    // Logical position under a widget position.
    QPointF toLogical(QPointF widgetPos) const;

    QSize sizeHint() const override { return {800, 600}; }

public slots:
    void setOverlayVisible(bool visible);
    void setOverlayOpacity(double opacity);
    void setSplitEnabled(bool enabled);
    void setSplitPosition(double position);   // 0 = all result, 1 = all before (left part)
    void zoomToFit();
    void zoomToActualSize();
    void zoomBy(double factor);   // around the widget centre
    // For synchronised views: applies without emitting viewChanged.
    void setViewState(double zoom, QPointF center, bool fit);

signals:
    void viewChanged(double zoom, QPointF center, bool fit);
    void pixelHovered(QPoint logicalPos, QRgb value);
    void hoverLeft();
    void splitMoved(double position);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Layer {
        std::vector<QImage> levels;   // [0] the image, [k] halved k times (built lazily)
        void set(const QImage& image);
        const QImage& levelFor(double screenPerImagePixel, int* level);
    };
    enum class Drag { None, Pan, Split };

    double fitZoom() const;
    void clampCenter();
    void zoomAround(double factor, QPointF widgetPos);
    void drawLayer(QPainter& painter, Layer& layer, const QRectF& clipWidget);
    void notifyViewChanged();
    double splitX() const;

    Layer m_after;
    Layer m_before;
    Layer m_overlay;
    QSize m_logicalSize;
    double m_zoom = 1.0;
    QPointF m_center;
    bool m_fit = true;
    bool m_overlayVisible = false;
    double m_overlayOpacity = 0.6;
    bool m_splitEnabled = false;
    double m_split = 0.5;
    Drag m_drag = Drag::None;
    QPointF m_lastMouse;
};

}  // namespace nocturne::ui
