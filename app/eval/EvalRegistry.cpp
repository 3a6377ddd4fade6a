#include "app/eval/EvalRegistry.h"

#include "core/inference/MethodCatalog.h"

namespace nocturne::eval {

core::EnhancerRegistry makeEvalRegistry(const std::vector<std::string>& modelDirs, int threads,
                                        std::vector<std::string>& networkIds)
{
    core::ScanOptions scan;
    scan.extraFolders = modelDirs;
    scan.includeExperimental = true;   // the ship rule needs the figures of every network
    core::EngineOptions engine;
    engine.device = core::ComputeDevice::Cpu;
    engine.cpuPrecision = core::CpuPrecision::Fp32;   // scores must not depend on the CPU model
    engine.cpuLayout = core::CpuLayout::Contiguous;   // nor on a timing
    engine.threads = threads;
    engine.log = [](std::string_view) {};
    const core::MethodCatalog catalog = core::MethodCatalog::build(scan, engine);
    networkIds = catalog.networkIds();
    return *catalog.registry;
}

}  // namespace nocturne::eval
