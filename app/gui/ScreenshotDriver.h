#pragma once

#include <functional>

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

namespace nocturne::ui {
class MainWindow;
}

namespace nocturne::app {

// Developer option --screenshot <dir>: once the open photo's preview is shown, grabs the main
// window, then the compare view and the batch dialog (QWidget::grab), writes small PNGs
// (< 200 KB each) and quits the application.
// Thread: GUI thread.
class ScreenshotDriver : public QObject {
    Q_OBJECT
public:
    ScreenshotDriver(ui::MainWindow* window, QString outputDir, QObject* parent = nullptr);
    void start();

private:
    void step();
    bool save(QWidget* widget, const QString& name);

    ui::MainWindow* m_window;
    QString m_dir;
    QTimer m_poll;
    QElapsedTimer m_clock;
    int m_stage = 0;
    qint64 m_stageStart = 0;
    bool m_failed = false;
};

}  // namespace nocturne::app
