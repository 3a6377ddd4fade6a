#include "ui/services/InferenceService.h"

#include <atomic>
#include <map>

namespace nocturne::ui {

std::shared_ptr<InferenceService> InferenceService::forRegistry(
    const std::shared_ptr<const core::EnhancerRegistry>& registry)
{
    // GUI thread only (see the class comment), so the map needs no lock.
    static std::map<const core::EnhancerRegistry*, std::weak_ptr<InferenceService>> services;
    auto& slot = services[registry.get()];
    if (auto existing = slot.lock())
        return existing;
    std::shared_ptr<InferenceService> created(new InferenceService(registry));
    slot = created;
    return created;
}

InferenceService::InferenceService(std::shared_ptr<const core::EnhancerRegistry> registry)
{
    qRegisterMetaType<nocturne::ui::RenderOutput>();
    m_thread.setObjectName(QStringLiteral("nocturne-inference"));
    m_worker = new InferenceWorker(std::move(registry));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &InferenceWorker::jobFinished, this, &InferenceService::jobFinished, Qt::QueuedConnection);
    m_thread.start();
}

InferenceService::~InferenceService()
{
    // Jobs still queued run to their stop checks (their schedulers cancelled them) and their
    // results go nowhere.
    m_thread.quit();
    m_thread.wait();
}

quint64 InferenceService::newClientId()
{
    static std::atomic<quint64> next{0};
    return ++next;
}

void InferenceService::submit(quint64 clientId, const RenderJob& job)
{
    ++m_submitted;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, clientId, job] { worker->run(clientId, job); },
                              Qt::QueuedConnection);
}

}  // namespace nocturne::ui
