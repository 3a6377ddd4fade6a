#include "ui/services/BatchExporter.h"

#include "core/pipeline/MethodDefaults.h"

#include <functional>
#include <new>

#include <QDir>
#include <QFileInfo>
#include <QPromise>
#include <QTemporaryFile>
#include <QtConcurrent/QtConcurrentRun>
#include <opencv2/core.hpp>

#include "core/io/ImageLoader.h"

namespace nocturne::ui {

namespace {

using Kind = BatchEvent::Kind;

BatchEvent event(Kind kind, int index, int total, const QString& source)
{
    BatchEvent e;
    e.kind = kind;
    e.index = index;
    e.total = total;
    e.source = source;
    return e;
}

QString describe(const core::Error& error)
{
    return QString::fromStdString(error.describe());
}

// The batch's RunContext is created on the GUI thread (which keeps it to cancel); its progress
// sink forwards to whatever the worker installs here. Only the worker thread touches `report`.
struct ProgressRelay {
    std::function<void(double)> report;
};

// Decode, process, write one file. Returns the event that ends this file.
BatchEvent exportOne(QPromise<BatchEvent>& promise, const BatchSettings& settings, core::Pipeline& pipeline,
                     const core::RunContext& ctx, ProgressRelay& relay, int index, int total)
{
    const QString source = settings.inputs.at(index);
    BatchEvent done = event(Kind::FileFailed, index, total, source);
    QString destination = settings.explicitDestination;
    if (destination.isEmpty()) {
        destination = QDir(settings.outputDir)
                          .filePath(BatchNaming::outputFileName(settings.namePattern, source,
                                                                QString::fromStdString(settings.params.method),
                                                                index + 1, settings.exportOptions.format));
    }
    destination = BatchNaming::resolveCollision(destination, source, settings.collision);
    if (destination.isEmpty()) {
        done.kind = Kind::FileSkipped;
        done.message = QStringLiteral("an output for this file already exists (skipped)");
        return done;
    }
    done.destination = destination;

    double lastReported = -1.0;
    relay.report = [&promise, &lastReported, index, total, source](double fraction) {
        if (fraction - lastReported < 0.02 && fraction < 1.0)
            return;
        lastReported = fraction;
        BatchEvent p = event(Kind::FileProgress, index, total, source);
        p.fraction = fraction;
        promise.addResult(p);
    };
    auto decoded = core::ImageLoader::load(source.toStdString());
    if (!decoded) {
        done.message = describe(decoded.error());
        return done;
    }
    ctx.progress(0.1, "decoded");
    core::ProcessParams params = settings.params;
    if (params.method == core::kAutoMethod)
        params.method = core::defaultMethodFor(core::sourceKindOf(decoded->meta), pipeline.registry());
    auto processed = pipeline.process(*decoded, params, ctx.subRange(0.1, 0.9));
    if (!processed) {
        if (processed.error().code == core::ErrorCode::Cancelled)
            done.kind = Kind::FileCancelled;
        else
            done.message = describe(processed.error());
        return done;
    }
    // Once processed, the file is finished even when a cancel arrives now.
    const auto& image = core::takesLinearImage(settings.exportOptions) ? processed->linear : processed->display;
    auto written = core::ImageWriter::write(image, destination.toStdString(), settings.exportOptions,
                                            decoded->meta);
    if (!written) {
        done.message = describe(written.error());
        return done;
    }
    ctx.progress(1.0, "written");
    done.kind = Kind::FileWritten;
    return done;
}

void runBatch(QPromise<BatchEvent>& promise, const BatchSettings& settings,
              const std::shared_ptr<const core::EnhancerRegistry>& registry, const core::RunContext& ctx,
              const std::shared_ptr<ProgressRelay>& relay)
{
    core::Pipeline pipeline(registry);
    const int total = static_cast<int>(settings.inputs.size());
    for (int i = 0; i < total; ++i) {
        if (ctx.stopRequested())
            break;
        promise.addResult(event(Kind::FileStarted, i, total, settings.inputs.at(i)));
        BatchEvent done;
        try {
            done = exportOne(promise, settings, pipeline, ctx, *relay, i, total);
        } catch (const std::bad_alloc&) {
            done = event(Kind::FileFailed, i, total, settings.inputs.at(i));
            done.message = QStringLiteral("not enough memory to process this photo; close other programs or "
                                          "export it alone");
        } catch (const cv::Exception& e) {
            done = event(Kind::FileFailed, i, total, settings.inputs.at(i));
            done.message = QStringLiteral("image processing failed (%1)").arg(QString::fromUtf8(e.what()));
        }
        relay->report = nullptr;
        promise.addResult(done);
    }
}

}  // namespace

BatchExporter::BatchExporter(std::shared_ptr<const core::EnhancerRegistry> registry, QObject* parent)
    : QObject(parent), m_registry(std::move(registry))
{
    qRegisterMetaType<nocturne::ui::BatchEvent>();
    qRegisterMetaType<nocturne::ui::BatchSummary>();
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("nocturne-batch-pool"));
    connect(&m_watcher, &QFutureWatcher<BatchEvent>::resultReadyAt, this, &BatchExporter::onEvent);
    connect(&m_watcher, &QFutureWatcher<BatchEvent>::finished, this, &BatchExporter::onFinished);
}

BatchExporter::~BatchExporter()
{
    m_ctx.requestStop();
    m_watcher.disconnect(this);
    m_pool.waitForDone();
}

double BatchExporter::secondsLeft() const
{
    const double done = m_finishedFiles + m_currentFraction;
    if (done <= 0.0 || m_summary.total == 0)
        return -1.0;
    const double perFile = static_cast<double>(m_timer.elapsed()) / 1000.0 / done;
    return perFile * (m_summary.total - done);
}

bool BatchExporter::start(const BatchSettings& settings)
{
    if (m_running)
        return false;
    m_summary = BatchSummary();
    m_summary.total = static_cast<int>(settings.inputs.size());
    m_finishedFiles = 0;
    m_currentFraction = 0.0;
    auto relay = std::make_shared<ProgressRelay>();
    m_ctx = core::RunContext([relay](double fraction, std::string_view) {
        if (relay->report)
            relay->report(fraction);
    });
    m_timer.start();

    QString outDir = settings.outputDir;
    if (!settings.explicitDestination.isEmpty())
        outDir = QFileInfo(settings.explicitDestination).absolutePath();
    m_summary.outputDir = outDir;
    if (outDir.isEmpty()) {
        finishWithError(tr("Choose an output folder first."));
        return false;
    }
    if (!QDir().mkpath(outDir)) {
        finishWithError(tr("The output folder %1 could not be created. Choose another folder.").arg(outDir));
        return false;
    }
    // isWritable() is unreliable with ACLs and read-only mounts; try to create a file instead.
    QTemporaryFile probe(QDir(outDir).filePath(QStringLiteral(".nocturne-write-test-XXXXXX")));
    if (!probe.open()) {
        finishWithError(tr("The output folder %1 is not writable. Choose a folder you can write to.").arg(outDir));
        return false;
    }
    probe.close();

    m_running = true;
    emit batchStarted(m_summary.total);
    m_watcher.setFuture(QtConcurrent::run(&m_pool, runBatch, settings, m_registry, m_ctx, relay));
    return true;
}

void BatchExporter::cancel()
{
    if (!m_running)
        return;
    m_ctx.requestStop();
    m_summary.cancelled = true;
}

void BatchExporter::finishWithError(const QString& message)
{
    m_summary.fatalError = message;
    emit batchFinished(m_summary);
}

void BatchExporter::onEvent(int resultIndex)
{
    const BatchEvent e = m_watcher.future().resultAt(resultIndex);
    switch (e.kind) {
    case Kind::FileStarted:
        m_currentFraction = 0.0;
        emit fileStarted(e.index, e.source);
        break;
    case Kind::FileProgress:
        m_currentFraction = e.fraction;
        emit fileProgressed(e.index, e.fraction);
        break;
    case Kind::FileWritten:
        ++m_summary.written;
        m_summary.outputs << e.destination;
        break;
    case Kind::FileSkipped:
        ++m_summary.skipped;
        break;
    case Kind::FileFailed:
        m_summary.failures.append({e.source, e.message});
        break;
    case Kind::FileCancelled:
        m_summary.cancelled = true;
        break;
    }
    if (e.kind != Kind::FileStarted && e.kind != Kind::FileProgress) {
        ++m_finishedFiles;
        m_currentFraction = 0.0;
        emit fileFinished(e);
    }
    emit overallProgressed(m_finishedFiles + m_currentFraction, m_summary.total);
}

void BatchExporter::onFinished()
{
    m_running = false;
    m_summary.seconds = static_cast<double>(m_timer.elapsed()) / 1000.0;
    if (m_ctx.stopRequested() && m_finishedFiles < m_summary.total)
        m_summary.cancelled = true;
    emit batchFinished(m_summary);
}

}  // namespace nocturne::ui
