#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/enhance/Enhancer.h"

namespace nocturne::core {

// The methods a user can pick, by id. Classical baselines are registered by
// withClassicalMethods(); the inference library adds its trained networks.
// Thread: fill it before sharing; afterwards read-only access from any thread is safe.
class EnhancerRegistry {
public:
    // "none", "he", "dhe", "retinex".
    static EnhancerRegistry withClassicalMethods();

    // Replaces an enhancer with the same id.
    void add(std::shared_ptr<const Enhancer> enhancer);

    std::shared_ptr<const Enhancer> find(const std::string& id) const;
    const std::vector<std::shared_ptr<const Enhancer>>& all() const { return m_enhancers; }

private:
    std::vector<std::shared_ptr<const Enhancer>> m_enhancers;
};

}  // namespace nocturne::core
