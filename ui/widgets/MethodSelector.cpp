#include "ui/widgets/MethodSelector.h"

#include <QStandardItemModel>

namespace nocturne::ui {

MethodSelector::MethodSelector(QWidget* parent) : QComboBox(parent)
{
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(this, &QComboBox::activated, this, [this](int index) { emit methodChosen(itemData(index).toString()); });
}

QString MethodSelector::baseToolTip(const core::EnhancerInfo& info)
{
    QString tip = QString::fromStdString(info.description);
    if (!info.reference.empty())
        tip += QStringLiteral("\n") + tr("Reference: %1").arg(QString::fromStdString(info.reference));
    tip += QStringLiteral("\n") + tr("Input: %1").arg(QString::fromStdString(core::toString(info.inputKind)));
    return tip;
}

void MethodSelector::setRegistry(std::shared_ptr<const core::EnhancerRegistry> registry)
{
    m_registry = std::move(registry);
    const QString previous = currentMethodId();
    clear();
    if (!m_registry)
        return;
    for (const auto& enhancer : m_registry->all()) {
        const core::EnhancerInfo& info = enhancer->info();
        const QString id = QString::fromStdString(info.id);
        addItem(QStringLiteral("%1  [%2]").arg(QString::fromStdString(info.displayName),
                                              QString::fromStdString(core::toString(info.inputKind))),
                id);
        setItemData(count() - 1, baseToolTip(info), Qt::ToolTipRole);
    }
    setCurrentMethodId(previous);
}

void MethodSelector::updateSupport(const core::DecodedImage& image)
{
    auto* model = qobject_cast<QStandardItemModel*>(this->model());
    if (!model || !m_registry)
        return;
    for (int i = 0; i < count(); ++i) {
        const auto enhancer = m_registry->find(itemData(i).toString().toStdString());
        QStandardItem* item = model->item(i);
        if (!enhancer || !item)
            continue;
        const auto supported = enhancer->supports(image);
        item->setEnabled(supported.ok());
        item->setToolTip(supported.ok() ? baseToolTip(enhancer->info())
                                        : tr("Not available for this photo: %1")
                                              .arg(QString::fromStdString(supported.error().message)));
    }
}

QString MethodSelector::currentMethodId() const
{
    return currentData().toString();
}

bool MethodSelector::setCurrentMethodId(const QString& id)
{
    const int index = indexOfMethod(id);
    if (index < 0)
        return false;
    setCurrentIndex(index);
    return true;
}

int MethodSelector::indexOfMethod(const QString& id) const
{
    return findData(id);
}

bool MethodSelector::isMethodEnabled(const QString& id) const
{
    const auto* model = qobject_cast<const QStandardItemModel*>(this->model());
    const int index = indexOfMethod(id);
    return model && index >= 0 && model->item(index)->isEnabled();
}

QString MethodSelector::methodToolTip(const QString& id) const
{
    const int index = indexOfMethod(id);
    return index >= 0 ? itemData(index, Qt::ToolTipRole).toString() : QString();
}

QString MethodSelector::firstEnabledMethod(const QString& preferred) const
{
    if (isMethodEnabled(preferred))
        return preferred;
    for (int i = 0; i < count(); ++i)
        if (isMethodEnabled(itemData(i).toString()))
            return itemData(i).toString();
    return {};
}

}  // namespace nocturne::ui
