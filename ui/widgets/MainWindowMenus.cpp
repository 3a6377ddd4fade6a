// MainWindow: menus, dialogs, export and settings (split from MainWindow.cpp for size).
#include <algorithm>

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>

#include "core/pipeline/MethodDefaults.h"
#include <QStandardPaths>
#include <QUndoStack>

#include "core/Version.h"
#include "core/enhance/Gamma.h"
#include "core/enhance/WhiteBalance.h"
#include "core/io/ImageLoader.h"
#include "ui/services/BatchExporter.h"
#include "ui/widgets/BatchExportDialog.h"
#include "ui/widgets/CompareView.h"
#include "ui/widgets/ImageView.h"
#include "ui/services/EditorSession.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/MessageBanner.h"
#include "ui/widgets/MethodSelector.h"
#include "ui/widgets/OverlayControl.h"
#include "ui/widgets/SliderPanel.h"

namespace nocturne::ui {

namespace {

QString photoFilter()
{
    QStringList patterns;
    for (const std::string& ext : core::ImageLoader::supportedExtensions())
        patterns << QStringLiteral("*.") + QString::fromStdString(ext);
    return QObject::tr("Photos (%1);;All files (*)").arg(patterns.join(QLatin1Char(' ')));
}

// Organisation and application of the editor's QSettings (tests redirect them with setPath).
const QString kSettingsOrg = QStringLiteral("Nocturne");
const QString kSettingsApp = QStringLiteral("Nocturne");
// Version 2: the exposure rule of issue 12 (m = 0.12, noise reduction, per-kind methods).
constexpr int kParamsVersion = 2;

}  // namespace

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::openWithDialog);
    file->addAction(tr("Open &Folder..."), this, &MainWindow::openFolderWithDialog);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    file->addAction(tr("Load &Reference..."), this, &MainWindow::openReferenceWithDialog);
    file->addSeparator();
    file->addAction(tr("&Export Full Size..."), QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::exportCurrent);
    file->addAction(tr("&Batch Export..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this,
                    [this] { showBatchDialog(); });
    file->addSeparator();
    file->addAction(tr("&Save Settings..."), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S), this,
                    &MainWindow::saveSettingsWithDialog);
    file->addAction(tr("&Load Settings..."), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_L), this,
                    &MainWindow::loadSettingsWithDialog);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("Zoom to &Fit"), QKeySequence(Qt::CTRL | Qt::Key_0), m_view, &ImageView::zoomToFit);
    view->addAction(tr("&Actual Pixels (100%)"), QKeySequence(Qt::CTRL | Qt::Key_1), m_view,
                    &ImageView::zoomToActualSize);
    view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, m_view, [this] { m_view->zoomBy(1.25); });
    view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, m_view, [this] { m_view->zoomBy(0.8); });
    // Lightroom's and darktable's habits: Z flips between the whole frame and 100 %.
    view->addAction(tr("Toggle Fit / 100 %"), QKeySequence(Qt::Key_Z), m_view, [this] {
        if (m_view->isFitMode())
            m_view->zoomToActualSize();
        else
            m_view->zoomToFit();
    });
    // Arrows step through the open photos while the image (or the film strip, natively) has the
    // focus; a focused slider keeps its own arrow keys.
    const auto step = [this, view](const QString& text, Qt::Key key, int delta) {
        QAction* action = view->addAction(text, this, [this, delta] { selectFile(m_session->currentIndex() + delta); });
        action->setShortcut(QKeySequence(key));
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_view->addAction(action);
    };
    step(tr("&Next Photo"), Qt::Key_Right, +1);
    step(tr("&Previous Photo"), Qt::Key_Left, -1);
    view->addSeparator();
    QAction* experimental = view->addAction(tr("Show &Experimental Networks"));
    experimental->setCheckable(true);
    experimental->setChecked(QSettings(kSettingsOrg, kSettingsApp).value(QStringLiteral("models/showExperimental"), false).toBool());
    experimental->setToolTip(tr("Networks that do not yet beat the classical methods on real photos"));
    connect(experimental, &QAction::toggled, this, [this](bool on) {
        QSettings(kSettingsOrg, kSettingsApp).setValue(QStringLiteral("models/showExperimental"), on);
        m_banner->showInfo(on ? tr("Experimental networks will be listed, marked as such, from the next start. They do "
                                   "not beat the classical methods on real photos yet (see the model cards).")
                              : tr("Experimental networks will be hidden from the next start."));
    });
    view->addSeparator();
    m_splitAction = view->addAction(tr("&Before / After Split"));
    m_splitAction->setCheckable(true);
    m_splitAction->setShortcut(QKeySequence(Qt::Key_Backslash));
    connect(m_splitAction, &QAction::toggled, m_view, &ImageView::setSplitEnabled);
    QAction* overlay = view->addAction(tr("Brightness-Attention &Overlay"));
    overlay->setCheckable(true);
    overlay->setShortcut(QKeySequence(Qt::Key_O));
    connect(overlay, &QAction::toggled, m_overlay, &OverlayControl::setOverlayEnabled);
    connect(m_overlay, &OverlayControl::overlayToggled, overlay, &QAction::setChecked);
    view->addSeparator();
    view->addAction(tr("&Compare Methods..."), QKeySequence(Qt::CTRL | Qt::Key_K), this, [this] { showCompareView(); });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Open &Sample"), this, &MainWindow::openSample);
    help->addAction(tr("&About Nocturne"), this, &MainWindow::showAbout);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    for (const QString& path : m_recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openPaths({path}); })->setToolTip(path);
    m_recentMenu->setEnabled(!m_recent.isEmpty());
}

void MainWindow::openWithDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open Photos"), QString(), photoFilter());
    if (!files.isEmpty())
        openPaths(files);
}

void MainWindow::openFolderWithDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Folder"));
    if (!dir.isEmpty())
        openPaths({dir});
}

void MainWindow::openReferenceWithDialog()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Load Reference Photo"), QString(), photoFilter());
    if (!file.isEmpty() && loadReference(file))
        showCompareView();
}

bool MainWindow::loadReference(const QString& path)
{
    core::DecodeOptions options;
    options.wantMosaic = false;
    auto loaded = core::ImageLoader::load(path.toStdString(), options);
    if (!loaded) {
        m_banner->showError(tr("Could not load the reference %1.\n%2\nChoose a JPEG, PNG, TIFF or RAW file of the "
                               "same scene.")
                                .arg(QFileInfo(path).fileName(), QString::fromStdString(loaded.error().describe())));
        return false;
    }
    // References are well-exposed photos: show them the way the results are shown.
    m_reference = core::Gamma::encode(loaded->rgb, static_cast<float>(m_session->params().gamma));
    m_referenceName = QFileInfo(path).fileName();
    if (m_compare)
        m_compare->setReference(m_reference, m_referenceName);
    return true;
}

CompareView* MainWindow::compareView() const
{
    return m_compare;
}

CompareView* MainWindow::showCompareView()
{
    if (!m_compare) {
        m_compare = new CompareView(m_options.registry);
        m_compare->setAttribute(Qt::WA_DeleteOnClose, false);
        m_compare->setWindowTitle(tr("Compare Methods — Nocturne"));
        m_compare->resize(1200, 720);
        if (!m_reference.empty())
            m_compare->setReference(m_reference, m_referenceName);
    }
    m_compare->setParams(m_session->params().toProcessParams());
    if (!m_session->source().isNull())
        m_compare->setSource(m_session->source());
    m_compare->show();
    m_compare->raise();
    return m_compare;
}

BatchExportDialog* MainWindow::showBatchDialog()
{
    if (!m_batch) {
        m_batch = new BatchExportDialog(m_options.registry, this);
        m_batch->setOutputDir(QSettings(kSettingsOrg, kSettingsApp).value(QStringLiteral("batch/outputDir"),
                                                     QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
                                  .toString());
    }
    m_batch->setParams(m_session->params());
    if (m_batch->inputs().isEmpty())
        m_batch->setInputs(m_session->files());
    m_batch->show();
    m_batch->raise();
    return m_batch;
}

void MainWindow::exportCurrent()
{
    if (m_session->source().isNull()) {
        m_banner->showInfo(tr("Open a photo first (File > Open, or drop one here)."));
        return;
    }
    const QFileInfo info(m_session->source().path);
    const QString suggestion = info.dir().filePath(info.completeBaseName() + QStringLiteral("_nocturne.jpg"));
    // A linear DNG only makes sense from sensor data: offered for RAW photos only.
    QString filters = tr("JPEG (*.jpg);;PNG (*.png);;TIFF (*.tif)");
    if (m_session->source().image && m_session->source().image->meta.sensor != core::SensorKind::NotRaw)
        filters += tr(";;DNG, linear, for raw editors (*.dng)");
    const QString destination = QFileDialog::getSaveFileName(this, tr("Export Full Size"), suggestion, filters);
    if (destination.isEmpty())
        return;
    BatchSettings settings;
    settings.inputs = {m_session->source().path};
    settings.explicitDestination = destination;
    settings.params = m_session->params().toProcessParams();
    const QString suffix = QFileInfo(destination).suffix().toLower();
    settings.exportOptions.format = suffix == QLatin1String("png")                                        ? core::ExportFormat::Png
                                    : (suffix == QLatin1String("tif") || suffix == QLatin1String("tiff")) ? core::ExportFormat::Tiff
                                    : suffix == QLatin1String("dng")                                      ? core::ExportFormat::Dng
                                                                                                          : core::ExportFormat::Jpeg;
    auto* exporter = new BatchExporter(m_options.registry, this);
    auto* progress = new QProgressDialog(tr("Processing %1 at full size...").arg(info.fileName()), tr("Cancel"), 0, 100, this);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(1000);   // quick exports never flash a dialog
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    connect(progress, &QProgressDialog::canceled, exporter, &BatchExporter::cancel);
    connect(exporter, &BatchExporter::fileProgressed, progress, [progress](int, double f) {
        progress->setValue(static_cast<int>(f * 100));
    });
    connect(exporter, &BatchExporter::batchFinished, this, [this, exporter, progress, destination](const BatchSummary& s) {
        progress->deleteLater();
        exporter->deleteLater();
        if (!s.fatalError.isEmpty())
            QMessageBox::warning(this, tr("Export failed"), s.fatalError);
        else if (!s.failures.isEmpty())
            QMessageBox::warning(this, tr("Export failed"),
                                 tr("%1 could not be exported:\n%2").arg(QFileInfo(s.failures.first().source).fileName(),
                                                                       s.failures.first().message));
        else if (s.written > 0)
            m_banner->showInfo(tr("Exported %1").arg(destination));
    });
    exporter->start(settings);
}

void MainWindow::openSample()
{
    if (m_options.samplePath.isEmpty() || !QFileInfo::exists(m_options.samplePath)) {
        m_banner->showError(tr("The bundled sample photo was not found (expected %1). Reinstall Nocturne or open a "
                               "photo of your own.")
                                .arg(m_options.samplePath.isEmpty() ? tr("share/nocturne/samples") : m_options.samplePath));
        return;
    }
    openPaths(sampleFiles());
}

QStringList MainWindow::sampleFiles() const
{
    // The RAW sample and, when installed beside it, the JPEG the same camera wrote: both input
    // kinds, each with its own default method.
    QStringList files{m_options.samplePath};
    const QFileInfo raw(m_options.samplePath);
    const QString jpeg = raw.dir().filePath(raw.completeBaseName() + QStringLiteral(".jpg"));
    if (QFileInfo::exists(jpeg))
        files << jpeg;
    return files;
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Nocturne"),
                       tr("<h3>Nocturne %1</h3><p>Rescues extremely dark photos: Lamba &amp; Mitra's exposure "
                          "amplifier, classical enhancement baselines and low-light networks.</p><p>Device: %2</p>"
                          "<p>Sample photo: derived from \"Wine\" by Jakub Mede, CC BY 4.0 (from Debian's "
                          "lomiri-wallpapers), made dark by Nocturne.</p>")
                           .arg(QString::fromLatin1(core::kVersion), m_options.deviceDescription));
}

void MainWindow::loadSettings()
{
    QSettings s(kSettingsOrg, kSettingsApp);
    EditorParams p;
    // Settings written before version 2 hold the old defaults (DHE at m = 0.5), which blew real
    // dark photos out; they are not carried over.
    const bool current = s.value(QStringLiteral("params/version"), 1).toInt() >= kParamsVersion;
    for (const QString& kind : {QStringLiteral("raw"), QStringLiteral("raster")}) {
        const QString id = current ? s.value(QStringLiteral("params/method/") + kind).toString() : QString();
        if (!id.isEmpty() && m_methods->indexOfMethod(id) >= 0)
            m_session->rememberMethod(kind, id);
    }
    p.method = m_session->methodByKind().value(QStringLiteral("raster"),
                                    QString::fromStdString(core::defaultMethodFor(core::SourceKind::Raster,
                                                                                  *m_options.registry)));
    if (current) {
        p.m = s.value(QStringLiteral("params/m"), p.m).toDouble();
        p.noiseReduction = s.value(QStringLiteral("params/noiseReduction"), p.noiseReduction).toDouble();
    }
    p.useExposureRatio = s.value(QStringLiteral("params/useExposureRatio"), p.useExposureRatio).toBool();
    p.exposureRatio = s.value(QStringLiteral("params/exposureRatio"), p.exposureRatio).toDouble();
    p.gamma = s.value(QStringLiteral("params/gamma"), p.gamma).toDouble();
    p.autoWhiteBalance = s.value(QStringLiteral("params/autoWhiteBalance"), p.autoWhiteBalance).toBool();
    p.temperature = std::clamp(s.value(QStringLiteral("params/temperature"), p.temperature).toDouble(),
                               -core::WhiteBalance::kMaxShift, core::WhiteBalance::kMaxShift);
    p.tint = std::clamp(s.value(QStringLiteral("params/tint"), p.tint).toDouble(), -core::WhiteBalance::kMaxShift,
                        core::WhiteBalance::kMaxShift);
    m_session->setParams(p);
    m_sliders->setValues(p);
    m_methods->setCurrentMethodId(p.method);
    m_overlay->setOverlayEnabled(s.value(QStringLiteral("overlay/enabled"), false).toBool());
    m_overlay->setOpacity(s.value(QStringLiteral("overlay/opacity"), 0.6).toDouble());
    m_view->setOverlayVisible(m_overlay->isOverlayEnabled());
    m_view->setOverlayOpacity(m_overlay->opacity());
    m_splitAction->setChecked(s.value(QStringLiteral("view/split"), false).toBool());
    m_view->setSplitPosition(s.value(QStringLiteral("view/splitPosition"), 0.5).toDouble());
    m_recent = s.value(QStringLiteral("recentFiles")).toStringList();
    rebuildRecentMenu();
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_filmDock->setVisible(false);   // shown again when several files are open

    const bool firstStart = !s.value(QStringLiteral("general/firstStartDone"), false).toBool();
    if (firstStart && m_options.openSampleOnFirstStart && QFileInfo::exists(m_options.samplePath)) {
        s.setValue(QStringLiteral("general/firstStartDone"), true);
        openPaths(sampleFiles());
    }
}

void MainWindow::saveSettings() const
{
    QSettings s(kSettingsOrg, kSettingsApp);
    s.setValue(QStringLiteral("params/version"), kParamsVersion);
    for (auto it = m_session->methodByKind().cbegin(); it != m_session->methodByKind().cend(); ++it)
        s.setValue(QStringLiteral("params/method/") + it.key(), it.value());
    s.setValue(QStringLiteral("params/m"), m_session->params().m);
    s.setValue(QStringLiteral("params/noiseReduction"), m_session->params().noiseReduction);
    s.setValue(QStringLiteral("params/useExposureRatio"), m_session->params().useExposureRatio);
    s.setValue(QStringLiteral("params/exposureRatio"), m_session->params().exposureRatio);
    s.setValue(QStringLiteral("params/gamma"), m_session->params().gamma);
    s.setValue(QStringLiteral("params/autoWhiteBalance"), m_session->params().autoWhiteBalance);
    s.setValue(QStringLiteral("params/temperature"), m_session->params().temperature);
    s.setValue(QStringLiteral("params/tint"), m_session->params().tint);
    s.setValue(QStringLiteral("overlay/enabled"), m_overlay->isOverlayEnabled());
    s.setValue(QStringLiteral("overlay/opacity"), m_overlay->opacity());
    s.setValue(QStringLiteral("view/split"), m_view->isSplitEnabled());
    s.setValue(QStringLiteral("view/splitPosition"), m_view->splitPosition());
    s.setValue(QStringLiteral("recentFiles"), m_recent);
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    if (m_batch)
        s.setValue(QStringLiteral("batch/outputDir"), m_batch->outputDir());
    s.setValue(QStringLiteral("general/firstStartDone"), true);
}

}  // namespace nocturne::ui
