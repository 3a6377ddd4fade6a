#pragma once

#include "core/enhance/Enhancer.h"

namespace nocturne::core {

// Id "none": the amplified linear image, clipped to [0, 1]. The reference point every other
// method is compared against (amplification only, no tone or colour processing).
// Thread: stateless; enhance() is safe to call concurrently.
class PassthroughEnhancer final : public Enhancer {
public:
    PassthroughEnhancer();

    const EnhancerInfo& info() const override { return m_info; }
    Result<EnhanceOutput> enhance(const EnhanceInput& input, const RunContext& ctx) const override;

private:
    EnhancerInfo m_info;
};

}  // namespace nocturne::core
