#include "core/enhance/PassthroughEnhancer.h"

#include "core/enhance/ClassicalSupport.h"

namespace nocturne::core {

PassthroughEnhancer::PassthroughEnhancer()
{
    m_info.id = "none";
    m_info.displayName = "Amplify only";
    m_info.description = "The amplified photo with its highlights rolled off and its noise reduced; no other processing.";
    m_info.reference = "Lamba & Mitra, CVPR 2021, Sec. 3.2 (amplifier)";
    m_info.inputKind = InputKind::LinearRgb;
}

Result<EnhanceOutput> PassthroughEnhancer::enhance(const EnhanceInput& input,
                                                   const RunContext& ctx) const
{
    return classical::amplifyThen(m_info, input, ctx, [&](ImageBuffer amplified) -> Result<EnhanceOutput> {
        ctx.progress(1.0, "amplify");
        return EnhanceOutput{std::move(amplified), cv::Mat()};
    });
}

}  // namespace nocturne::core
