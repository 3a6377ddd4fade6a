#include "ui/widgets/CompareView.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "ui/widgets/ComparePane.h"
#include "ui/widgets/ImageView.h"

namespace nocturne::ui {

CompareView::CompareView(std::shared_ptr<const core::EnhancerRegistry> registry, QWidget* parent)
    : QWidget(parent), m_registry(std::move(registry))
{
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    m_countBox = new QComboBox(this);
    for (int n : {2, 3, 4, 6})
        m_countBox->addItem(tr("%1 panes").arg(n), n);
    m_referenceLabel = new QLabel(tr("No reference (File > Load Reference) — PSNR / SSIM appear with one"), this);
    bar->addWidget(m_countBox);
    bar->addWidget(m_referenceLabel, 1);
    layout->addLayout(bar);
    m_grid = new QGridLayout;
    layout->addLayout(m_grid, 1);

    // Sensible defaults: the original, the default rendering (amplify + noise reduction), the
    // classical baselines, then whatever networks exist.
    QStringList methods{ComparePane::kOriginal, QStringLiteral("none"), QStringLiteral("he"), QStringLiteral("dhe"),
                        QStringLiteral("retinex")};
    for (const auto& e : m_registry->all()) {
        const QString id = QString::fromStdString(e->info().id);
        if (!methods.contains(id))
            methods << id;
    }
    for (int i = 0; i < kMaxPanes; ++i) {
        auto* pane = new ComparePane(m_registry, this);
        pane->setMethod(methods.value(i, QStringLiteral("none")));
        m_panes << pane;
        connect(pane, &ComparePane::finished, this, [this] {
            if (isIdle())
                emit allPanesFinished();
        });
        connect(pane->view(), &ImageView::viewChanged, this, [this, pane](double zoom, QPointF center, bool fit) {
            if (m_syncing)
                return;
            m_syncing = true;
            for (ComparePane* other : m_panes)
                if (other != pane)
                    other->view()->setViewState(zoom, center, fit);
            m_syncing = false;
        });
    }
    connect(m_countBox, &QComboBox::activated, this, [this] { setPaneCount(m_countBox->currentData().toInt()); });
    setPaneCount(4);
}

void CompareView::setSource(const PreviewSource& source)
{
    if (source.isNull())
        return;
    PreviewSource small = PreviewSource::fromDecoded(*source.image, source.key + "|compare", kPanePixels);
    small.path = source.path;
    small.fullSize = source.fullSize;
    for (ComparePane* pane : m_panes)
        pane->setSource(small);
}

void CompareView::setParams(const core::ProcessParams& params)
{
    for (ComparePane* pane : m_panes)
        pane->setParams(params);
}

void CompareView::setReference(const core::ImageBuffer& referenceDisplay, const QString& name)
{
    m_referenceLabel->setText(tr("Reference: %1").arg(name));
    for (ComparePane* pane : m_panes)
        pane->setReference(referenceDisplay);
}

void CompareView::setPaneCount(int count)
{
    m_count = std::clamp(count, 2, static_cast<int>(kMaxPanes));
    m_countBox->setCurrentIndex(m_countBox->findData(m_count));
    relayout();
}

ComparePane* CompareView::pane(int index) const
{
    return m_panes.value(index, nullptr);
}

bool CompareView::isIdle() const
{
    for (int i = 0; i < m_count; ++i)
        if (!m_panes[i]->isIdle())
            return false;
    return true;
}

void CompareView::relayout()
{
    for (ComparePane* pane : m_panes)
        m_grid->removeWidget(pane);
    const int columns = m_count <= 3 ? m_count : (m_count == 4 ? 2 : 3);
    for (int i = 0; i < m_panes.size(); ++i) {
        if (i < m_count) {
            m_grid->addWidget(m_panes[i], i / columns, i % columns);
            m_panes[i]->show();
        } else {
            m_panes[i]->hide();
        }
    }
}

}  // namespace nocturne::ui
