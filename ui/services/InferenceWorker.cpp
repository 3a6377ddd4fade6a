#include "ui/services/InferenceWorker.h"

namespace nocturne::ui {

InferenceWorker::InferenceWorker(std::shared_ptr<const core::EnhancerRegistry> registry, QObject* parent)
    : QObject(parent), m_pipeline(std::move(registry))
{
}

void InferenceWorker::run(quint64 clientId, const RenderJob& job)
{
    emit jobFinished(clientId, PreviewRenderer::render(m_pipeline, job.source, job.params, job.ctx, job.requestId));
}

}  // namespace nocturne::ui
