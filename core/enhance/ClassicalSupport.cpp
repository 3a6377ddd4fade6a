#include "core/enhance/ClassicalSupport.h"

#include <algorithm>
#include <cmath>
#include <new>

#include <opencv2/core.hpp>

#include "core/enhance/Amplifier.h"
#include "core/enhance/Gamma.h"

namespace nocturne::core::classical {

Result<ImageBuffer> amplifiedLinear(const EnhanceInput& input, const EnhancerInfo& info)
{
    const ImageBuffer& rgb = input.source.rgb;
    if (rgb.empty() || rgb.mat().type() != CV_32FC3) {
        return makeError(ErrorCode::InvalidArgument,
                         info.displayName + " needs a decoded RGB image, but the source has none. "
                                            "Reload the photo.",
                         input.source.meta.sourcePath);
    }
    return Amplifier::apply(rgb, input.gain, Highlights::Clip);
}

cv::Mat displayLuminance(const ImageBuffer& linear)
{
    cv::Mat y = linear.luminance();
    cv::parallel_for_(cv::Range(0, y.rows), [&](const cv::Range& rows) {
        cv::Mat band = y.rowRange(rows.start, rows.end);
        cv::max(band, 0.0, band);
        cv::min(band, 1.0, band);
        cv::pow(band, 1.0 / Gamma::kReference, band);
    });
    return y;
}

std::vector<double> levelHistogram(const cv::Mat& values, int levels)
{
    levels = std::max(2, levels);
    std::vector<double> hist(levels, 0.0);
    const float scale = static_cast<float>(levels - 1);
    for (int r = 0; r < values.rows; ++r) {
        const auto* p = values.ptr<float>(r);
        for (int c = 0; c < values.cols; ++c) {
            const float v = p[c] > 0.0f ? (p[c] < 1.0f ? p[c] : 1.0f) : 0.0f;
            hist[static_cast<int>(v * scale + 0.5f)] += 1.0;
        }
    }
    return hist;
}

ImageBuffer remapLuminance(const ImageBuffer& linear, const cv::Mat& displayY,
                           const std::vector<float>& table)
{
    cv::Mat display = Gamma::encode(linear, Gamma::kReference).mat();
    const int levels = static_cast<int>(table.size());
    const float scale = static_cast<float>(levels - 1);
    // Below this display luminance the pixel's colour is noise; make it neutral grey.
    constexpr float kTinyLuma = 1e-6f;

    cv::parallel_for_(cv::Range(0, display.rows), [&](const cv::Range& rows) {
        for (int r = rows.start; r < rows.end; ++r) {
            auto* px = display.ptr<cv::Vec3f>(r);
            const auto* yp = displayY.ptr<float>(r);
            for (int c = 0; c < display.cols; ++c) {
                const float y = std::clamp(yp[c], 0.0f, 1.0f);
                const float pos = y * scale;
                const int i0 = std::min(static_cast<int>(pos), levels - 1);
                const int i1 = std::min(i0 + 1, levels - 1);
                const float t = pos - static_cast<float>(i0);
                const float yOut = table[i0] + t * (table[i1] - table[i0]);
                cv::Vec3f& v = px[c];
                if (y < kTinyLuma) {
                    v = cv::Vec3f(yOut, yOut, yOut);
                    continue;
                }
                v *= yOut / y;
                const float peak = std::max({v[0], v[1], v[2]});
                if (peak > 1.0f)
                    v *= 1.0f / peak;   // keep the hue rather than clip channels apart
            }
        }
    });
    return Gamma::decode(ImageBuffer(display, ColorEncoding::Display), Gamma::kReference);
}

Error cancelled(const EnhancerInfo& info, const EnhanceInput& input)
{
    return makeError(ErrorCode::Cancelled, info.displayName + " was cancelled.",
                     input.source.meta.sourcePath);
}

Result<EnhanceOutput> amplifyThen(const EnhancerInfo& info, const EnhanceInput& input, const RunContext& ctx,
                                  const std::function<Result<EnhanceOutput>(ImageBuffer amplified)>& body)
{
    try {
        if (ctx.stopRequested())
            return cancelled(info, input);
        ctx.progress(0.0, "amplify");
        Result<ImageBuffer> amplified = amplifiedLinear(input, info);
        if (!amplified)
            return amplified.error();
        return body(std::move(amplified).value());
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory,
                         info.displayName + " ran out of memory. Close other images or work on a "
                                            "smaller export size.",
                         input.source.meta.sourcePath);
    } catch (const cv::Exception& e) {
        return makeError(ErrorCode::Internal,
                         info.displayName + " failed inside OpenCV (" + e.what()
                             + "). Please report this with the photo.",
                         input.source.meta.sourcePath);
    }
}

Result<EnhanceOutput> equaliseLuminance(const EnhancerInfo& info, const EnhanceInput& input, const RunContext& ctx,
                                        int levels,
                                        const std::function<std::vector<float>(const std::vector<double>&)>& makeTable)
{
    return amplifyThen(info, input, ctx, [&](ImageBuffer amplified) -> Result<EnhanceOutput> {
        if (ctx.stopRequested())
            return cancelled(info, input);
        ctx.progress(0.2, "histogram");
        const cv::Mat displayY = displayLuminance(amplified);
        const std::vector<float> table = makeTable(levelHistogram(displayY, levels));

        if (ctx.stopRequested())
            return cancelled(info, input);
        ctx.progress(0.5, "equalise");
        ImageBuffer out = remapLuminance(amplified, displayY, table);
        ctx.progress(1.0, "equalise");
        return EnhanceOutput{std::move(out), cv::Mat()};
    });
}

}  // namespace nocturne::core::classical
