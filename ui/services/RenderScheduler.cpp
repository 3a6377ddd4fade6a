#include "ui/services/RenderScheduler.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include "core/image/RecyclingAllocator.h"
#include "ui/services/InferenceService.h"

namespace nocturne::ui {

RenderScheduler::RenderScheduler(std::shared_ptr<const core::EnhancerRegistry> registry, QObject* parent)
    : QObject(parent),
      m_registry(std::move(registry)),
      m_cpuPipeline(std::make_shared<core::Pipeline>(m_registry))
{
    qRegisterMetaType<nocturne::ui::RenderOutput>();
    m_clock.start();
    // One thread: jobs share m_cpuPipeline (not thread-safe) and the enhancers parallelise
    // internally where they can.
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("nocturne-preview-pool"));
    m_inference = InferenceService::forRegistry(m_registry);
    m_clientId = InferenceService::newClientId();
    connect(m_inference.get(), &InferenceService::jobFinished, this,
            [this](quint64 clientId, const RenderOutput& output) {
                if (clientId == m_clientId)
                    onJobFinished(output);
            });
    m_settleTimer.setSingleShot(true);
    connect(&m_settleTimer, &QTimer::timeout, this, [this] {
        if (!m_refine)
            return;
        startStep(*m_refine, false);
        m_refine.reset();   // after startStep: the scheduler never looked idle in between
    });
    m_releaseTimer.setSingleShot(true);
    m_releaseTimer.setInterval(kReleaseIdleMs);
    connect(this, &RenderScheduler::busyChanged, &m_releaseTimer, [this](bool busy) {
        if (busy)
            m_releaseTimer.stop();
        else
            m_releaseTimer.start();
    });
    connect(&m_releaseTimer, &QTimer::timeout, this, [] {
        // Another scheduler (a compare pane) may be rendering: it then faults in fresh
        // buffers, which is all this costs it.
        if (const auto* pool = core::RecyclingAllocator::installed())
            pool->releaseIdle();
    });
    m_progressTimer.setInterval(100);
    connect(&m_progressTimer, &QTimer::timeout, this, [this] {
        if (m_running)
            emit renderProgressed(m_running->request.id, m_running->progress->load());
    });
}

RenderScheduler::~RenderScheduler()
{
    cancelAll();
    m_pool.waitForDone();
    // A network job of ours may still run on the shared thread: its result is dropped with
    // this object's connection, and the service stops once its last scheduler is gone.
}

bool RenderScheduler::isNetworkMethod(const std::string& methodId) const
{
    const auto enhancer = m_registry->find(methodId);
    return enhancer && enhancer->info().inputKind != core::InputKind::LinearRgb;
}

int RenderScheduler::settleMsFor(const core::ProcessParams& params) const
{
    // The pipeline denoises the image it amplifies for these methods (core::Pipeline::process).
    const auto enhancer = m_registry->find(params.method);
    const bool denoises = enhancer && enhancer->info().receivesAmplifiedImage() && params.noiseReduction > 0.0f;
    return denoises ? kSettleMs : kQuickSettleMs;
}

void RenderScheduler::setSource(const PreviewSource& source)
{
    cancelAll();
    // Whatever still runs belongs to the old image: its result must never be shown.
    m_firstIdOfSource = ++m_nextId;
    m_source = source;
    m_draft = {};
    m_lastFull.reset();
    if (m_draftsEnabled && !source.isNull() && source.image->rgb.pixelCount() > 2 * kDraftPixels) {
        // Binning the mosaic and an area resize of the proxy: milliseconds, once per photo.
        m_draft = PreviewSource::fromDecoded(*source.image, source.key, kDraftPixels);
        m_draft.path = source.path;
        m_draft.fullSize = source.fullSize;
    }
}

bool RenderScheduler::wantsDraft(const core::ProcessParams& params) const
{
    if (!m_draftsEnabled || m_draft.isNull() || !(isNetworkMethod(params.method) || params.noiseReduction > 0.0f))
        return false;
    if (m_lastFull) {
        core::ProcessParams sameFinish = params;
        sameFinish.gamma = m_lastFull->gamma;
        sameFinish.whiteBalance = m_lastFull->whiteBalance;
        if (sameFinish == *m_lastFull)
            return false;   // gamma or white balance: the full proxy is a cache hit plus those stages
    }
    return true;
}

quint64 RenderScheduler::requestRender(const core::ProcessParams& params)
{
    if (m_source.isNull())
        return 0;
    const Pending request{++m_nextId, params};
    m_requestedAt.insert(request.id, m_clock.nsecsElapsed());
    if (m_refine) {
        // The hand moved on before the last draft was refined: draft the new position now.
        m_settleTimer.stop();
        m_requestedAt.remove(m_refine->id);
        start(request);
        m_refine.reset();
        return request.id;
    }
    if (m_running) {
        // Same method: let it finish and show it as an interim preview (a drag keeps moving
        // the picture). Another method: its result is of no use, stop it at its next check.
        // A drafted request's full-proxy step is stopped too: the next draft follows the hand sooner.
        const bool refining = !m_running->draft && wantsDraft(m_running->request.params);
        if (m_running->request.params.method != params.method || refining)
            m_running->ctx.requestStop();
        if (m_pending)
            m_requestedAt.remove(m_pending->id);
        m_pending = request;
    } else {
        start(request);
    }
    return request.id;
}

void RenderScheduler::cancelAll()
{
    if (m_running)
        m_running->ctx.requestStop();
    if (m_pending)
        m_requestedAt.remove(m_pending->id);
    m_pending.reset();
    dropRefinement();
}

void RenderScheduler::dropRefinement()
{
    if (!m_refine)
        return;
    m_settleTimer.stop();
    m_requestedAt.remove(m_refine->id);
    m_refine.reset();
    if (!m_running) {
        m_progressTimer.stop();
        emit busyChanged(false);
    }
}

void RenderScheduler::start(const Pending& request)
{
    startStep(request, wantsDraft(request.params));
}

void RenderScheduler::startStep(const Pending& request, bool draft)
{
    const bool wasBusy = isBusy();
    auto progress = std::make_shared<std::atomic<double>>(0.0);
    const core::RunContext ctx([progress](double fraction, std::string_view) { progress->store(fraction); });
    RenderJob job{request.id, draft ? m_draft : m_source, request.params, ctx};
    m_running = Running{request, draft, ctx, progress};
    m_progressTimer.start();
    ++m_started;
    if (draft || !wantsDraft(request.params))   // once per request: not again for the refinement
        emit renderStarted(request.id);
    if (isNetworkMethod(request.params.method)) {
        m_inference->submit(m_clientId, job);
    } else {
        auto* watcher = new QFutureWatcher<RenderOutput>(this);
        connect(watcher, &QFutureWatcher<RenderOutput>::finished, this, [this, watcher] {
            watcher->deleteLater();
            onJobFinished(watcher->result());
        });
        watcher->setFuture(QtConcurrent::run(&m_pool, [pipeline = m_cpuPipeline, job] {
            return PreviewRenderer::render(*pipeline, job.source, job.params, job.ctx, job.requestId);
        }));
    }
    if (!wasBusy)
        emit busyChanged(true);
}

void RenderScheduler::onJobFinished(RenderOutput output)
{
    const bool wasDraft = m_running && m_running->draft;
    const Pending request = m_running ? m_running->request : Pending{};
    m_running.reset();
    const bool deliverable = !output.cancelled && output.requestId > m_firstIdOfSource;
    output.draft = wasDraft;
    if (wasDraft && !m_pending && deliverable && !output.error) {
        // No newer request: show the draft, and refine it once the hand has rested.
        output.latencyMs = static_cast<double>(m_clock.nsecsElapsed() - m_requestedAt.value(output.requestId)) / 1e6;
        m_refine = request;
        m_settleTimer.start(settleMsFor(request.params));
        emit renderFinished(output.requestId, output);
        return;
    }
    if (!wasDraft && deliverable && !output.error)
        m_lastFull = output.params;
    const auto requestedAt = m_requestedAt.take(output.requestId);
    output.latencyMs = static_cast<double>(m_clock.nsecsElapsed() - requestedAt) / 1e6;
    if (m_pending) {
        const Pending next = *m_pending;
        m_pending.reset();
        start(next);   // first, so the worker is busy again while the interim result is shown
        // An interim picture of a method the user has just switched away from would flash the
        // wrong result; only same-method ones show progress.
        if (deliverable && output.params.method == next.params.method)
            emit renderFinished(output.requestId, output);
        return;
    }
    m_progressTimer.stop();
    emit busyChanged(false);
    if (deliverable && output.requestId == m_nextId)
        emit renderFinished(output.requestId, output);
}

}  // namespace nocturne::ui
