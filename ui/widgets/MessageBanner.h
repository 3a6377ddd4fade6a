#pragma once

#include <QFrame>

class QLabel;

namespace nocturne::ui {

// An inline, non-modal message above the image: errors (red) and notes (blue), dismissable.
// Used instead of modal boxes for anything that happens while the user works (a file that does
// not open, a method that fails), so nothing blocks and nothing is lost.
// Thread: GUI thread.
class MessageBanner : public QFrame {
    Q_OBJECT
public:
    explicit MessageBanner(QWidget* parent = nullptr);

    void showError(const QString& text);
    void showInfo(const QString& text);
    QString text() const;
    bool isError() const { return m_error; }

private:
    void showText(const QString& text, bool error);

    QLabel* m_label = nullptr;
    bool m_error = false;
};

}  // namespace nocturne::ui
