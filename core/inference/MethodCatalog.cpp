#include "core/inference/MethodCatalog.h"

#include "core/inference/TorchEnhancer.h"

namespace nocturne::core {

MethodCatalog MethodCatalog::build(ScanOptions scan, const EngineOptions& engine)
{
#ifdef NOCTURNE_SOURCE_MODEL_DIR
    scan.extraFolders.emplace_back(NOCTURNE_SOURCE_MODEL_DIR);
#endif
    MethodCatalog catalog;
    catalog.models = ModelRegistry::scan(scan);
    catalog.registry = std::make_shared<EnhancerRegistry>(EnhancerRegistry::withClassicalMethods());
    catalog.models.registerInto(*catalog.registry, engine);
    return catalog;
}

std::vector<std::string> MethodCatalog::networkIds() const
{
    std::vector<std::string> ids;
    for (const auto& entry : models.available())
        if (registry && registry->find(entry.manifest.id))
            ids.push_back(entry.manifest.id);
    return ids;
}

std::string MethodCatalog::deviceDescription(const std::string& fallback) const
{
    if (registry)
        for (const auto& enhancer : registry->all())
            if (const auto* network = dynamic_cast<const TorchEnhancer*>(enhancer.get()))
                return network->deviceDescription();
    return fallback;
}

}  // namespace nocturne::core
