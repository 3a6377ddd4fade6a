#include "ui/widgets/MainWindow.h"

#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include "ui/services/BatchTypes.h"
#include "ui/services/EditorSession.h"
#include "ui/services/RenderScheduler.h"
#include "ui/services/ThumbnailCache.h"
#include "ui/widgets/CompareView.h"
#include "ui/widgets/HistogramWidget.h"
#include "ui/widgets/ImageView.h"
#include "ui/widgets/MessageBanner.h"
#include "ui/widgets/MethodSelector.h"
#include "ui/widgets/OverlayControl.h"
#include "ui/widgets/SliderPanel.h"

namespace nocturne::ui {

namespace {

constexpr int kMaxRecent = 10;

QWidget* titled(const QString& title, QWidget* content, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 6, 0, 0);
    auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(title), box);
    layout->addWidget(label);
    layout->addWidget(content);
    return box;
}

}  // namespace

MainWindow::MainWindow(MainWindowOptions options, QWidget* parent)
    : QMainWindow(parent), m_options(std::move(options))
{
    if (!m_options.registry)
        m_options.registry = std::make_shared<core::EnhancerRegistry>(core::EnhancerRegistry::withClassicalMethods());
    m_session = new EditorSession(m_options.registry, this);
    m_undo = new QUndoStack(this);
    buildUi();
    buildMenus();
    loadSettings();
    connect(m_session, &EditorSession::loadStarted, this, [this](const QString& path) {
        statusBar()->showMessage(tr("Opening %1...").arg(QFileInfo(path).fileName()));
    });
    connect(m_session, &EditorSession::glimpseReady, this, [this](const QString& path, const QImage& image) {
        // The camera's own preview until the proxy arrives: the photo appears at once.
        m_view->setImages(image, image, image.size());
        m_view->setOverlay(QImage());
        statusBar()->showMessage(tr("Opening %1... (showing the camera's preview)").arg(QFileInfo(path).fileName()));
    });
    connect(m_session, &EditorSession::sourceLoaded, this, &MainWindow::onSourceLoaded);
    connect(m_session, &EditorSession::loadFailed, this, [this](const QString& path, const QString& error) {
        statusBar()->clearMessage();
        m_banner->showError(tr("Could not open %1.\n%2\nCheck that the file is a complete photo in a supported "
                               "format, or open another one.")
                                .arg(QFileInfo(path).fileName(), error));
        emit loadFailed(path, error);
    });
    connect(m_session, &EditorSession::previewReady, this, &MainWindow::onRenderFinished);
    connect(m_session, &EditorSession::previewFailed, this, [this](const QString& message) {
        m_banner->showError(tr("%1 could not be processed with this method.\n%2")
                                .arg(QFileInfo(m_session->source().path).fileName(), message));
    });
    connect(m_session, &EditorSession::detailStarted, this,
            [this] { statusBar()->showMessage(tr("Rendering full resolution...")); });
    connect(m_session, &EditorSession::detailReady, this, &MainWindow::onDetailFinished);
    connect(m_session, &EditorSession::detailUnavailable, this, [this](const QString& error) {
        statusBar()->showMessage(tr("Full resolution unavailable: %1").arg(error), 8000);
    });
    connect(m_session, &EditorSession::renderProgressed, this, [this](double f) {
        m_renderProgress->setVisible(true);
        m_renderProgress->setValue(static_cast<int>(f * 100));
    });
    connect(m_session, &EditorSession::rendersIdle, m_renderProgress, &QWidget::hide);
    connect(m_view, &ImageView::viewChanged, this, [this] { requestDetailIfZoomed(); });
    setAcceptDrops(true);
}

MainWindow::~MainWindow()
{
    saveSettings();
    if (m_compare)
        delete m_compare;
}

void MainWindow::buildUi()
{
    setWindowTitle(tr("Nocturne"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    m_banner = new MessageBanner(central);
    m_view = new ImageView(central);
    layout->addWidget(m_banner);
    layout->addWidget(m_view, 1);
    setCentralWidget(central);

    // Right-hand controls.
    auto* panel = new QWidget(this);
    auto* panelLayout = new QVBoxLayout(panel);
    m_methods = new MethodSelector(panel);
    m_methods->setRegistry(m_options.registry);
    m_sliders = new SliderPanel(panel);
    m_overlay = new OverlayControl(panel);
    m_histogram = new HistogramWidget(panel);
    panelLayout->addWidget(titled(tr("Method"), m_methods, panel));
    panelLayout->addWidget(titled(tr("Exposure"), m_sliders, panel));
    panelLayout->addWidget(titled(tr("Overlay"), m_overlay, panel));
    panelLayout->addWidget(titled(tr("Histogram"), m_histogram, panel));
    panelLayout->addStretch(1);
    auto* controls = new QDockWidget(tr("Adjust"), this);
    controls->setObjectName(QStringLiteral("adjustDock"));
    controls->setWidget(panel);
    controls->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::RightDockWidgetArea, controls);

    m_filmStrip = new QListWidget(this);
    m_filmStrip->setViewMode(QListView::IconMode);
    m_filmStrip->setMovement(QListView::Static);
    m_filmStrip->setFlow(QListView::LeftToRight);
    m_filmStrip->setWrapping(false);
    m_filmStrip->setIconSize(QSize(112, 80));
    m_filmStrip->setTextElideMode(Qt::ElideMiddle);
    m_filmStrip->setMaximumHeight(136);
    m_thumbnails = new ThumbnailCache(m_options.thumbnailFolder, this);
    connect(m_thumbnails, &ThumbnailCache::thumbnailReady, this, [this](const QString& path, const QImage& image) {
        const QIcon icon(QPixmap::fromImage(image));
        for (int row = 0; row < m_filmStrip->count(); ++row)
            if (m_filmStrip->item(row)->data(Qt::UserRole).toString() == path)
                m_filmStrip->item(row)->setIcon(icon);
    });
    connect(m_thumbnails, &ThumbnailCache::thumbnailFailed, this, [this](const QString& path, const QString& message) {
        for (int row = 0; row < m_filmStrip->count(); ++row)
            if (m_filmStrip->item(row)->data(Qt::UserRole).toString() == path)
                m_filmStrip->item(row)->setToolTip(path + QLatin1Char('\n') + message);
    });
    m_filmDock = new QDockWidget(tr("Open photos"), this);
    m_filmDock->setObjectName(QStringLiteral("filmStripDock"));
    m_filmDock->setWidget(m_filmStrip);
    addDockWidget(Qt::BottomDockWidgetArea, m_filmDock);
    m_filmDock->hide();
    connect(m_filmStrip, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row != m_session->currentIndex())
            selectFile(row);
    });

    m_deviceLabel = new QLabel(tr("Device: %1").arg(m_options.deviceDescription), this);
    m_timeLabel = new QLabel(this);
    m_gainLabel = new QLabel(this);
    m_pixelLabel = new QLabel(this);
    m_pixelLabel->setMinimumWidth(200);
    m_renderProgress = new QProgressBar(this);
    m_renderProgress->setRange(0, 100);
    m_renderProgress->setMaximumWidth(120);
    m_renderProgress->hide();
    statusBar()->addWidget(m_pixelLabel, 1);
    statusBar()->addPermanentWidget(m_renderProgress);
    statusBar()->addPermanentWidget(m_gainLabel);
    statusBar()->addPermanentWidget(m_timeLabel);
    statusBar()->addPermanentWidget(m_deviceLabel);

    connect(m_sliders, &SliderPanel::edited, this, &MainWindow::onSlidersEdited);
    connect(m_sliders, &SliderPanel::gestureFinished, this, [this] { ++m_gesture; });
    connect(m_methods, &MethodSelector::methodChosen, this, &MainWindow::onMethodChosen);
    connect(m_overlay, &OverlayControl::overlayToggled, m_view, &ImageView::setOverlayVisible);
    connect(m_overlay, &OverlayControl::opacityChanged, m_view, &ImageView::setOverlayOpacity);
    connect(m_view, &ImageView::pixelHovered, this, [this](QPoint p, QRgb v) {
        m_pixelLabel->setText(tr("x %1, y %2   R %3  G %4  B %5")
                                  .arg(p.x()).arg(p.y()).arg(qRed(v)).arg(qGreen(v)).arg(qBlue(v)));
    });
    connect(m_view, &ImageView::hoverLeft, m_pixelLabel, &QLabel::clear);
    resize(1280, 820);
}

QStringList MainWindow::openFiles() const { return m_session->files(); }
int MainWindow::currentIndex() const { return m_session->currentIndex(); }
bool MainWindow::isLoading() const { return m_session->isLoading(); }
const PreviewSource& MainWindow::source() const { return m_session->source(); }
const EditorParams& MainWindow::params() const { return m_session->params(); }
const RenderOutput& MainWindow::lastOutput() const { return m_session->lastOutput(); }
RenderScheduler* MainWindow::scheduler() const { return m_session->previewScheduler(); }

bool MainWindow::hasPreview() const
{
    const RenderOutput& output = m_session->lastOutput();
    return output.ok() && !output.display.isNull();
}

QString MainWindow::statusText() const
{
    return QStringList{m_pixelLabel->text(), m_gainLabel->text(), m_timeLabel->text(), m_deviceLabel->text()}.join(
        QStringLiteral(" | "));
}

void MainWindow::openPaths(const QStringList& paths)
{
    const QStringList expanded = expandBatchInputs(paths);
    if (expanded.isEmpty()) {
        m_banner->showError(tr("No photos found in %1. Nocturne opens RAW files (DNG, CR2, NEF, ARW, ...) and "
                               "JPEG, PNG or TIFF images.")
                                .arg(paths.join(QStringLiteral(", "))));
        return;
    }
    const int firstNew = m_session->addFiles(expanded);
    addRecent(expanded);
    refreshFilmStrip();
    selectFile(firstNew);
}

void MainWindow::selectFile(int index)
{
    if (index < 0 || index >= m_session->files().size())
        return;
    {
        const QSignalBlocker block(m_filmStrip);
        m_filmStrip->setCurrentRow(index);
    }
    m_session->select(index);
}

void MainWindow::onSourceLoaded(const QString& path, const QString& fellBackFrom, const QString& reason)
{
    statusBar()->clearMessage();
    m_banner->hide();
    const PreviewSource& source = m_session->source();
    m_methods->updateSupport(*source.image);
    m_methods->setCurrentMethodId(m_session->params().method);
    if (!fellBackFrom.isEmpty())
        m_banner->showInfo(tr("%1 is not available for this photo: %2\nShowing %3 instead.")
                               .arg(fellBackFrom, reason, m_session->params().method));
    setWindowTitle(tr("%1 — Nocturne").arg(QFileInfo(path).fileName()));
    if (m_compare)
        m_compare->setSource(source);
    if (m_compare && m_compare->isVisible())
        m_compare->setParams(m_session->params().toProcessParams());
    emit sourceLoaded(path);
}

void MainWindow::requestRender()
{
    m_session->requestRender();
    if (m_compare && m_compare->isVisible())
        m_compare->setParams(m_session->params().toProcessParams());
}

void MainWindow::onRenderFinished(quint64 requestId, const RenderOutput& output)
{
    m_view->setImages(output.display, output.before, m_session->source().fullSize);
    m_view->setOverlay(output.overlay);
    m_overlay->setMapKind(output.overlayIsAttention);
    m_histogram->setHistogram(output.histogram);
    m_sliders->setEstimatedGain(output.gain, output.gainFromAmplifier);
    m_gainLabel->setText(tr("Gain ×%1").arg(output.gain, 0, 'f', 2));
    m_timeLabel->setText(output.draft ? tr("Draft %1 ms").arg(output.latencyMs, 0, 'f', 0)
                                      : tr("Preview %1 ms").arg(output.latencyMs, 0, 'f', 0));
    // A network says where it ran once loaded (its precision is decided then).
    m_deviceLabel->setText(tr("Device: %1").arg(output.runsOn.isEmpty() ? m_options.deviceDescription : output.runsOn));
    if (output.draft)
        return;   // the full proxy follows; "updated" means the final preview of the request
    emit previewUpdated(requestId);
    requestDetailIfZoomed();
}

bool MainWindow::needsDetail() const
{
    const PreviewSource& source = m_session->source();
    if (source.isNull() || !source.image || source.path.isEmpty())
        return false;
    const int proxyWidth = source.image->rgb.width();
    // Screen pixels per proxy pixel above ~1: the proxy is being magnified.
    return source.fullSize.width() > proxyWidth && m_view->zoom() * source.fullSize.width() > 1.1 * proxyWidth;
}

void MainWindow::requestDetailIfZoomed()
{
    if (needsDetail())
        m_session->requestDetail();
}

void MainWindow::onDetailFinished(const RenderOutput& output)
{
    statusBar()->clearMessage();
    m_view->setImages(output.display, output.before, m_session->source().fullSize);
    m_view->setOverlay(output.overlay);
    m_timeLabel->setText(tr("Full resolution %1 ms").arg(output.latencyMs, 0, 'f', 0));
    emit detailUpdated();
}

void MainWindow::onSlidersEdited(ParamCommand::Field field)
{
    EditorParams next = m_session->params();
    m_sliders->applyTo(next, field);
    pushParams(field, next);
}

void MainWindow::onMethodChosen(const QString& id)
{
    EditorParams next = m_session->params();
    next.method = id;
    m_session->rememberMethod(m_session->sourceKind(), id);
    ++m_gesture;
    pushParams(ParamCommand::Field::Method, next);
    ++m_gesture;
}

void MainWindow::pushParams(ParamCommand::Field field, const EditorParams& next)
{
    if (next == m_session->params())
        return;
    m_undo->push(new ParamCommand(field, m_gesture, m_session->params(), next,
                                  [this](const EditorParams& p) { applyParams(p); }));
}

void MainWindow::applyParams(const EditorParams& params)
{
    m_sliders->setValues(params);
    m_methods->setCurrentMethodId(params.method);
    m_session->setParams(params);
    if (m_compare && m_compare->isVisible())
        m_compare->setParams(params.toProcessParams());
}

void MainWindow::refreshFilmStrip()
{
    const QSignalBlocker block(m_filmStrip);
    m_filmStrip->clear();
    for (const QString& path : m_session->files()) {
        auto* item = new QListWidgetItem(QFileInfo(path).fileName(), m_filmStrip);
        item->setToolTip(path);
        item->setData(Qt::UserRole, path);
        if (const QImage thumb = m_thumbnails->request(path); !thumb.isNull())
            item->setIcon(QIcon(QPixmap::fromImage(thumb)));
    }
    m_filmStrip->setCurrentRow(m_session->currentIndex());
    m_filmDock->setVisible(m_session->files().size() > 1);
}

void MainWindow::addRecent(const QStringList& paths)
{
    for (const QString& path : paths) {
        m_recent.removeAll(path);
        m_recent.prepend(path);
    }
    while (m_recent.size() > kMaxRecent)
        m_recent.removeLast();
    rebuildRecentMenu();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    openPaths(paths);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    if (m_compare)
        m_compare->close();
    QMainWindow::closeEvent(event);
}

}  // namespace nocturne::ui
