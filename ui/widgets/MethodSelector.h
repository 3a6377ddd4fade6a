#pragma once

#include <memory>

#include <QComboBox>

#include "core/enhance/EnhancerRegistry.h"

namespace nocturne::ui {

// Lists every enhancer of the registry (name and input kind in the item, description and
// reference in the tooltip). Methods that cannot process the open image are disabled, with the
// reason (Enhancer::supports) as their tooltip.
// Thread: GUI thread.
class MethodSelector : public QComboBox {
    Q_OBJECT
public:
    explicit MethodSelector(QWidget* parent = nullptr);

    void setRegistry(std::shared_ptr<const core::EnhancerRegistry> registry);
    // Re-checks which methods apply to `image`.
    void updateSupport(const core::DecodedImage& image);

    QString currentMethodId() const;
    // Returns false (and changes nothing) for an unknown id.
    bool setCurrentMethodId(const QString& id);
    int indexOfMethod(const QString& id) const;
    bool isMethodEnabled(const QString& id) const;
    QString methodToolTip(const QString& id) const;
    // The first enabled method, preferring `preferred`.
    QString firstEnabledMethod(const QString& preferred) const;

signals:
    // The user picked a method (not emitted by setCurrentMethodId).
    void methodChosen(const QString& id);

private:
    static QString baseToolTip(const core::EnhancerInfo& info);

    std::shared_ptr<const core::EnhancerRegistry> m_registry;
};

}  // namespace nocturne::ui
