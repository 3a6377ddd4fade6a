#include "app/gui/ScreenshotDriver.h"

#include <cstdio>

#include <QApplication>
#include <QBuffer>
#include <QDir>
#include <QFile>

#include "ui/services/RenderScheduler.h"
#include "ui/widgets/BatchExportDialog.h"
#include "ui/widgets/CompareView.h"
#include "ui/widgets/ImageView.h"
#include "ui/widgets/MainWindow.h"

namespace nocturne::app {

namespace {

// Full colour: a palette posterised the photos, which misrepresents what the editor shows.
constexpr qint64 kMaxBytes = 700 * 1024;
constexpr qint64 kTimeoutMs = 180000;

}  // namespace

ScreenshotDriver::ScreenshotDriver(ui::MainWindow* window, QString outputDir, QObject* parent)
    : QObject(parent), m_window(window), m_dir(std::move(outputDir))
{
    m_poll.setInterval(250);
    connect(&m_poll, &QTimer::timeout, this, &ScreenshotDriver::step);
}

void ScreenshotDriver::start()
{
    QDir().mkpath(m_dir);
    m_clock.start();
    m_poll.start();
}

bool ScreenshotDriver::save(QWidget* widget, const QString& name)
{
    QImage image = widget->grab().toImage();
    const QString path = QDir(m_dir).filePath(name);
    // Shrink until the PNG fits the documentation budget.
    for (int attempt = 0; attempt < 8; ++attempt) {
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG", 9);
        if (bytes.size() <= kMaxBytes || attempt == 7) {
            QFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
                std::fprintf(stderr, "nocturne: could not write %s\n", qPrintable(path));
                return false;
            }
            std::printf("wrote %s (%dx%d, %lld bytes)\n", qPrintable(path), image.width(), image.height(),
                        static_cast<long long>(bytes.size()));
            return true;
        }
        image = image.scaledToWidth(image.width() * 85 / 100, Qt::SmoothTransformation);
    }
    return false;
}

void ScreenshotDriver::step()
{
    if (m_clock.elapsed() > kTimeoutMs) {
        std::fprintf(stderr, "nocturne: screenshots timed out at stage %d (no photo open, or it failed)\n", m_stage);
        m_poll.stop();
        QApplication::exit(1);
        return;
    }
    switch (m_stage) {
    case 0:   // main window with a rendered preview
        if (!m_window->hasPreview() || m_window->scheduler()->isBusy() || m_window->isLoading())
            return;
        // Show off the before/after divider in the documentation.
        m_window->imageView()->setSplitPosition(0.35);
        m_window->imageView()->setSplitEnabled(true);
        m_failed |= !save(m_window, QStringLiteral("main-window.png"));
        m_window->showCompareView()->setPaneCount(4);
        m_stageStart = m_clock.elapsed();
        m_stage = 1;
        return;
    case 1: {
        // Not showCompareView() again: it would restart the panes' renders.
        ui::CompareView* compare = m_window->compareView();
        if (!compare->isIdle() || m_clock.elapsed() < m_stageStart + 1000)
            return;
        m_failed |= !save(compare, QStringLiteral("compare-view.png"));
        compare->close();
        m_window->showBatchDialog();
        m_stage = 2;
        return;
    }
    case 2:
        m_failed |= !save(m_window->showBatchDialog(), QStringLiteral("batch-export.png"));
        m_poll.stop();
        QApplication::exit(m_failed ? 1 : 0);
        return;
    default:
        return;
    }
}

}  // namespace nocturne::app
