#include "ui/widgets/ComparePane.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include <QComboBox>
#include <QFutureWatcher>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "core/metrics/ReferenceMetrics.h"
#include "ui/convert/ImageConversion.h"
#include "ui/services/RenderScheduler.h"
#include "ui/widgets/ImageView.h"

namespace nocturne::ui {

ComparePane::ComparePane(std::shared_ptr<const core::EnhancerRegistry> registry, QWidget* parent)
    : QFrame(parent), m_registry(std::move(registry))
{
    setFrameShape(QFrame::StyledPanel);
    m_scheduler = new RenderScheduler(m_registry, this);
    // A pane measures what it shows against the reference: a draft would be measured too.
    m_scheduler->setDraftsEnabled(false);
    m_method = new QComboBox(this);
    m_method->addItem(tr("Original"), kOriginal);
    for (const auto& enhancer : m_registry->all())
        m_method->addItem(QString::fromStdString(enhancer->info().displayName), QString::fromStdString(enhancer->info().id));
    m_label = new QLabel(this);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setMaximumHeight(6);
    m_progress->setTextVisible(false);
    m_view = new ImageView(this);
    m_view->setMinimumSize(120, 90);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    auto* header = new QHBoxLayout;
    header->addWidget(m_method);
    header->addWidget(m_label, 1);
    layout->addLayout(header);
    layout->addWidget(m_progress);
    layout->addWidget(m_view, 1);

    connect(m_method, &QComboBox::activated, this, [this] { render(); });
    connect(m_scheduler, &RenderScheduler::renderFinished, this,
            [this](quint64, const RenderOutput& output) { onRendered(output); });
    connect(m_scheduler, &RenderScheduler::renderProgressed, this,
            [this](quint64, double f) { m_progress->setValue(static_cast<int>(f * 100)); });
}

void ComparePane::setMethod(const QString& id)
{
    const int index = m_method->findData(id);
    if (index >= 0 && index != m_method->currentIndex()) {
        m_method->setCurrentIndex(index);
        render();
    }
}

QString ComparePane::method() const
{
    return m_method->currentData().toString();
}

QString ComparePane::methodName() const
{
    return m_method->currentText();
}

void ComparePane::setSource(const PreviewSource& source)
{
    m_scheduler->setSource(source);
    m_output = RenderOutput();
    render();
}

void ComparePane::setParams(const core::ProcessParams& params)
{
    m_params = params;
    render();
}

void ComparePane::setReference(const core::ImageBuffer& referenceDisplay)
{
    m_reference = referenceDisplay;
    updateMetrics();
}

QString ComparePane::labelText() const
{
    return m_label->text();
}

bool ComparePane::isIdle() const
{
    return !m_scheduler->isBusy() && !m_metricsRunning;
}

int ComparePane::rendersStarted() const
{
    return m_scheduler->startedJobCount();
}

void ComparePane::showEvent(QShowEvent* event)
{
    QFrame::showEvent(event);
    if (m_stale)
        render();
}

void ComparePane::render()
{
    if (!isVisible()) {
        m_stale = true;
        m_scheduler->cancelAll();
        return;
    }
    m_stale = false;
    core::ProcessParams params = m_params;
    params.method = method() == kOriginal ? std::string("none") : method().toStdString();
    m_label->setText(tr("%1 — rendering...").arg(methodName()));
    m_progress->setValue(0);
    m_progress->setVisible(true);
    if (m_scheduler->requestRender(params) == 0)
        m_label->setText(methodName());
}

void ComparePane::onRendered(const RenderOutput& output)
{
    m_progress->setVisible(false);
    if (output.error) {
        m_output = RenderOutput();
        m_view->clear();
        m_label->setText(tr("%1 — failed").arg(methodName()));
        m_label->setToolTip(QString::fromStdString(output.error->describe()));
        emit finished();
        return;
    }
    m_output = output;
    m_label->setToolTip({});
    const bool original = method() == kOriginal;
    m_view->setImages(original ? output.before : output.display, {}, m_scheduler->source().fullSize);
    updateMetrics();
}

void ComparePane::updateMetrics()
{
    const QImage shown = m_view->afterImage();
    if (m_reference.empty() || shown.isNull()) {
        m_label->setText(methodName());
        if (!shown.isNull())
            emit finished();
        return;
    }
    m_label->setText(tr("%1 — measuring...").arg(methodName()));
    const quint64 sequence = ++m_metricsSequence;
    m_metricsRunning = true;
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, sequence] {
        watcher->deleteLater();
        if (sequence != m_metricsSequence)
            return;
        m_metricsRunning = false;
        m_label->setText(QStringLiteral("%1 — %2").arg(methodName(), watcher->result()));
        emit finished();
    });
    watcher->setFuture(QtConcurrent::run([shown, reference = m_reference] {
        const core::ImageBuffer image = fromQImage(shown);
        // The pane shows a preview proxy; compare it with the reference at the same size.
        cv::Mat ref = reference.mat();
        if (ref.size() != image.mat().size())
            cv::resize(reference.mat(), ref, image.mat().size(), 0, 0, cv::INTER_AREA);
        const auto psnr = core::ReferenceMetrics::psnr(image.mat(), ref);
        const auto ssim = core::ReferenceMetrics::ssim(image.mat(), ref, core::SsimChannels::Luminance);
        if (!psnr || !ssim)
            return QObject::tr("metrics unavailable");
        const QString psnrText = std::isinf(*psnr) ? QStringLiteral("∞") : QString::number(*psnr, 'f', 2);
        return QObject::tr("PSNR %1 dB · SSIM %2").arg(psnrText, QString::number(*ssim, 'f', 3));
    }));
}

}  // namespace nocturne::ui
