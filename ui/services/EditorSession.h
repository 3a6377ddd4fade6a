#pragma once

#include <memory>

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include "core/enhance/EnhancerRegistry.h"
#include "ui/services/PreviewRenderer.h"
#include "ui/services/PreviewSource.h"
#include "ui/services/EditorParams.h"

namespace nocturne::ui {

class RenderScheduler;

// What the editor is working on, without its widgets: the open files and which one is shown,
// loading (a screen-size proxy first, the full resolution on demand), the current parameters,
// the method each kind of photo opens with, and the preview and full-resolution renders.
// MainWindow shows it and turns the user's gestures into calls.
// Thread: GUI thread; decoding runs on a one-thread pool, renders on the schedulers.
class EditorSession : public QObject {
    Q_OBJECT
public:
    explicit EditorSession(std::shared_ptr<const core::EnhancerRegistry> registry, QObject* parent = nullptr);
    ~EditorSession() override;

    const core::EnhancerRegistry& registry() const { return *m_registry; }
    std::shared_ptr<const core::EnhancerRegistry> registryPtr() const { return m_registry; }

    // Files (already expanded from folders): appended unless open already; returns the index
    // of the first of `paths`, or -1 for none.
    int addFiles(const QStringList& paths);
    // Starts loading file `index`; sourceLoaded or loadFailed follows (unless another select
    // comes first).
    void select(int index);
    const QStringList& files() const { return m_files; }
    int currentIndex() const { return m_current; }
    bool isLoading() const { return m_loading; }
    const PreviewSource& source() const { return m_source; }
    // "raw" or "raster": the kind of the shown photo.
    const QString& sourceKind() const { return m_sourceKind; }

    const EditorParams& params() const { return m_params; }
    // Replaces the parameters and renders them (undo/redo and edits come through here).
    void setParams(const EditorParams& params);
    // The method last chosen for each kind of photo ("raw"/"raster" -> id).
    const QHash<QString, QString>& methodByKind() const { return m_methodByKind; }
    void rememberMethod(const QString& kind, const QString& id) { m_methodByKind[kind] = id; }
    // Whether `id` can run on the shown photo (a RAW network cannot on a JPEG), and why not.
    bool supportsMethod(const QString& id, QString* reason = nullptr) const;

    // The preview proxy for the current parameters (cancels a full-resolution render).
    void requestRender();
    // A full-resolution render for a view zoomed in past the proxy: loads the full image once
    // per file, and renders when the preview is idle.
    void requestDetail();
    bool isDetailShown() const { return m_detailShown; }
    const RenderOutput& lastOutput() const { return m_lastOutput; }

    RenderScheduler* previewScheduler() const { return m_scheduler; }

signals:
    void loadStarted(const QString& path);
    // A RAW's embedded camera preview, brightened, while its proxy still decodes (only when
    // the file has one and arrives before the proxy); sourceLoaded follows.
    void glimpseReady(const QString& path, const QImage& image);
    // `fellBackFrom`: the method the photo would have opened with but cannot run on it (empty
    // when none): the session shows params().method instead.
    void sourceLoaded(const QString& path, const QString& fellBackFrom, const QString& reason);
    void loadFailed(const QString& path, const QString& error);
    void previewReady(quint64 requestId, const nocturne::ui::RenderOutput& output);
    void previewFailed(const QString& message);
    void detailStarted();
    void detailReady(const nocturne::ui::RenderOutput& output);
    void detailUnavailable(const QString& error);
    void renderProgressed(double fraction);
    // Neither render runs (emitted before the last result arrives: not a cue to render again).
    void rendersIdle();

private:
    void onSourceLoaded(quint64 sequence, const PreviewSource& source, const QString& error, const QString& path);
    void onPreviewFinished(quint64 requestId, const RenderOutput& output);
    void onDetailFinished(const RenderOutput& output);

    std::shared_ptr<const core::EnhancerRegistry> m_registry;
    RenderScheduler* m_scheduler = nullptr;
    RenderScheduler* m_detailScheduler = nullptr;
    QThreadPool m_loadPool;
    QStringList m_files;
    int m_current = -1;
    quint64 m_loadSequence = 0;
    bool m_loading = false;
    PreviewSource m_source;
    PreviewSource m_detailSource;   // the current file at full resolution, once loaded
    bool m_detailLoading = false;
    bool m_detailShown = false;     // the last result delivered is m_params at full resolution
    RenderOutput m_lastOutput;
    EditorParams m_params;
    QHash<QString, QString> m_methodByKind;
    QString m_sourceKind = QStringLiteral("raster");
};

}  // namespace nocturne::ui
