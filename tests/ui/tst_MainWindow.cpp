#include <QCheckBox>
#include <QListWidget>
#include <QDoubleSpinBox>
#include <QMimeData>
#include <QAction>
#include <QScopeGuard>
#include <QProcess>
#include <QSettings>

#include "core/pipeline/ProcessParamsFile.h"
#include "core/pipeline/MethodDefaults.h"
#include "tests/support/DngWriter.h"
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "tests/ui/UiTestSupport.h"
#include "ui/services/BatchExporter.h"
#include "ui/services/PreviewSource.h"
#include "ui/services/RenderScheduler.h"
#include "ui/widgets/ImageView.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/MessageBanner.h"
#include "ui/widgets/MethodSelector.h"
#include "ui/widgets/OverlayControl.h"
#include "ui/widgets/SliderPanel.h"

using namespace nocturne;

class tst_MainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void dropOpensFilesAndFolders();
    void sliderMovesCoalesceAndUndoAsOne();
    void gammaDoesNotRerunTheEnhancer();
    void methodSwitchRendersTheNewMethod();
    void mosaicMethodIsDisabledForAPng();
    void overlayChangesTheDisplayedPixels();
    void settingsPersistAcrossRestart();
    void whiteBalanceControlsRenderPersistAndUndo();
    void eachKindOfPhotoOpensWithItsOwnMethod();
    void oldDefaultsAreNotCarriedOver();
    void experimentalNetworksToggleIsRemembered();
    void brokenFileShowsAReadableError();
    void openSampleOpensTheRawAndItsJpeg();
    void photographersKeysStepAndZoom();
    void filmStripShowsThumbnailsDecodedInTheBackground();
    void photosAboveThePixelLimitAreRefusedWithTheLimit();
    void hoverShowsThePixelValueAndWheelZoomsAroundTheCursor();
    void zoomingInShowsFullResolution();
    void settingsFilesSaveLoadAndUndo();
    void savedSettingsReplayThroughTheCliByteForByte();

private:
    std::unique_ptr<ui::MainWindow> makeWindow();
    bool openAndWait(ui::MainWindow& window, const QStringList& paths);
    static void dropOn(QWidget* target, const QStringList& paths);

    QTemporaryDir m_dir;
    QTemporaryDir m_settingsDir;
    std::shared_ptr<uitest::CountingEnhancer> m_counting;
    std::shared_ptr<core::EnhancerRegistry> m_registry;
    QString m_pngA;
    QString m_pngB;
    QString m_folder;
};

void tst_MainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid() && m_settingsDir.isValid());
    // Never touch the user's real settings.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    m_pngA = m_dir.filePath("a.png");
    m_pngB = m_dir.filePath("b.png");
    QVERIFY(uitest::writeDarkPng(m_pngA, 64, 48, 40));
    QVERIFY(uitest::writeDarkPng(m_pngB, 80, 60, 30));
    m_folder = m_dir.filePath("folder");
    QVERIFY(QDir().mkpath(m_folder));
    for (const char* name : {"c.png", "d.png", "e.png"})
        QVERIFY(uitest::writeDarkPng(QDir(m_folder).filePath(name), 40, 30, 50));
    QFile notes(QDir(m_folder).filePath("notes.txt"));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("not a photo");
}

void tst_MainWindow::init()
{
    QFile::remove(QSettings(QStringLiteral("Nocturne"), QStringLiteral("Nocturne")).fileName());
    m_counting = std::make_shared<uitest::CountingEnhancer>("count", 2);
    m_registry = std::make_shared<core::EnhancerRegistry>(core::EnhancerRegistry::withClassicalMethods());
    m_registry->add(m_counting);
    m_registry->add(std::make_shared<uitest::CountingEnhancer>("mosaicnet", 0, core::InputKind::BayerMosaic));
}

std::unique_ptr<ui::MainWindow> tst_MainWindow::makeWindow()
{
    ui::MainWindowOptions options;
    options.registry = m_registry;
    options.deviceDescription = QStringLiteral("CPU (test)");
    options.openSampleOnFirstStart = false;
    auto window = std::make_unique<ui::MainWindow>(options);
    window->resize(900, 600);
    window->show();
    return window;
}

bool tst_MainWindow::openAndWait(ui::MainWindow& window, const QStringList& paths)
{
    QSignalSpy updated(&window, &ui::MainWindow::previewUpdated);
    window.openPaths(paths);
    return updated.wait(10000);
}

void tst_MainWindow::dropOn(QWidget* target, const QStringList& paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& p : paths)
        urls << QUrl::fromLocalFile(p);
    mime.setUrls(urls);
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
}

void tst_MainWindow::dropOpensFilesAndFolders()
{
    auto window = makeWindow();
    QSignalSpy updated(window.get(), &ui::MainWindow::previewUpdated);
    dropOn(window.get(), {m_pngA, m_pngB});
    QCOMPARE(window->openFiles().size(), 2);
    QVERIFY(updated.wait(10000));
    QCOMPARE(window->currentIndex(), 0);
    QCOMPARE(window->imageView()->logicalSize(), QSize(64, 48));
    QVERIFY(window->hasPreview());

    dropOn(window.get(), {m_folder});
    QCOMPARE(window->openFiles().size(), 5);   // three photos, the .txt ignored
    QVERIFY(window->openFiles().last().endsWith("e.png"));
    QTRY_COMPARE_WITH_TIMEOUT(window->imageView()->logicalSize(), QSize(40, 30), 10000);
    QVERIFY(window->recentFiles().contains(QFileInfo(m_pngA).absoluteFilePath()));
}

void tst_MainWindow::sliderMovesCoalesceAndUndoAsOne()
{
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {m_pngA}));
    const int startedBefore = window->scheduler()->startedJobCount();
    const int undoBefore = window->undoStack()->count();
    const double mBefore = window->params().m;
    QSlider* slider = window->sliderPanel()->amplifierSlider();
    for (int i = 0; i < 50; ++i)
        slider->setValue(20 + i);   // 0.20 ... 0.69
    QTRY_VERIFY_WITH_TIMEOUT(!window->scheduler()->isBusy(), 10000);
    QTest::qWait(20);
    const int renders = window->scheduler()->startedJobCount() - startedBefore;
    QVERIFY2(renders <= 5, qPrintable(QStringLiteral("%1 renders for 50 moves").arg(renders)));
    QCOMPARE(window->lastOutput().params.amplifier.m, 0.69);
    QCOMPARE(window->params().m, 0.69);
    core::Pipeline reference(m_registry);
    QCOMPARE(window->lastOutput().gain, reference.estimateGain(*window->source().image, window->params().toProcessParams()));
    // One drag, one undo step.
    QCOMPARE(window->undoStack()->count(), undoBefore + 1);
    window->undoStack()->undo();
    QCOMPARE(window->params().m, mBefore);
    QCOMPARE(window->sliderPanel()->amplifierSpin()->value(), mBefore);
    window->undoStack()->redo();
    QCOMPARE(window->params().m, 0.69);
}

void tst_MainWindow::gammaDoesNotRerunTheEnhancer()
{
    auto window = makeWindow();
    window->methodSelector()->setCurrentMethodId("count");
    emit window->methodSelector()->activated(window->methodSelector()->currentIndex());
    QVERIFY(openAndWait(*window, {m_pngA}));
    QTRY_VERIFY_WITH_TIMEOUT(!window->scheduler()->isBusy(), 5000);
    QCOMPARE(window->params().method, QStringLiteral("count"));
    const int calls = m_counting->calls();
    QVERIFY(calls >= 1);
    QSignalSpy updated(window.get(), &ui::MainWindow::previewUpdated);
    for (const double gamma : {1.5, 3.0, 3.9}) {
        window->sliderPanel()->gammaSpin()->setValue(gamma);
        QVERIFY(updated.wait(5000));
        QCOMPARE(window->lastOutput().params.gamma, static_cast<float>(gamma));
    }
    QCOMPARE(m_counting->calls(), calls);
}

void tst_MainWindow::methodSwitchRendersTheNewMethod()
{
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {m_pngB}));
    const QImage before = window->lastOutput().display;
    QSignalSpy updated(window.get(), &ui::MainWindow::previewUpdated);
    ui::MethodSelector* selector = window->methodSelector();
    const QString other = window->params().method == QLatin1String("he") ? QStringLiteral("retinex") : QStringLiteral("he");
    selector->setCurrentIndex(selector->indexOfMethod(other));
    emit selector->activated(selector->currentIndex());
    QVERIFY(updated.wait(10000));
    QCOMPARE(window->params().method, other);
    QCOMPARE(QString::fromStdString(window->lastOutput().params.method), other);
    QVERIFY(window->lastOutput().display != before);
    window->undoStack()->undo();
    QVERIFY(window->params().method != other);
    QCOMPARE(selector->currentMethodId(), window->params().method);
}

void tst_MainWindow::mosaicMethodIsDisabledForAPng()
{
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {m_pngA}));
    ui::MethodSelector* selector = window->methodSelector();
    QVERIFY(selector->indexOfMethod("mosaicnet") >= 0);
    QVERIFY(!selector->isMethodEnabled("mosaicnet"));
    QVERIFY(selector->isMethodEnabled("he"));
    const QString tip = selector->methodToolTip("mosaicnet");
    QVERIFY2(tip.contains("Bayer") && tip.contains("PNG"), qPrintable(tip));
}

void tst_MainWindow::overlayChangesTheDisplayedPixels()
{
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {m_pngB}));
    window->overlayControl()->setOverlayEnabled(false);
    ui::ImageView* view = window->imageView();
    const QImage plain = view->grab().toImage();
    window->overlayControl()->setOverlayEnabled(true);
    QVERIFY(view->isOverlayVisible());
    const QImage withOverlay = view->grab().toImage();
    QVERIFY(plain != withOverlay);
    window->overlayControl()->setOpacity(0.0);
    QCOMPARE(view->grab().toImage(), plain);
    QVERIFY(!window->lastOutput().overlay.isNull());
    QVERIFY(!window->lastOutput().overlayIsAttention);
}

void tst_MainWindow::settingsPersistAcrossRestart()
{
    {
        auto window = makeWindow();
        window->sliderPanel()->amplifierSpin()->setValue(0.3);
        window->sliderPanel()->gammaSpin()->setValue(3.1);
        ui::MethodSelector* selector = window->methodSelector();
        selector->setCurrentIndex(selector->indexOfMethod("retinex"));
        emit selector->activated(selector->currentIndex());
        window->overlayControl()->setOverlayEnabled(true);
        window->overlayControl()->setOpacity(0.25);
        QVERIFY(openAndWait(*window, {m_pngA}));
    }
    auto window = makeWindow();
    QCOMPARE(window->params().m, 0.3);
    QCOMPARE(window->params().gamma, 3.1);
    QCOMPARE(window->params().method, QStringLiteral("retinex"));
    QCOMPARE(window->sliderPanel()->gammaSpin()->value(), 3.1);
    QCOMPARE(window->methodSelector()->currentMethodId(), QStringLiteral("retinex"));
    QVERIFY(window->overlayControl()->isOverlayEnabled());
    QCOMPARE(window->overlayControl()->opacity(), 0.25);
    QVERIFY(window->recentFiles().contains(QFileInfo(m_pngA).absoluteFilePath()));
}

void tst_MainWindow::whiteBalanceControlsRenderPersistAndUndo()
{
    const auto redOverBlue = [](const QImage& image) {
        double r = 0.0, b = 0.0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QColor c = image.pixelColor(x, y);
                r += c.red();
                b += c.blue();
            }
        return r / std::max(b, 1.0);
    };
    {
        auto window = makeWindow();
        QVERIFY(openAndWait(*window, {m_pngA}));
        QTRY_VERIFY_WITH_TIMEOUT(!window->scheduler()->isBusy(), 5000);
        const double asShot = redOverBlue(window->lastOutput().display);
        QSignalSpy updated(window.get(), &ui::MainWindow::previewUpdated);
        ui::SliderPanel* panel = window->sliderPanel();
        panel->temperatureSlider()->setValue(-60);   // the slider drives its spin box
        QCOMPARE(panel->temperatureSpin()->value(), -60.0);
        QVERIFY(updated.wait(5000));
        QCOMPARE(window->lastOutput().params.whiteBalance.temperature, -60.0);
        const double cooler = redOverBlue(window->lastOutput().display);
        QVERIFY2(cooler < 0.9 * asShot, qPrintable(QString("red/blue %1 -> %2").arg(asShot).arg(cooler)));
        panel->autoWhiteBalanceToggle()->setChecked(true);
        QVERIFY(updated.wait(5000));
        QVERIFY(window->lastOutput().params.whiteBalance.automatic);
        panel->tintSpin()->setValue(15);
        QVERIFY(updated.wait(5000));
        QCOMPARE(window->params().tint, 15.0);
        // Each control is its own undo step, and undo shows the control's old value.
        window->undoStack()->undo();
        QCOMPARE(window->params().tint, 0.0);
        QCOMPARE(panel->tintSpin()->value(), 0.0);
        window->undoStack()->undo();
        QVERIFY(!window->params().autoWhiteBalance);
        QVERIFY(!panel->autoWhiteBalanceToggle()->isChecked());
        window->undoStack()->redo();
        window->undoStack()->redo();
    }
    auto window = makeWindow();   // the white balance is remembered like the other controls
    QVERIFY(window->params().autoWhiteBalance);
    QCOMPARE(window->params().temperature, -60.0);
    QCOMPARE(window->params().tint, 15.0);
    QVERIFY(window->sliderPanel()->autoWhiteBalanceToggle()->isChecked());
    QCOMPARE(window->sliderPanel()->temperatureSlider()->value(), -60);
    // Back to the photo's own balance for the tests that follow.
    window->sliderPanel()->autoWhiteBalanceToggle()->setChecked(false);
    window->sliderPanel()->temperatureSpin()->setValue(0);
    window->sliderPanel()->tintSpin()->setValue(0);
}

void tst_MainWindow::openSampleOpensTheRawAndItsJpeg()
{
    // Help > Open Sample: the RAW sample and the JPEG the same camera wrote, so both kinds of
    // input (each with its own default method) can be tried.
    QDir samples(m_dir.filePath("samples"));
    QVERIFY(samples.mkpath("."));
    const QString dng = samples.filePath("night-interior.dng");
    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(96, 64, core::CfaPattern::RGGB, spec.blackLevel, spec.whiteLevel, 0.02, 5);
    QVERIFY(testsupport::writeDng(dng.toStdString(), spec).empty());
    QImage jpeg(96, 64, QImage::Format_RGB32);
    jpeg.fill(QColor(12, 10, 8));
    QVERIFY(jpeg.save(samples.filePath("night-interior.jpg"), "JPG"));

    ui::MainWindowOptions options;
    options.registry = m_registry;
    options.openSampleOnFirstStart = false;
    options.samplePath = dng;
    ui::MainWindow window(options);
    window.show();
    QAction* open = nullptr;
    for (QAction* a : window.findChildren<QAction*>())
        if (a->text().remove('&') == QStringLiteral("Open Sample"))
            open = a;
    QVERIFY(open);
    open->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(window.openFiles().size(), 2, 10000);
    QVERIFY(window.openFiles().at(0).endsWith("night-interior.dng"));
    QVERIFY(window.openFiles().at(1).endsWith("night-interior.jpg"));
}

void tst_MainWindow::photographersKeysStepAndZoom()
{
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {m_pngA, m_pngB}));
    QCOMPARE(window->currentIndex(), 0);
    ui::ImageView* view = window->imageView();
    view->setFocus();
    QTRY_VERIFY(view->hasFocus());
    QTest::keyClick(view, Qt::Key_Right);
    QCOMPARE(window->currentIndex(), 1);
    QTest::keyClick(view, Qt::Key_Right);   // the last photo stays
    QCOMPARE(window->currentIndex(), 1);
    QTest::keyClick(view, Qt::Key_Left);
    QCOMPARE(window->currentIndex(), 0);
    // Z: fit -> 100 % -> fit.
    QVERIFY(view->isFitMode());
    QTest::keyClick(view, Qt::Key_Z);
    QVERIFY(!view->isFitMode());
    QCOMPARE(view->zoom(), 1.0);
    QTest::keyClick(view, Qt::Key_Z);
    QVERIFY(view->isFitMode());
    // A focused slider keeps its arrow keys: the photo does not change.
    QSlider* slider = window->findChild<QSlider*>();
    QVERIFY(slider);
    slider->setFocus();
    QTRY_VERIFY(slider->hasFocus());
    QTest::keyClick(slider, Qt::Key_Right);
    QCOMPARE(window->currentIndex(), 0);
}

void tst_MainWindow::eachKindOfPhotoOpensWithItsOwnMethod()
{
    const QString dng = m_dir.filePath("night.dng");
    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(96, 64, core::CfaPattern::RGGB, spec.blackLevel, spec.whiteLevel, 0.02, 3);
    QVERIFY(testsupport::writeDng(dng.toStdString(), spec).empty());
    {
        auto window = makeWindow();
        // Untouched: the measured defaults.
        QVERIFY(openAndWait(*window, {m_pngA}));
        QCOMPARE(window->params().method, QString::fromStdString(core::defaultMethodFor(core::SourceKind::Raster, *m_registry)));
        QCOMPARE(window->params().m, core::kDefaultAmplifierTarget);
        QCOMPARE(window->params().noiseReduction, double(core::NoiseReduction::kDefaultStrength));
        QCOMPARE(window->lastOutput().params.noiseReduction, core::NoiseReduction::kDefaultStrength);
        // Choosing HE for a PNG does not choose it for RAW files.
        ui::MethodSelector* selector = window->methodSelector();
        selector->setCurrentIndex(selector->indexOfMethod("he"));
        emit selector->activated(selector->currentIndex());
        window->openPaths({dng});   // (a render for the HE choice may still be arriving)
        QTRY_VERIFY_WITH_TIMEOUT(window->source().path.endsWith("night.dng"), 10000);
        QCOMPARE(window->params().method, QString::fromStdString(core::defaultMethodFor(core::SourceKind::Raw, *m_registry)));
        selector->setCurrentIndex(selector->indexOfMethod("dhe"));
        emit selector->activated(selector->currentIndex());
        window->openPaths({m_pngB});
        QTRY_VERIFY_WITH_TIMEOUT(window->source().path.endsWith("b.png"), 10000);
        QCOMPARE(window->params().method, QStringLiteral("he"));
    }
    // Remembered across a restart, per kind.
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {dng}));
    QCOMPARE(window->params().method, QStringLiteral("dhe"));
    QVERIFY(openAndWait(*window, {m_pngA}));
    QCOMPARE(window->params().method, QStringLiteral("he"));
}

void tst_MainWindow::oldDefaultsAreNotCarriedOver()
{
    {
        QSettings s(QStringLiteral("Nocturne"), QStringLiteral("Nocturne"));
        s.setValue("params/method", "dhe");   // what version 1 stored: DHE at the paper's m
        s.setValue("params/m", 0.5);
    }
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {m_pngA}));
    QCOMPARE(window->params().m, core::kDefaultAmplifierTarget);
    QCOMPARE(window->params().method, QStringLiteral("none"));
}

void tst_MainWindow::experimentalNetworksToggleIsRemembered()
{
    auto window = makeWindow();
    QAction* toggle = nullptr;
    for (QAction* a : window->findChildren<QAction*>())
        if (a->text() == QStringLiteral("Show &Experimental Networks"))
            toggle = a;
    QVERIFY(toggle && toggle->isCheckable());
    QVERIFY(!toggle->isChecked());
    toggle->trigger();
    QSettings s(QStringLiteral("Nocturne"), QStringLiteral("Nocturne"));
    QVERIFY(s.value("models/showExperimental").toBool());   // read by main() at the next start
    auto again = makeWindow();
    bool checked = false;
    for (QAction* a : again->findChildren<QAction*>())
        if (a->text() == QStringLiteral("Show &Experimental Networks"))
            checked = a->isChecked();
    QVERIFY(checked);
}

void tst_MainWindow::brokenFileShowsAReadableError()
{
    const QString broken = m_dir.filePath("broken.png");
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("\x89PNG\r\n\x1a\n this is not really a png");
    file.close();
    auto window = makeWindow();
    QSignalSpy failed(window.get(), &ui::MainWindow::loadFailed);
    window->openPaths({broken});
    QVERIFY(failed.wait(5000));
    QVERIFY(window->banner()->isError());
    QVERIFY2(window->banner()->text().contains("broken.png"), qPrintable(window->banner()->text()));
    QVERIFY(!window->hasPreview());
}

void tst_MainWindow::photosAboveThePixelLimitAreRefusedWithTheLimit()
{
    const long long before = ui::PreviewSource::decodeLimit();
    auto restore = qScopeGuard([before] { ui::PreviewSource::setDecodeLimit(before); });
    ui::PreviewSource::setDecodeLimit(1000);   // a.png is 64 x 48 = 3072 pixels
    auto window = makeWindow();
    QSignalSpy failed(window.get(), &ui::MainWindow::loadFailed);
    window->openPaths({m_pngA});
    QVERIFY(failed.wait(5000));
    const QString text = window->banner()->text();
    QVERIFY2(text.contains("a.png") && text.contains("1000") && text.contains("limit"), qPrintable(text));

    // Raised (the "limits/maxPixels" setting or --max-pixels at start-up), it opens.
    ui::PreviewSource::setDecodeLimit(5000);
    QVERIFY(openAndWait(*window, {m_pngB}));   // b.png: 80 x 60 = 4800
}

void tst_MainWindow::hoverShowsThePixelValueAndWheelZoomsAroundTheCursor()
{
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {m_pngA}));
    ui::ImageView* view = window->imageView();
    QVERIFY(view->isFitMode());
    const QPointF at(view->width() / 2.0 + 30, view->height() / 2.0 + 10);
    const QPointF logicalBefore = view->toLogical(at);
    QMouseEvent move(QEvent::MouseMove, at, view->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(view, &move);
    const QPoint p(static_cast<int>(logicalBefore.x()), static_cast<int>(logicalBefore.y()));
    const QColor c = window->lastOutput().display.pixelColor(p);
    const QString expected = QStringLiteral("x %1, y %2   R %3  G %4  B %5").arg(p.x()).arg(p.y()).arg(c.red()).arg(c.green()).arg(c.blue());
    QVERIFY2(window->statusText().contains(expected), qPrintable(window->statusText() + " / " + expected));
    const double zoom = view->zoom();
    QWheelEvent wheel(at, view->mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &wheel);
    QVERIFY(std::abs(view->zoom() - zoom * 1.5625) < 1e-9);
    QVERIFY(!view->isFitMode());
    const QPointF logicalAfter = view->toLogical(at);
    QVERIFY(std::abs(logicalAfter.x() - logicalBefore.x()) < 1e-6 && std::abs(logicalAfter.y() - logicalBefore.y()) < 1e-6);
    view->zoomToActualSize();
    QCOMPARE(view->zoom(), 1.0);
}

void tst_MainWindow::zoomingInShowsFullResolution()
{
    const QString big = m_dir.filePath("big.png");
    QVERIFY(uitest::writeDarkPng(big, 2000, 1500, 40));   // 3 MP: more than the preview proxy
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {big}));
    QVERIFY(window->imageView()->afterImage().width() < 2000);   // fitted: the proxy is enough
    QSignalSpy detail(window.get(), &ui::MainWindow::detailUpdated);
    window->imageView()->zoomToActualSize();
    QVERIFY(detail.wait(30000));
    QCOMPARE(window->imageView()->afterImage().size(), QSize(2000, 1500));

    // A parameter change shows the fast preview first, then full resolution at the new value.
    QSignalSpy preview(window.get(), &ui::MainWindow::previewUpdated);
    QSlider* gamma = window->sliderPanel()->gammaSlider();
    gamma->setValue(gamma->value() + 20);
    QVERIFY(preview.wait(10000));
    QVERIFY(detail.wait(30000));
    QCOMPARE(window->imageView()->afterImage().size(), QSize(2000, 1500));
    QCOMPARE(window->lastOutput().params.gamma, window->params().toProcessParams().gamma);
}

void tst_MainWindow::filmStripShowsThumbnailsDecodedInTheBackground()
{
    // Large enough that decoding takes a while: a RAW with no embedded preview (half-size
    // decode) and two 6 MP PNGs.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(3000, 2000, core::CfaPattern::RGGB, spec.blackLevel,
                                               spec.whiteLevel, 0.02, 9);
    const QString dng = dir.filePath(QStringLiteral("night.dng"));
    QCOMPARE(QString::fromStdString(testsupport::writeDng(dng.toStdString(), spec)), QString());
    const QString big1 = dir.filePath(QStringLiteral("big1.png"));
    const QString big2 = dir.filePath(QStringLiteral("big2.png"));
    QVERIFY(uitest::writeDarkPng(big1, 3000, 2000, 30));
    QVERIFY(uitest::writeDarkPng(big2, 2000, 3000, 30));

    auto window = makeWindow();
    auto* strip = window->findChild<QListWidget*>();
    QVERIFY(strip != nullptr);

    window->openPaths({dng, big1, big2});
    QCOMPARE(strip->count(), 3);
    // openPaths returned before any thumbnail was made: they are decoded in the background
    // (tst_ThumbnailCache shows the decoder never holds the UI thread; how long the UI
    // thread stalls is a figure for a benchmark on a quiet machine, not for this test).
    for (int row = 0; row < 3; ++row)
        QVERIFY2(strip->item(row)->icon().isNull(), qPrintable(strip->item(row)->text()));
    QTRY_VERIFY_WITH_TIMEOUT(!strip->item(0)->icon().isNull() && !strip->item(1)->icon().isNull()
                                 && !strip->item(2)->icon().isNull(),
                             60000);
    // The film strip lists the photos by name, as a batch orders them (core::BatchPlan).
    QCOMPARE(strip->item(1)->data(Qt::UserRole).toString(), big2);
    const QSize portrait = strip->item(1)->icon().availableSizes().value(0);
    QVERIFY2(portrait.height() > portrait.width(), "the portrait PNG's thumbnail is not portrait");
}

void tst_MainWindow::settingsFilesSaveLoadAndUndo()
{
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {m_pngA}));
    window->sliderPanel()->amplifierSpin()->setValue(0.31);
    window->sliderPanel()->gammaSpin()->setValue(2.7);
    window->sliderPanel()->noiseSpin()->setValue(0.4);
    const ui::EditorParams saved = window->params();
    const QString path = m_dir.filePath(QStringLiteral("réglages.nocturne.json"));
    QVERIFY(window->saveSettingsFile(path));

    // The file is what the CLI replays: the same processing parameters, read by core.
    const auto onDisk = core::ProcessParamsFile::read(path.toStdString());
    QVERIFY2(onDisk.ok(), onDisk ? "" : onDisk.error().describe().c_str());
    QVERIFY(*onDisk == saved.toProcessParams());

    window->sliderPanel()->gammaSpin()->setValue(1.5);
    window->sliderPanel()->amplifierSpin()->setValue(0.6);
    const ui::EditorParams edited = window->params();
    QVERIFY(window->loadSettingsFile(path));
    QCOMPARE(window->params(), saved);
    QCOMPARE(window->sliderPanel()->gammaSpin()->value(), 2.7);
    QTRY_VERIFY_WITH_TIMEOUT(window->lastOutput().params == saved.toProcessParams(), 10000);
    window->undoStack()->undo();   // loading is one step
    QCOMPARE(window->params(), edited);

    // Settings the editor has no control for survive a load and a save unchanged.
    core::ProcessParams exotic = saved.toProcessParams();
    exotic.amplifier.mode = core::AmplifierMode::Mean;
    exotic.exposure = core::ExposureMode::Input;
    exotic.amplifier.m = 0.123;   // finer than the spin box's two decimals
    exotic.method = "mosaicnet";  // cannot run on a PNG: falls back, and says so
    const QString exoticPath = m_dir.filePath(QStringLiteral("exotic.nocturne.json"));
    QVERIFY(core::ProcessParamsFile::write(exotic, exoticPath.toStdString()).ok());
    QVERIFY(window->loadSettingsFile(exoticPath));
    QVERIFY2(window->banner()->text().contains(QStringLiteral("mosaicnet")), qPrintable(window->banner()->text()));
    window->sliderPanel()->gammaSpin()->setValue(2.9);   // an edit of another control
    core::ProcessParams expected = exotic;
    expected.method = window->params().method.toStdString();
    expected.gamma = 2.9f;
    QVERIFY(window->params().toProcessParams() == expected);

    // A broken file: an error naming it, and nothing changes.
    const ui::EditorParams before = window->params();
    const QString broken = m_dir.filePath(QStringLiteral("broken.nocturne.json"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"format": "nocturne-settings", "version": 1, "gamma": 12})");
    file.close();
    QVERIFY(!window->loadSettingsFile(broken));
    QVERIFY(window->banner()->isError());
    QVERIFY2(window->banner()->text().contains(QStringLiteral("broken.nocturne.json"))
                 && window->banner()->text().contains(QStringLiteral("gamma")),
             qPrintable(window->banner()->text()));
    QCOMPARE(window->params(), before);
}

void tst_MainWindow::savedSettingsReplayThroughTheCliByteForByte()
{
    // What the editor exports with its settings, nocturne-cli --params reproduces exactly.
    auto window = makeWindow();
    QVERIFY(openAndWait(*window, {m_pngB}));
    ui::MethodSelector* selector = window->methodSelector();
    selector->setCurrentIndex(selector->indexOfMethod("dhe"));
    emit selector->activated(selector->currentIndex());
    window->sliderPanel()->amplifierSpin()->setValue(0.27);
    window->sliderPanel()->gammaSpin()->setValue(2.6);
    window->sliderPanel()->noiseSpin()->setValue(1.7);
    window->sliderPanel()->autoWhiteBalanceToggle()->setChecked(true);
    window->sliderPanel()->temperatureSpin()->setValue(-23);
    window->sliderPanel()->tintSpin()->setValue(7);
    QCOMPARE(window->params().method, QStringLiteral("dhe"));
    QVERIFY(window->params().toProcessParams().whiteBalance.automatic);
    QTemporaryDir out;
    const QString settings = out.filePath("look.nocturne.json");
    QVERIFY(window->saveSettingsFile(settings));

    // The editor's export path: BatchExporter with the window's parameters.
    ui::BatchSettings exportSettings;
    exportSettings.inputs = {m_pngB};
    exportSettings.explicitDestination = out.filePath("editor.png");
    exportSettings.params = window->params().toProcessParams();
    exportSettings.exportOptions.format = core::ExportFormat::Png;
    exportSettings.exportOptions.bitsPerChannel = 16;
    ui::BatchExporter exporter(m_registry);
    QSignalSpy finished(&exporter, &ui::BatchExporter::batchFinished);
    QVERIFY(exporter.start(exportSettings));
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).value<ui::BatchSummary>().written, 1);

    QProcess cli;
    cli.start(QStringLiteral(NOCTURNE_CLI_PATH),
              {m_pngB, "-o", out.filePath("cli"), "--params", settings, "--format", "png", "--bits", "16", "-q"});
    QVERIFY(cli.waitForFinished(60000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    QFile a(out.filePath("editor.png"));
    QFile b(out.filePath("cli/b_nocturne.png"));
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    const QByteArray editorBytes = a.readAll();
    QVERIFY(editorBytes.size() > 1000);
    QVERIFY(editorBytes == b.readAll());
}

QTEST_MAIN(tst_MainWindow)
#include "tst_MainWindow.moc"
