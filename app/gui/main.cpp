// The editor's composition root: builds the enhancer registry, describes the device, finds the
// bundled sample and shows the main window. Developer options: --screenshot, --measure-latency.
#include <cstdio>
#include <cstring>
#include <memory>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QSettings>
#include <QThread>

#include "app/gui/LatencyProbe.h"
#include "app/gui/ScreenshotDriver.h"
#include "core/Version.h"
#include "core/enhance/EnhancerRegistry.h"
#include "core/image/RecyclingAllocator.h"
#include "core/inference/CpuTuningStore.h"
#include "core/inference/MethodCatalog.h"
#include "ui/services/PreviewSource.h"
#include "ui/services/ThumbnailCache.h"
#include "ui/widgets/MainWindow.h"

namespace {

QString findSample()
{
    const QString name = QStringLiteral("night-interior.dng");
    const QStringList candidates{
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/nocturne/samples/") + name),
        QDir(QStringLiteral(NOCTURNE_SOURCE_SAMPLES_DIR)).filePath(name),
    };
    for (const QString& candidate : candidates)
        if (QFileInfo::exists(candidate))
            return QFileInfo(candidate).canonicalFilePath();
    return candidates.first();   // named in the "sample not found" message
}

}  // namespace

int main(int argc, char** argv)
{
    // Answered before QApplication so it works without a display.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            std::printf("nocturne %s\n", nocturne::core::kVersion);
            return 0;
        }
    }

    // Before any frame is allocated: renders reuse frame buffers instead of page-faulting in
    // fresh ones on every slider move.
    nocturne::core::RecyclingAllocator::installDefault();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Nocturne"));
    QApplication::setApplicationName(QStringLiteral("Nocturne"));
    QApplication::setApplicationVersion(QString::fromLatin1(nocturne::core::kVersion));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/nocturne.png")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Nocturne rescues extremely dark photos."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("version"), QStringLiteral("Print the version and exit.")});
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Developer: write screenshots to <dir> and quit."),
                                        QStringLiteral("dir"));
    const QCommandLineOption latency(QStringLiteral("measure-latency"),
                                     QStringLiteral("Developer: time slider-to-preview per method on a photo "
                                                    "file, or a WxH synthetic photo (default 4000x3000), and quit."),
                                     QStringLiteral("file|WxH"), QStringLiteral("4000x3000"));
    const QCommandLineOption latencyMethods(QStringLiteral("latency-methods"),
                                            QStringLiteral("Developer: with --measure-latency, only these methods "
                                                           "(comma-separated ids)."),
                                            QStringLiteral("ids"));
    const QCommandLineOption noSample(QStringLiteral("no-sample"), QStringLiteral("Do not open the sample on first start."));
    const QCommandLineOption experimental(QStringLiteral("experimental"),
                                          QStringLiteral("Also offer networks that do not beat the classical methods on "
                                                         "real photos (marked experimental)."));
    const QCommandLineOption maxPixels(QStringLiteral("max-pixels"),
                                       QStringLiteral("Refuse photos larger than N pixels (default: the "
                                                      "limits/maxPixels setting, else 200000000; 0 = no limit)."),
                                       QStringLiteral("N"));
    parser.addOption(experimental);
    parser.addOption(maxPixels);
    parser.addOption(screenshot);
    parser.addOption(latency);
    parser.addOption(latencyMethods);
    parser.addOption(noSample);
    parser.addPositionalArgument(QStringLiteral("photos"), QStringLiteral("Photos or folders to open."), QStringLiteral("[photos...]"));
    parser.process(app);

    const QSettings settings;
    // Decompression bombs and absurd headers are refused before allocating; photographers with
    // giant panoramas raise the limit here.
    bool limitOk = true;
    const long long limit = parser.isSet(maxPixels)
                                ? parser.value(maxPixels).toLongLong(&limitOk)
                                : settings.value(QStringLiteral("limits/maxPixels"),
                                                 nocturne::ui::PreviewSource::decodeLimit()).toLongLong(&limitOk);
    if (!limitOk || limit < 0) {
        std::fprintf(stderr, "nocturne: --max-pixels expects a pixel count (0 = no limit)\n");
        return 2;
    }
    nocturne::ui::PreviewSource::setDecodeLimit(limit);
    nocturne::core::EngineOptions engine;
    engine.threads = settings.value(QStringLiteral("engine/threads"), 0).toInt();
    engine.device = nocturne::core::parseComputeDevice(
                        settings.value(QStringLiteral("engine/device"), QStringLiteral("auto")).toString().toStdString())
                        .value_or(nocturne::core::ComputeDevice::Auto);
    engine.cpuPrecision = nocturne::core::parseCpuPrecision(
                              settings.value(QStringLiteral("engine/precision"), QStringLiteral("auto")).toString().toStdString())
                              .value_or(nocturne::core::CpuPrecision::Auto);
    engine.cpuLayout = nocturne::core::parseCpuLayout(
                           settings.value(QStringLiteral("engine/layout"), QStringLiteral("auto")).toString().toStdString())
                           .value_or(nocturne::core::CpuLayout::Auto);
    engine.tuningFile = nocturne::core::CpuTuningStore::defaultFile();
    nocturne::core::ScanOptions scan;
    // View > Show Experimental Networks (read at start: the method list is built once).
    scan.includeExperimental = parser.isSet(experimental)
                               || settings.value(QStringLiteral("models/showExperimental"), false).toBool();
    // Classical methods always, plus every trained network the model folders hold. The engine's
    // thread count and device are user settings (0 threads = every core, "auto" device).
    const auto catalog = nocturne::core::MethodCatalog::build(scan, engine);
    for (const auto& rejected : catalog.models.rejected())
        std::fprintf(stderr, "nocturne: not offering %s\n", rejected.reason.describe().c_str());
    const std::shared_ptr<nocturne::core::EnhancerRegistry> registry = catalog.registry;
    const QString device = QString::fromStdString(catalog.deviceDescription(
        QStringLiteral("CPU (%1 threads)").arg(engine.threads > 0 ? engine.threads : QThread::idealThreadCount()).toStdString()));

    if (parser.isSet(latency)) {
        const QString value = parser.value(latency);
        const QStringList only = parser.value(latencyMethods).split(QLatin1Char(','), Qt::SkipEmptyParts);
        if (QFileInfo(value).isFile())
            return nocturne::app::measureLatency(registry, value, 0, 0, only);
        const QStringList wh = value.split(QLatin1Char('x'));
        const int w = wh.value(0).toInt();
        const int h = wh.value(1).toInt();
        if (w <= 0 || h <= 0) {
            std::fprintf(stderr, "nocturne: --measure-latency expects a photo or WxH, e.g. 4000x3000\n");
            return 2;
        }
        return nocturne::app::measureLatency(registry, {}, w, h, only);
    }

    nocturne::ui::MainWindowOptions options;
    options.registry = registry;
    options.deviceDescription = device;
    options.samplePath = findSample();
    options.openSampleOnFirstStart = !parser.isSet(noSample) && !parser.isSet(screenshot);
    options.thumbnailFolder = nocturne::ui::ThumbnailCache::defaultFolder();
    nocturne::ui::MainWindow window(options);
    window.show();

    QStringList photos = parser.positionalArguments();
    if (parser.isSet(screenshot) && photos.isEmpty())
        photos << options.samplePath;
    if (!photos.isEmpty())
        window.openPaths(photos);

    std::unique_ptr<nocturne::app::ScreenshotDriver> driver;
    if (parser.isSet(screenshot)) {
        window.resize(1280, 800);
        driver = std::make_unique<nocturne::app::ScreenshotDriver>(&window, parser.value(screenshot));
        driver->start();
    }
    return QApplication::exec();
}
