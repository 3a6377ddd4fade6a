#include "core/enhance/PassthroughEnhancer.h"

#include "core/enhance/ClassicalSupport.h"

namespace nocturne::core {

PassthroughEnhancer::PassthroughEnhancer()
{
    m_info.id = "none";
    m_info.displayName = "Amplify only";
    m_info.description = "Multiplies by the amplification gain and clips to white; no other processing.";
    m_info.reference = "Lamba & Mitra, CVPR 2021, Sec. 3.2 (amplifier)";
    m_info.inputKind = InputKind::LinearRgb;
}

Result<EnhanceOutput> PassthroughEnhancer::enhance(const EnhanceInput& input,
                                                   const RunContext& ctx) const
{
    return classical::guarded(m_info, input, [&]() -> Result<EnhanceOutput> {
        if (ctx.stopRequested())
            return classical::cancelled(m_info, input);
        ctx.progress(0.0, "amplify");
        Result<ImageBuffer> amplified = classical::amplifiedLinear(input, m_info);
        if (!amplified)
            return amplified.error();
        ctx.progress(1.0, "amplify");
        return EnhanceOutput{std::move(amplified).value(), cv::Mat()};
    });
}

}  // namespace nocturne::core
