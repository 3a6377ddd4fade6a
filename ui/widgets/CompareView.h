#pragma once

#include <memory>

#include <QVector>
#include <QWidget>

#include "core/enhance/EnhancerRegistry.h"
#include "core/pipeline/Pipeline.h"
#include "ui/services/PreviewSource.h"

class QComboBox;
class QGridLayout;
class QLabel;

namespace nocturne::ui {

class ComparePane;

// Two to six panes side by side (Original, HE, DHE, Retinex, networks...), each rendered in the
// background with its own progress, with synchronised zoom and pan. With a reference photo
// loaded, each pane's label shows PSNR / SSIM against it. Panes work on a ~1 MP proxy.
// Thread: GUI thread.
class CompareView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxPanes = 6;
    static constexpr long long kPanePixels = 1'000'000;

    explicit CompareView(std::shared_ptr<const core::EnhancerRegistry> registry, QWidget* parent = nullptr);

    void setSource(const PreviewSource& source);
    void setParams(const core::ProcessParams& params);
    void setReference(const core::ImageBuffer& referenceDisplay, const QString& name);

    void setPaneCount(int count);
    int paneCount() const { return m_count; }
    ComparePane* pane(int index) const;
    bool isIdle() const;

signals:
    // Every visible pane has its result (and metrics, with a reference).
    void allPanesFinished();

private:
    void relayout();

    std::shared_ptr<const core::EnhancerRegistry> m_registry;
    QVector<ComparePane*> m_panes;
    QComboBox* m_countBox = nullptr;
    QLabel* m_referenceLabel = nullptr;
    QGridLayout* m_grid = nullptr;
    int m_count = 4;
    bool m_syncing = false;
};

}  // namespace nocturne::ui
