#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include "core/pipeline/Pipeline.h"
#include "ui/services/PreviewRenderer.h"
#include "ui/services/PreviewSource.h"

namespace nocturne::ui {

class InferenceService;

// Turns a stream of parameter changes into as few preview renders as possible while a slider
// moves: at most one job runs and at most one request waits (the latest; older waiting ones are
// dropped). A running job is left to finish when only parameters changed, and its result is
// shown as an interim preview before the latest request runs, so a drag updates the picture
// continuously instead of only when the slider pauses. A method switch or a new image cancels
// the running job (RunContext::requestStop): its result would be of no use. Classical methods
// run through QtConcurrent on a dedicated one-thread pool; networks (any enhancer not consuming
// linear RGB) on the process's InferenceService, shared with every other scheduler of the same
// registry. Each path keeps one Pipeline (the service's is shared), keyed by PreviewSource::key,
// so a gamma-only change re-runs only the gamma stage.
// Slow renders (networks, and any method with noise reduction, whose non-local means costs
// about a second on a 2 MP proxy) preview in two steps when the proxy is large: a draft on a
// copy of about kDraftPixels (RenderOutput::draft; the view scales it to the photo's size),
// then the full proxy. The full-proxy step starts only after the hand has rested for
// kSettleMs when it includes non-local means (which cannot be stopped half-way, so a refinement
// started between two moves would hold up the next draft), or kQuickSettleMs when it does not
// (a network checks the stop flag between tiles); a new request stops a running one. So the picture
// follows the hand with drafts and sharpens once it rests. A draft is never the newest
// request's last result: the full proxy always follows it.
// Thread: GUI thread (create, call and destroy it there); signals are delivered there.
class RenderScheduler : public QObject {
    Q_OBJECT
public:
    explicit RenderScheduler(std::shared_ptr<const core::EnhancerRegistry> registry, QObject* parent = nullptr);
    ~RenderScheduler() override;

    const core::EnhancerRegistry& registry() const { return *m_registry; }
    const PreviewSource& source() const { return m_source; }

    // A draft has about this many pixels: small enough to follow a slider on a CPU.
    static constexpr long long kDraftPixels = 320'000;
    // How long the sliders must rest after a draft before the full proxy renders: with noise
    // reduction in the full step, and without (see settleMsFor).
    static constexpr int kSettleMs = 120;
    static constexpr int kQuickSettleMs = 40;
    // After this long without a render, the frame buffers kept for reuse
    // (core::RecyclingAllocator) are given back to the system.
    static constexpr int kReleaseIdleMs = 10'000;

    // A job runs, or a draft waits for the hand to rest before its refinement.
    bool isBusy() const { return m_running.has_value() || m_refine.has_value(); }
    quint64 latestRequestId() const { return m_nextId; }
    // Jobs actually started since construction (coalescing makes this far below the requests);
    // a network request's draft and full-proxy steps count as one job each.
    int startedJobCount() const { return m_started; }
    // The draft proxy networks preview on first (null when the proxy is already small).
    const PreviewSource& draftSource() const { return m_draft; }
    // Drafts are on by default; off, every request renders only the full proxy. Takes effect
    // from the next setSource (which makes the draft copy).
    void setDraftsEnabled(bool enabled) { m_draftsEnabled = enabled; }

    // Whether `methodId` runs on the inference worker rather than the CPU pool.
    bool isNetworkMethod(const std::string& methodId) const;
    // The rest after a draft before its full-proxy step: kSettleMs when that step runs non-local
    // means (methods on the amplified image with noise reduction on), else kQuickSettleMs.
    int settleMsFor(const core::ProcessParams& params) const;
    const InferenceService& inference() const { return *m_inference; }

public slots:
    // Replaces the image; cancels whatever runs for the previous one.
    void setSource(const nocturne::ui::PreviewSource& source);
    // Schedules a render of the current source; returns its request id (0 without a source).
    quint64 requestRender(const nocturne::core::ProcessParams& params);
    // Cancels the running job and forgets the pending one.
    void cancelAll();

signals:
    void renderStarted(quint64 requestId);
    // Results in increasing request order: interim ones while newer requests wait, and always
    // the newest request last. Cancelled results and results for a replaced image never arrive.
    void renderFinished(quint64 requestId, const nocturne::ui::RenderOutput& output);
    void busyChanged(bool busy);
    // Progress of the running job in [0,1] (polled every 100 ms; slow methods only).
    void renderProgressed(quint64 requestId, double fraction);

private:
    struct Pending {
        quint64 id = 0;
        core::ProcessParams params;
    };
    struct Running {
        Pending request;
        bool draft = false;
        core::RunContext ctx;
        std::shared_ptr<std::atomic<double>> progress;   // written by the job, read here
    };

    void start(const Pending& request);
    void startStep(const Pending& request, bool draft);
    void dropRefinement();
    bool wantsDraft(const core::ProcessParams& params) const;
    void onJobFinished(RenderOutput output);

    std::shared_ptr<const core::EnhancerRegistry> m_registry;
    PreviewSource m_source;
    PreviewSource m_draft;
    bool m_draftsEnabled = true;
    QThreadPool m_pool;
    // Used only by jobs on m_pool, one at a time.
    std::shared_ptr<core::Pipeline> m_cpuPipeline;
    std::shared_ptr<InferenceService> m_inference;
    quint64 m_clientId = 0;                // tags this scheduler's jobs on m_inference
    std::optional<Running> m_running;
    std::optional<Pending> m_pending;
    std::optional<Pending> m_refine;       // drafted, waiting for m_settleTimer to refine it
    // The parameters of the last full-proxy render of this source: a request that differs only
    // in gamma finds the method's output in the pipeline's cache and needs no draft.
    std::optional<core::ProcessParams> m_lastFull;
    QTimer m_settleTimer;
    QHash<quint64, qint64> m_requestedAt;   // ns on m_clock, for latency
    QElapsedTimer m_clock;
    QTimer m_progressTimer;
    QTimer m_releaseTimer;
    quint64 m_nextId = 0;
    quint64 m_firstIdOfSource = 0;   // requests for the current image have larger ids
    int m_started = 0;
};

}  // namespace nocturne::ui
