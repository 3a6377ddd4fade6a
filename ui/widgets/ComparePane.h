#pragma once

#include <memory>

#include <QFrame>

#include "core/enhance/EnhancerRegistry.h"
#include "ui/services/PreviewRenderer.h"
#include "ui/services/PreviewSource.h"

class QComboBox;
class QLabel;
class QProgressBar;

namespace nocturne::ui {

class ImageView;
class RenderScheduler;

// One pane of the compare view: a method picker, the result, its own progress bar and a label
// with the method's name and, when a reference is loaded, PSNR / SSIM against it. Renders in the
// background through its own RenderScheduler (latest request wins; networks on the process's
// one inference thread); metrics are computed off the GUI thread too. A pane that is not
// visible (beyond the chosen pane count, or the compare window closed) renders nothing and
// catches up when shown.
// Thread: GUI thread.
class ComparePane : public QFrame {
    Q_OBJECT
public:
    // Pseudo-method: the unprocessed source at the same gamma.
    static inline const QString kOriginal = QStringLiteral("original");

    explicit ComparePane(std::shared_ptr<const core::EnhancerRegistry> registry, QWidget* parent = nullptr);

    void setMethod(const QString& id);
    QString method() const;
    void setSource(const PreviewSource& source);
    void setParams(const core::ProcessParams& params);
    void setReference(const core::ImageBuffer& referenceDisplay);

    ImageView* view() const { return m_view; }
    QString labelText() const;
    bool isIdle() const;
    const RenderOutput& output() const { return m_output; }
    int rendersStarted() const;

signals:
    void finished();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void render();
    void onRendered(const RenderOutput& output);
    void updateMetrics();
    QString methodName() const;

    std::shared_ptr<const core::EnhancerRegistry> m_registry;
    RenderScheduler* m_scheduler = nullptr;
    QComboBox* m_method = nullptr;
    QLabel* m_label = nullptr;
    QProgressBar* m_progress = nullptr;
    ImageView* m_view = nullptr;
    core::ProcessParams m_params;
    RenderOutput m_output;
    core::ImageBuffer m_reference;
    QString m_metrics;
    quint64 m_metricsSequence = 0;
    bool m_metricsRunning = false;
    bool m_stale = false;   // a render was wanted while hidden
};

}  // namespace nocturne::ui
