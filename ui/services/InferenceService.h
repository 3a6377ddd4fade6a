#pragma once

#include <memory>

#include <QObject>
#include <QThread>

#include "core/enhance/EnhancerRegistry.h"
#include "ui/services/InferenceWorker.h"

namespace nocturne::ui {

// The process's one inference thread: a single InferenceWorker (one Pipeline, so one stage
// cache and one set of loaded models) on its own QThread, shared by every RenderScheduler that
// uses the same method registry (the editor's preview and full-resolution detail, each compare
// pane). Jobs run one at a time in the order submitted, so panes never fight over the cores
// or a model's lock; each result goes back to the scheduler that submitted it.
// Thread: GUI thread (create, submit, destroy); jobFinished is delivered there.
class InferenceService : public QObject {
    Q_OBJECT
public:
    // The service of `registry`, created on first use and destroyed with its last user.
    static std::shared_ptr<InferenceService> forRegistry(const std::shared_ptr<const core::EnhancerRegistry>& registry);
    ~InferenceService() override;

    // A token for submit(): each scheduler takes one and recognises its results by it.
    static quint64 newClientId();
    void submit(quint64 clientId, const RenderJob& job);

    const QThread* thread() const { return &m_thread; }
    int jobsSubmitted() const { return m_submitted; }

signals:
    void jobFinished(quint64 clientId, const nocturne::ui::RenderOutput& output);

private:
    explicit InferenceService(std::shared_ptr<const core::EnhancerRegistry> registry);

    QThread m_thread;
    InferenceWorker* m_worker = nullptr;   // lives on m_thread; deleted when it finishes
    int m_submitted = 0;
};

}  // namespace nocturne::ui
