#pragma once

#include <memory>

#include <QObject>

#include "core/pipeline/Pipeline.h"
#include "ui/services/PreviewRenderer.h"
#include "ui/services/PreviewSource.h"

namespace nocturne::ui {

// One preview job: immutable inputs plus the job's RunContext (whose stop flag the scheduler
// keeps a copy of, to cancel it from the GUI thread).
struct RenderJob {
    quint64 requestId = 0;
    PreviewSource source;
    core::ProcessParams params;
    core::RunContext ctx;
};

// Runs network previews one at a time. Owns the Pipeline (and through the registry's
// TorchEnhancers, the loaded models' device use) for networks, so a network's StageCache lives
// on one thread and gamma-only changes are served from it.
// Thread: lives on the InferenceService's QThread; call run() only through queued invocation;
// results leave through the queued jobFinished signal, tagged with the submitter's id.
class InferenceWorker : public QObject {
    Q_OBJECT
public:
    explicit InferenceWorker(std::shared_ptr<const core::EnhancerRegistry> registry, QObject* parent = nullptr);

    void run(quint64 clientId, const RenderJob& job);

signals:
    void jobFinished(quint64 clientId, const nocturne::ui::RenderOutput& output);

private:
    core::Pipeline m_pipeline;
};

}  // namespace nocturne::ui
