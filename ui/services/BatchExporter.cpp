#include "ui/services/BatchExporter.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <QDir>
#include <QFileInfo>
#include <QPromise>
#include <QTemporaryFile>
#include <QtConcurrent/QtConcurrentRun>

#include "core/batch/BatchRun.h"

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

// The batch's RunContext is created on the GUI thread (which keeps it to cancel); its progress
// sink forwards to whatever the worker installs here. Only the worker thread touches `report`.
struct ProgressRelay {
    std::function<void(double)> report;
};

std::vector<core::BatchItem> planOf(const BatchSettings& settings)
{
    std::vector<std::string> inputs;
    for (const QString& path : settings.inputs)
        inputs.push_back(path.toStdString());
    if (!settings.explicitDestination.isEmpty() && !inputs.empty())
        return {core::BatchPlan::single(inputs.front(), settings.explicitDestination.toStdString())};
    core::OutputNaming naming;
    naming.folder = settings.outputDir.toStdString();
    naming.pattern = settings.namePattern.toStdString();
    naming.method = settings.params.method;
    naming.format = settings.exportOptions.format;
    return core::BatchPlan::plan(inputs, naming, settings.overwrite);
}

// The whole batch on the pool's thread, through core's batch engine, one file at a time (a
// network already uses every core), each step reported as a BatchEvent.
void runBatch(QPromise<BatchEvent>& promise, const BatchSettings& settings,
              const std::shared_ptr<const core::EnhancerRegistry>& registry, const core::RunContext& ctx,
              const std::shared_ptr<ProgressRelay>& relay)
{
    const std::vector<core::BatchItem> items = planOf(settings);
    const int total = static_cast<int>(items.size());
    core::BatchObserver observer;
    observer.fileStarted = [&](std::size_t i, const core::BatchItem& item) {
        const int index = static_cast<int>(i);
        const QString source = QString::fromStdString(item.input);
        promise.addResult(event(Kind::FileStarted, index, total, source));
        auto lastReported = std::make_shared<double>(-1.0);
        relay->report = [&promise, lastReported, index, total, source](double fraction) {
            if (fraction - *lastReported < 0.02 && fraction < 1.0)
                return;
            *lastReported = fraction;
            BatchEvent p = event(Kind::FileProgress, index, total, source);
            p.fraction = fraction;
            promise.addResult(p);
        };
    };
    observer.fileFinished = [&](std::size_t i, const core::BatchItem& item, const core::FileResult& r) {
        relay->report = nullptr;
        using Outcome = core::FileResult::Outcome;
        const Kind kind = r.outcome == Outcome::Written   ? Kind::FileWritten
                          : r.outcome == Outcome::Skipped ? Kind::FileSkipped
                          : r.outcome == Outcome::Failed  ? Kind::FileFailed
                                                          : Kind::FileCancelled;
        BatchEvent done = event(kind, static_cast<int>(i), total, QString::fromStdString(item.input));
        done.destination = QString::fromStdString(item.output);
        done.message = QString::fromStdString(r.message);
        promise.addResult(done);
    };
    core::BatchSettings job;
    job.params = settings.params;
    job.exportOptions = settings.exportOptions;
    core::BatchRun::run(items, job, registry, 1, ctx, observer);
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
