#pragma once

#include <memory>

#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include "core/enhance/EnhancerRegistry.h"
#include "ui/services/PreviewRenderer.h"
#include "ui/services/PreviewSource.h"
#include "ui/widgets/ParamCommand.h"

class QDockWidget;
class QLabel;
class QListWidget;
class QMenu;
class QProgressBar;
class QUndoStack;
class QAction;

namespace nocturne::ui {

class BatchExportDialog;
class CompareView;
class HistogramWidget;
class ImageView;
class MessageBanner;
class MethodSelector;
class OverlayControl;
class EditorSession;
class RenderScheduler;
class SliderPanel;
class ThumbnailCache;

// What the composition root hands the editor.
struct MainWindowOptions {
    std::shared_ptr<const core::EnhancerRegistry> registry;
    QString deviceDescription = QStringLiteral("CPU");   // shown in the status bar
    QString samplePath;                                  // the bundled sample; empty if none
    bool openSampleOnFirstStart = true;
    QString thumbnailFolder;   // the film strip's disk cache (ThumbnailCache::defaultFolder()); empty: memory only
};

// The editor: open photos (drag and drop, File > Open, recent files, the sample), pick a
// method, adjust m / exposure ratio / gamma with a live preview, see before/after, overlay and
// histogram, compare methods, export and batch-export. Parameters, recent files and window
// state persist in QSettings("Nocturne", "Nocturne").
// Thread: GUI thread.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(MainWindowOptions options, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Files and folders (their supported photos); the first new file is shown.
    void openPaths(const QStringList& paths);
    void selectFile(int index);
    QStringList openFiles() const;
    int currentIndex() const;
    bool isLoading() const;
    bool hasPreview() const;
    const PreviewSource& source() const;

    const EditorParams& params() const;
    const RenderOutput& lastOutput() const;
    EditorSession* session() const { return m_session; }

    ImageView* imageView() const { return m_view; }
    SliderPanel* sliderPanel() const { return m_sliders; }
    MethodSelector* methodSelector() const { return m_methods; }
    OverlayControl* overlayControl() const { return m_overlay; }
    HistogramWidget* histogramWidget() const { return m_histogram; }
    MessageBanner* banner() const { return m_banner; }
    RenderScheduler* scheduler() const;   // the preview's
    QUndoStack* undoStack() const { return m_undo; }
    QStringList recentFiles() const { return m_recent; }
    QString statusText() const;

    CompareView* showCompareView();
    CompareView* compareView() const;   // null until first shown
    BatchExportDialog* showBatchDialog();
    // Loads a reference photo for the compare view's PSNR / SSIM (synchronously; small files).
    bool loadReference(const QString& path);
    // File > Save Settings / Load Settings without their dialogs (core::ProcessParamsFile). A
    // load is one undoable step; a method the editor cannot run here falls back as on opening.
    // Errors go to the banner, naming the file; false then, and nothing changes.
    bool saveSettingsFile(const QString& path);
    bool loadSettingsFile(const QString& path);

signals:
    void sourceLoaded(const QString& path);
    void loadFailed(const QString& path, const QString& message);
    void previewUpdated(quint64 requestId);
    // The view now shows the current parameters at full resolution (zoomed in past the proxy).
    void detailUpdated();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    // MainWindow.cpp
    void buildUi();
    void onSourceLoaded(const QString& path, const QString& fellBackFrom, const QString& reason);
    void onRenderFinished(quint64 requestId, const RenderOutput& output);
    void onSlidersEdited(ParamCommand::Field field);
    void onMethodChosen(const QString& id);
    void pushParams(ParamCommand::Field field, const EditorParams& next);
    void applyParams(const EditorParams& params);
    void requestRender();
    // Full-resolution detail: when the view is zoomed in past what the preview proxy can show and
    // the preview is idle, the current parameters are rendered on the full image and replace it.
    bool needsDetail() const;
    void requestDetailIfZoomed();
    void onDetailFinished(const RenderOutput& output);
    void refreshFilmStrip();
    void addRecent(const QStringList& paths);
    // MainWindowMenus.cpp
    void buildMenus();
    void rebuildRecentMenu();
    void openWithDialog();
    void openFolderWithDialog();
    void openReferenceWithDialog();
    void exportCurrent();
    void openSample();
    QStringList sampleFiles() const;
    void showAbout();
    void loadSettings();
    void saveSettings() const;
    // MainWindowSettingsFiles.cpp
    void saveSettingsWithDialog();
    void loadSettingsWithDialog();
    QString settingsFileSuggestion() const;

    MainWindowOptions m_options;
    EditorSession* m_session = nullptr;
    ImageView* m_view = nullptr;
    MessageBanner* m_banner = nullptr;
    HistogramWidget* m_histogram = nullptr;
    MethodSelector* m_methods = nullptr;
    SliderPanel* m_sliders = nullptr;
    OverlayControl* m_overlay = nullptr;
    QListWidget* m_filmStrip = nullptr;
    ThumbnailCache* m_thumbnails = nullptr;
    QDockWidget* m_filmDock = nullptr;
    QLabel* m_deviceLabel = nullptr;
    QLabel* m_timeLabel = nullptr;
    QLabel* m_gainLabel = nullptr;
    QLabel* m_pixelLabel = nullptr;
    QProgressBar* m_renderProgress = nullptr;
    QUndoStack* m_undo = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_splitAction = nullptr;
    QPointer<CompareView> m_compare;
    QPointer<BatchExportDialog> m_batch;

    int m_gesture = 0;
    QStringList m_recent;
    core::ImageBuffer m_reference;
    QString m_referenceName;
};

}  // namespace nocturne::ui
