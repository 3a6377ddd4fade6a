#include "ui/widgets/MessageBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace nocturne::ui {

MessageBanner::MessageBanner(QWidget* parent) : QFrame(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    layout->addWidget(m_label, 1);
    layout->addWidget(close);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MessageBanner::showError(const QString& text)
{
    showText(text, true);
}

void MessageBanner::showInfo(const QString& text)
{
    showText(text, false);
}

QString MessageBanner::text() const
{
    return isVisibleTo(parentWidget()) ? m_label->text() : QString();
}

void MessageBanner::showText(const QString& text, bool error)
{
    m_error = error;
    m_label->setText(text);
    setStyleSheet(error ? QStringLiteral("QFrame { background: #5a1d1d; color: #ffe5e5; border-radius: 4px; }")
                        : QStringLiteral("QFrame { background: #1d3a5a; color: #e5f0ff; border-radius: 4px; }"));
    show();
}

}  // namespace nocturne::ui
