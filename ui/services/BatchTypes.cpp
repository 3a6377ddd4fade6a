#include "ui/services/BatchTypes.h"

#include <string>
#include <vector>

namespace nocturne::ui {

QStringList expandBatchInputs(const QStringList& filesOrFolders, bool recursive)
{
    std::vector<std::string> inputs;
    inputs.reserve(static_cast<size_t>(filesOrFolders.size()));
    for (const QString& path : filesOrFolders)
        inputs.push_back(path.toStdString());
    QStringList out;
    for (const std::string& file : core::BatchPlan::expandInputs(inputs, recursive))
        out << QString::fromStdString(file);
    return out;
}

}  // namespace nocturne::ui
