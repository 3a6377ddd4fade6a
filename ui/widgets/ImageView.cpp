#include "ui/widgets/ImageView.h"

#include <algorithm>
#include <cmath>

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

namespace nocturne::ui {

namespace {

constexpr double kMinZoom = 0.01;
constexpr double kMaxZoom = 32.0;
constexpr double kSplitGrab = 6.0;   // px either side of the divider that grab it

}  // namespace

void ImageView::Layer::set(const QImage& image)
{
    levels.clear();
    if (image.isNull())
        return;
    // RGB32 is the raster engine's fast path; converting once beats converting per paint.
    levels.push_back(image.format() == QImage::Format_RGB32 ? image : image.convertToFormat(QImage::Format_RGB32));
}

const QImage& ImageView::Layer::levelFor(double screenPerImagePixel, int* level)
{
    int k = 0;
    double scale = screenPerImagePixel;
    while (scale < 0.5 && levels.back().width() > 8 && levels.back().height() > 8) {
        if (static_cast<std::size_t>(k + 1) >= levels.size()) {
            const QImage& last = levels.back();
            levels.push_back(last.scaled(std::max(1, last.width() / 2), std::max(1, last.height() / 2),
                                         Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
        }
        ++k;
        scale *= 2.0;
    }
    *level = k;
    return levels[static_cast<std::size_t>(k)];
}

ImageView::ImageView(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::WheelFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(160, 120);
}

void ImageView::setImages(const QImage& after, const QImage& before, QSize logicalSize)
{
    const bool first = !hasImage();
    const QSize newLogical = logicalSize.isValid() ? logicalSize : after.size();
    const bool sizeChanged = newLogical != m_logicalSize;
    m_after.set(after);
    m_before.set(before);
    m_logicalSize = newLogical;
    if (first || sizeChanged) {
        m_fit = true;
        m_center = QPointF(m_logicalSize.width() / 2.0, m_logicalSize.height() / 2.0);
    }
    if (m_fit)
        m_zoom = fitZoom();
    update();
}

void ImageView::setOverlay(const QImage& overlay)
{
    m_overlay.set(overlay);
    update();
}

void ImageView::clear()
{
    m_after.set({});
    m_before.set({});
    m_overlay.set({});
    m_logicalSize = {};
    update();
}

const QImage& ImageView::afterImage() const
{
    static const QImage kNull;
    return m_after.levels.empty() ? kNull : m_after.levels.front();
}

QPointF ImageView::toLogical(QPointF widgetPos) const
{
    const QPointF widgetCenter(width() / 2.0, height() / 2.0);
    return m_center + (widgetPos - widgetCenter) / m_zoom;
}

void ImageView::setOverlayVisible(bool visible)
{
    m_overlayVisible = visible;
    update();
}

void ImageView::setOverlayOpacity(double opacity)
{
    m_overlayOpacity = std::clamp(opacity, 0.0, 1.0);
    update();
}

void ImageView::setSplitEnabled(bool enabled)
{
    m_splitEnabled = enabled;
    update();
}

void ImageView::setSplitPosition(double position)
{
    m_split = std::clamp(position, 0.0, 1.0);
    update();
}

double ImageView::fitZoom() const
{
    if (m_logicalSize.isEmpty())
        return 1.0;
    return std::clamp(std::min(width() / static_cast<double>(m_logicalSize.width()),
                               height() / static_cast<double>(m_logicalSize.height())),
                      kMinZoom, kMaxZoom);
}

void ImageView::zoomToFit()
{
    m_fit = true;
    m_zoom = fitZoom();
    m_center = QPointF(m_logicalSize.width() / 2.0, m_logicalSize.height() / 2.0);
    notifyViewChanged();
}

void ImageView::zoomToActualSize()
{
    m_fit = false;
    m_zoom = 1.0;
    clampCenter();
    notifyViewChanged();
}

void ImageView::zoomBy(double factor)
{
    zoomAround(factor, QPointF(width() / 2.0, height() / 2.0));
}

void ImageView::zoomAround(double factor, QPointF widgetPos)
{
    const QPointF anchor = toLogical(widgetPos);
    m_zoom = std::clamp(m_zoom * factor, kMinZoom, kMaxZoom);
    m_fit = false;
    // Keep the logical point under the cursor where it is.
    const QPointF widgetCenter(width() / 2.0, height() / 2.0);
    m_center = anchor - (widgetPos - widgetCenter) / m_zoom;
    clampCenter();
    notifyViewChanged();
}

void ImageView::setViewState(double zoom, QPointF center, bool fit)
{
    m_fit = fit;
    m_zoom = fit ? fitZoom() : std::clamp(zoom, kMinZoom, kMaxZoom);
    m_center = fit ? QPointF(m_logicalSize.width() / 2.0, m_logicalSize.height() / 2.0) : center;
    clampCenter();
    update();
}

void ImageView::clampCenter()
{
    m_center.setX(std::clamp(m_center.x(), 0.0, static_cast<double>(m_logicalSize.width())));
    m_center.setY(std::clamp(m_center.y(), 0.0, static_cast<double>(m_logicalSize.height())));
}

void ImageView::notifyViewChanged()
{
    update();
    emit viewChanged(m_zoom, m_center, m_fit);
}

double ImageView::splitX() const
{
    return m_split * width();
}

void ImageView::drawLayer(QPainter& painter, Layer& layer, const QRectF& clipWidget)
{
    if (layer.levels.empty() || m_logicalSize.isEmpty())
        return;
    const QImage& base = layer.levels.front();
    const double imagePerLogical = base.width() / static_cast<double>(m_logicalSize.width());
    // The visible logical rectangle, limited to the photo.
    const QRectF logicalVisible = QRectF(toLogical(clipWidget.topLeft()), toLogical(clipWidget.bottomRight()))
                                      .intersected(QRectF(QPointF(0, 0), QSizeF(m_logicalSize)));
    if (logicalVisible.isEmpty())
        return;
    int level = 0;
    const QImage& image = layer.levelFor(m_zoom / imagePerLogical, &level);
    const double sx = image.width() / static_cast<double>(m_logicalSize.width());
    const double sy = image.height() / static_cast<double>(m_logicalSize.height());
    const QRectF source(logicalVisible.x() * sx, logicalVisible.y() * sy, logicalVisible.width() * sx,
                        logicalVisible.height() * sy);
    const QPointF widgetCenter(width() / 2.0, height() / 2.0);
    const QRectF target((logicalVisible.topLeft() - m_center) * m_zoom + widgetCenter, logicalVisible.size() * m_zoom);
    // Beyond 2x the pixels themselves are what one wants to see.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom / sx < 2.0);
    painter.drawImage(target, image, source);
}

void ImageView::paintEvent(QPaintEvent* /*event*/)
{
    QPainter painter(this);
    painter.fillRect(rect(), QColor(28, 28, 30));
    if (!hasImage()) {
        painter.setPen(QColor(150, 150, 155));
        painter.drawText(rect(), Qt::AlignCenter, tr("Drop photos or folders here, or use File > Open"));
        return;
    }
    const QRectF all(rect());
    const bool split = m_splitEnabled && !m_before.levels.empty();
    const QRectF afterRect = split ? QRectF(QPointF(splitX(), 0), all.bottomRight()) : all;
    if (split) {
        const QRectF beforeRect(all.topLeft(), QPointF(splitX(), all.bottom()));
        painter.save();
        painter.setClipRect(beforeRect);
        drawLayer(painter, m_before, beforeRect);
        painter.restore();
    }
    painter.save();
    painter.setClipRect(afterRect);
    drawLayer(painter, m_after, afterRect);
    if (m_overlayVisible && !m_overlay.levels.empty()) {
        painter.setOpacity(m_overlayOpacity);
        drawLayer(painter, m_overlay, afterRect);
    }
    painter.restore();
    if (split) {
        const double x = splitX();
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(QColor(255, 255, 255, 220), 2));
        painter.drawLine(QPointF(x, 0), QPointF(x, height()));
        painter.setBrush(QColor(255, 255, 255, 220));
        painter.drawEllipse(QPointF(x, height() / 2.0), 7, 7);
        painter.setPen(QColor(255, 255, 255));
        painter.drawText(QRectF(8, 8, std::max(0.0, x - 16), 20), Qt::AlignLeft, tr("Before"));
        painter.drawText(QRectF(x + 8, 8, std::max(0.0, width() - x - 16), 20), Qt::AlignRight, tr("After"));
    }
}

void ImageView::resizeEvent(QResizeEvent* /*event*/)
{
    if (m_fit)
        m_zoom = fitZoom();
}

void ImageView::wheelEvent(QWheelEvent* event)
{
    if (!hasImage())
        return;
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0.0)
        zoomAround(std::pow(1.25, steps), event->position());
    event->accept();
}

void ImageView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !hasImage())
        return;
    m_lastMouse = event->position();
    const bool onDivider = m_splitEnabled && std::abs(event->position().x() - splitX()) <= kSplitGrab;
    m_drag = onDivider ? Drag::Split : Drag::Pan;
    setCursor(onDivider ? Qt::SplitHCursor : Qt::ClosedHandCursor);
}

void ImageView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    if (m_drag == Drag::Split) {
        setSplitPosition(width() > 0 ? pos.x() / width() : 0.5);
        emit splitMoved(m_split);
    } else if (m_drag == Drag::Pan) {
        m_center -= (pos - m_lastMouse) / m_zoom;
        m_fit = false;
        clampCenter();
        notifyViewChanged();
    } else if (m_splitEnabled) {
        setCursor(std::abs(pos.x() - splitX()) <= kSplitGrab ? Qt::SplitHCursor : Qt::ArrowCursor);
    }
    m_lastMouse = pos;
    if (!hasImage())
        return;
    const QPointF logical = toLogical(pos);
    const QPoint p(static_cast<int>(std::floor(logical.x())), static_cast<int>(std::floor(logical.y())));
    if (p.x() < 0 || p.y() < 0 || p.x() >= m_logicalSize.width() || p.y() >= m_logicalSize.height()) {
        emit hoverLeft();
        return;
    }
    const QImage& image = afterImage();
    const int ix = std::min(image.width() - 1, static_cast<int>(logical.x() * image.width() / m_logicalSize.width()));
    const int iy = std::min(image.height() - 1, static_cast<int>(logical.y() * image.height() / m_logicalSize.height()));
    emit pixelHovered(p, image.pixel(ix, iy));
}

void ImageView::mouseReleaseEvent(QMouseEvent* /*event*/)
{
    m_drag = Drag::None;
    unsetCursor();
}

void ImageView::leaveEvent(QEvent* /*event*/)
{
    emit hoverLeft();
}

}  // namespace nocturne::ui
