#include "ui/services/EditorSession.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include "core/pipeline/MethodDefaults.h"
#include "ui/services/Glimpse.h"
#include "ui/services/RenderScheduler.h"

namespace nocturne::ui {

namespace {

// The outcome of decoding one file (a value; crosses from the load pool).
struct LoadOutcome {
    PreviewSource source;
    QString error;
};

template <typename Load>
LoadOutcome loadWith(Load load, const QString& path)
{
    LoadOutcome outcome;
    auto loaded = load(path);
    if (loaded)
        outcome.source = std::move(loaded).value();
    else
        outcome.error = QString::fromStdString(loaded.error().describe());
    return outcome;
}

}  // namespace

EditorSession::EditorSession(std::shared_ptr<const core::EnhancerRegistry> registry, QObject* parent)
    : QObject(parent), m_registry(std::move(registry))
{
    m_loadPool.setMaxThreadCount(1);
    m_scheduler = new RenderScheduler(m_registry, this);
    m_detailScheduler = new RenderScheduler(m_registry, this);
    // The proxy preview is already on screen when a full-resolution render starts.
    m_detailScheduler->setDraftsEnabled(false);
    connect(m_scheduler, &RenderScheduler::renderFinished, this, &EditorSession::onPreviewFinished);
    connect(m_detailScheduler, &RenderScheduler::renderFinished, this,
            [this](quint64, const RenderOutput& output) { onDetailFinished(output); });
    for (RenderScheduler* s : {m_scheduler, m_detailScheduler}) {
        connect(s, &RenderScheduler::renderProgressed, this, [this](quint64, double f) { emit renderProgressed(f); });
        connect(s, &RenderScheduler::busyChanged, this, [this](bool) {
            if (!m_scheduler->isBusy() && !m_detailScheduler->isBusy())
                emit rendersIdle();
        });
    }
}

EditorSession::~EditorSession()
{
    ++m_loadSequence;   // a load still running finds its result unwanted
    m_loadPool.waitForDone();
}

int EditorSession::addFiles(const QStringList& paths)
{
    int first = -1;
    for (const QString& path : paths) {
        int index = static_cast<int>(m_files.indexOf(path));
        if (index < 0) {
            m_files << path;
            index = static_cast<int>(m_files.size()) - 1;
        }
        if (first < 0)
            first = index;
    }
    return first;
}

void EditorSession::select(int index)
{
    if (index < 0 || index >= m_files.size())
        return;
    m_current = index;
    const QString path = m_files.at(index);
    const quint64 sequence = ++m_loadSequence;
    m_loading = true;
    emit loadStarted(path);
    // The camera's embedded JPEG first (milliseconds), on the same one-thread pool so it never
    // competes with the decode that follows it.
    auto* glimpse = new QFutureWatcher<QImage>(this);
    connect(glimpse, &QFutureWatcher<QImage>::finished, this, [this, glimpse, sequence, path] {
        glimpse->deleteLater();
        const QImage image = glimpse->result();
        if (sequence == m_loadSequence && m_loading && !image.isNull())
            emit glimpseReady(path, image);
    });
    glimpse->setFuture(QtConcurrent::run(&m_loadPool, [path] {
        auto image = loadGlimpse(path);
        return image ? std::move(image).value() : QImage();
    }));
    auto* watcher = new QFutureWatcher<LoadOutcome>(this);
    connect(watcher, &QFutureWatcher<LoadOutcome>::finished, this, [this, watcher, sequence, path] {
        watcher->deleteLater();
        const LoadOutcome outcome = watcher->result();
        onSourceLoaded(sequence, outcome.source, outcome.error, path);
    });
    watcher->setFuture(QtConcurrent::run(&m_loadPool, [path] {
        return loadWith([](const QString& p) { return PreviewSource::load(p); }, path);
    }));
}

bool EditorSession::supportsMethod(const QString& id, QString* reason) const
{
    const auto enhancer = m_registry->find(id.toStdString());
    if (!enhancer) {
        if (reason)
            *reason = tr("the method \"%1\" is not installed").arg(id);
        return false;
    }
    if (m_source.isNull())
        return true;
    const auto supported = enhancer->supports(*m_source.image);
    if (!supported && reason)
        *reason = QString::fromStdString(supported.error().message);
    return supported.ok();
}

void EditorSession::onSourceLoaded(quint64 sequence, const PreviewSource& source, const QString& error,
                                   const QString& path)
{
    if (sequence != m_loadSequence)
        return;   // the user has moved on to another file
    m_loading = false;
    if (!error.isEmpty()) {
        emit loadFailed(path, error);
        return;
    }
    m_source = source;
    m_scheduler->setSource(source);
    m_detailSource = PreviewSource();
    m_detailScheduler->setSource(m_detailSource);
    m_detailShown = false;
    // Each kind of photo opens with the user's last choice for that kind, else the best method
    // for it on real photos. Not an undoable edit: the user changed nothing.
    const core::SourceKind kind = core::sourceKindOf(source.image->meta);
    m_sourceKind = QString::fromStdString(core::toString(kind));
    QString wanted = m_methodByKind.value(m_sourceKind);
    if (wanted.isEmpty() || !supportsMethod(wanted))
        wanted = QString::fromStdString(core::defaultMethodFor(kind, *m_registry));
    if (supportsMethod(wanted))
        m_params.method = wanted;
    QString fellBackFrom;
    QString reason;
    if (!supportsMethod(m_params.method, &reason)) {
        fellBackFrom = m_params.method;
        m_params.method = QStringLiteral("none");
    }
    requestRender();
    emit sourceLoaded(path, fellBackFrom, reason);
}

void EditorSession::setParams(const EditorParams& params)
{
    m_params = params;
    requestRender();
}

void EditorSession::requestRender()
{
    if (m_source.isNull())
        return;
    // The preview comes first: a full-resolution render would only compete with it for the CPU.
    m_detailScheduler->cancelAll();
    m_scheduler->requestRender(m_params.toProcessParams());
}

void EditorSession::onPreviewFinished(quint64 requestId, const RenderOutput& output)
{
    if (output.error) {
        emit previewFailed(QString::fromStdString(output.error->message));
        return;
    }
    if (!output.draft)   // what the user exports and tests compare: the full proxy
        m_lastOutput = output;
    m_detailShown = false;
    emit previewReady(requestId, output);
}

void EditorSession::requestDetail()
{
    if (m_detailShown || m_scheduler->isBusy() || m_source.isNull() || m_source.path.isEmpty())
        return;
    if (m_detailSource.isNull()) {
        if (m_detailLoading)
            return;
        m_detailLoading = true;
        const quint64 sequence = m_loadSequence;
        const QString path = m_source.path;
        auto* watcher = new QFutureWatcher<LoadOutcome>(this);
        connect(watcher, &QFutureWatcher<LoadOutcome>::finished, this, [this, watcher, sequence] {
            watcher->deleteLater();
            m_detailLoading = false;
            const LoadOutcome outcome = watcher->result();
            if (sequence != m_loadSequence)
                return;   // another file is open now
            if (!outcome.error.isEmpty()) {
                emit detailUnavailable(outcome.error);
                return;
            }
            m_detailSource = outcome.source;
            m_detailScheduler->setSource(m_detailSource);
            requestDetail();
        });
        watcher->setFuture(QtConcurrent::run(&m_loadPool, [path] {
            return loadWith([](const QString& p) { return PreviewSource::loadFull(p); }, path);
        }));
        return;
    }
    if (!m_detailScheduler->isBusy()) {
        emit detailStarted();
        m_detailScheduler->requestRender(m_params.toProcessParams());
    }
}

void EditorSession::onDetailFinished(const RenderOutput& output)
{
    if (!output.ok() || output.params != m_params.toProcessParams() || m_scheduler->isBusy())
        return;   // stale, or a newer preview is on its way: the view asks again when idle
    m_detailShown = true;
    emit detailReady(output);
}

}  // namespace nocturne::ui
