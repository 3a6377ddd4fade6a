#include "core/enhance/EnhancerRegistry.h"

#include <algorithm>

#include "core/enhance/DynamicHistogramEqualization.h"
#include "core/enhance/HistogramEqualization.h"
#include "core/enhance/PassthroughEnhancer.h"
#include "core/enhance/Retinex.h"

namespace nocturne::core {

EnhancerRegistry EnhancerRegistry::withClassicalMethods()
{
    EnhancerRegistry registry;
    registry.add(std::make_shared<PassthroughEnhancer>());
    registry.add(std::make_shared<HistogramEqualization>());
    registry.add(std::make_shared<DynamicHistogramEqualization>());
    registry.add(std::make_shared<Retinex>());
    return registry;
}

void EnhancerRegistry::add(std::shared_ptr<const Enhancer> enhancer)
{
    if (!enhancer)
        return;
    const std::string& id = enhancer->info().id;
    const auto it = std::find_if(m_enhancers.begin(), m_enhancers.end(),
                                 [&](const auto& e) { return e->info().id == id; });
    if (it != m_enhancers.end())
        *it = std::move(enhancer);   // keep its place in the list the user sees
    else
        m_enhancers.push_back(std::move(enhancer));
}

std::shared_ptr<const Enhancer> EnhancerRegistry::find(const std::string& id) const
{
    const auto it = std::find_if(m_enhancers.begin(), m_enhancers.end(),
                                 [&](const auto& e) { return e->info().id == id; });
    return it != m_enhancers.end() ? *it : nullptr;
}

}  // namespace nocturne::core
