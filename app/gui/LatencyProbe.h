#pragma once

#include <memory>

#include "core/enhance/EnhancerRegistry.h"

namespace nocturne::app {

// Developer option --measure-latency: times a slider change to the updated preview for every
// method of the registry on a synthetic photo (default 12 MP), through the real RenderScheduler,
// and prints a table. Runs a local event loop; returns the process exit code.
// Thread: GUI thread (needs a QApplication or QCoreApplication).
int measureLatency(std::shared_ptr<const core::EnhancerRegistry> registry, int width, int height);

}  // namespace nocturne::app
