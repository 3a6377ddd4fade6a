#include "app/eval/EvalRegistry.h"

#include "core/inference/EngineOptions.h"
#include "core/inference/ModelRegistry.h"

namespace nocturne::eval {

core::EnhancerRegistry makeEvalRegistry(const std::vector<std::string>& modelDirs, int threads,
                                        std::vector<std::string>& networkIds)
{
    core::ScanOptions scan;
    scan.extraFolders = modelDirs;
    scan.extraFolders.emplace_back(NOCTURNE_SOURCE_MODEL_DIR);
    scan.includeExperimental = true;   // the ship rule needs the figures of every network
    const core::ModelRegistry models = core::ModelRegistry::scan(scan);
    core::EnhancerRegistry registry = core::EnhancerRegistry::withClassicalMethods();
    core::EngineOptions engine;
    engine.device = core::ComputeDevice::Cpu;
    engine.threads = threads;
    engine.log = [](std::string_view) {};
    models.registerInto(registry, engine);
    networkIds.clear();
    for (const auto& e : models.available())
        networkIds.push_back(e.manifest.id);
    return registry;
}

}  // namespace nocturne::eval
