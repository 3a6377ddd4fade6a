#pragma once

#include <memory>

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>

#include "core/enhance/EnhancerRegistry.h"
#include "core/base/RunContext.h"
#include "ui/services/BatchTypes.h"

namespace nocturne::ui {

// Processes files at full resolution and writes them, in the background: one file at a time
// on a dedicated pool (QtConcurrent + QPromise<BatchEvent>), each with a fresh decode and no
// preview cache. A file that fails is reported with the reason and the batch goes on;
// cancel() stops after the current file (or at the enhancer's next tile check), which is a
// normal outcome. Also used for exporting the current photo (BatchSettings::explicitDestination).
// Thread: GUI thread; signals arrive there.
class BatchExporter : public QObject {
    Q_OBJECT
public:
    explicit BatchExporter(std::shared_ptr<const core::EnhancerRegistry> registry, QObject* parent = nullptr);
    ~BatchExporter() override;

    bool isRunning() const { return m_running; }
    const BatchSummary& summary() const { return m_summary; }

    // Runs `settings` once; the expected time left uses the average time per finished file.
    double secondsLeft() const;

public slots:
    // Returns false when already running or when the batch cannot start (batchFinished carries
    // the reason in fatalError then).
    bool start(const nocturne::ui::BatchSettings& settings);
    void cancel();

signals:
    void batchStarted(int total);
    void fileStarted(int index, const QString& source);
    void fileProgressed(int index, double fraction);
    void fileFinished(const nocturne::ui::BatchEvent& event);
    // done = files finished (any outcome) plus the current file's fraction.
    void overallProgressed(double done, int total);
    void batchFinished(const nocturne::ui::BatchSummary& summary);

private:
    void onEvent(int resultIndex);
    void onFinished();
    void finishWithError(const QString& message);

    std::shared_ptr<const core::EnhancerRegistry> m_registry;
    QThreadPool m_pool;
    QFutureWatcher<BatchEvent> m_watcher;
    core::RunContext m_ctx;
    BatchSummary m_summary;
    QElapsedTimer m_timer;
    int m_finishedFiles = 0;
    double m_currentFraction = 0.0;
    bool m_running = false;
};

}  // namespace nocturne::ui
