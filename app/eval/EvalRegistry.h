#pragma once

#include <string>
#include <vector>

#include "core/enhance/EnhancerRegistry.h"

namespace nocturne::eval {

// The evaluators' method registry: the classical methods plus every trained network found in
// `modelDirs` and the source tree's models/ (experimental ones too: they are measured to decide
// whether they ship), on the CPU in fp32 with `threads` threads (0 = all), so scores do not
// depend on whether a GPU or a bf16-capable CPU happens to be present. `networkIds` receives the
// networks' ids in registry order.
core::EnhancerRegistry makeEvalRegistry(const std::vector<std::string>& modelDirs, int threads,
                                        std::vector<std::string>& networkIds);

}  // namespace nocturne::eval
