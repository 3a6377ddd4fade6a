#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/enhance/EnhancerRegistry.h"
#include "core/inference/EngineOptions.h"
#include "core/inference/ModelRegistry.h"

namespace nocturne::core {

// The methods a front end offers: the classical ones, then every network ModelRegistry::scan
// found and accepted, bound to one engine configuration. The one place this list is built, for
// the editor, nocturne-cli and the evaluators. A development build also searches its source
// tree's models/ last (compiled in as NOCTURNE_SOURCE_MODEL_DIR; absent folders are skipped).
// Thread: build() from any thread; the catalog is then read-only and safe to share.
struct MethodCatalog {
    std::shared_ptr<EnhancerRegistry> registry;
    ModelRegistry models;   // the folders searched, and the packages accepted and refused

    static MethodCatalog build(ScanOptions scan, const EngineOptions& engine);

    // The accepted networks' ids, in registry order.
    std::vector<std::string> networkIds() const;
    // Where the networks run ("CUDA (NVIDIA H200)", "CPU (2 threads)"), or `fallback` when
    // there is no network.
    std::string deviceDescription(const std::string& fallback) const;
};

}  // namespace nocturne::core
