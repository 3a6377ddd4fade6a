#pragma once

#include <memory>

#include <QString>
#include <QStringList>

#include "core/enhance/EnhancerRegistry.h"

namespace nocturne::app {

// Developer option --measure-latency: times a slider change to the updated preview for every
// method of the registry, through the real RenderScheduler, and prints a table. The photo is
// `photoPath` when given (e.g. a 12 MP RAW made by nocturne-make-sample), else a synthetic
// linear RGB image of width x height. `methods` (ids) limits the table to those methods; empty:
// all. Runs a local event loop; returns the process exit code.
// Thread: GUI thread (needs a QApplication or QCoreApplication).
int measureLatency(std::shared_ptr<const core::EnhancerRegistry> registry, const QString& photoPath,
                   int width, int height, const QStringList& methods = {});

}  // namespace nocturne::app
