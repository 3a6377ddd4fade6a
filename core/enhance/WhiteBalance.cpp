#include "core/enhance/WhiteBalance.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/core.hpp>

namespace nocturne::core {

namespace {

double luma(const cv::Vec3d& rgb)
{
    return kLumaR * rgb[0] + kLumaG * rgb[1] + kLumaB * rgb[2];
}

// Scaled so that a grey's luminance is unchanged by the gains.
cv::Vec3d lumaNeutral(const cv::Vec3d& g)
{
    const double y = luma(g);
    return y > 0.0 && std::isfinite(y) ? g / y : cv::Vec3d(1.0, 1.0, 1.0);
}

}  // namespace

cv::Vec3d WhiteBalance::automaticGains(const ImageBuffer& linear)
{
    if (linear.empty())
        return {1.0, 1.0, 1.0};
    // Each channel's p-norm (its mean of x^p), summed per row band in parallel.
    const cv::Mat& src = linear.mat();
    std::vector<cv::Vec3d> rowSums(static_cast<std::size_t>(src.rows));
    cv::parallel_for_(cv::Range(0, src.rows), [&](const cv::Range& rows) {
        for (int r = rows.start; r < rows.end; ++r) {
            const float* p = src.ptr<float>(r);
            cv::Vec3d sum(0.0, 0.0, 0.0);
            for (int x = 0; x < src.cols; ++x)
                for (int c = 0; c < 3; ++c) {
                    const double v = clampUnit(p[3 * x + c]);
                    sum[c] += (v * v) * (v * v);   // kAutoNorm = 4
                }
            rowSums[static_cast<std::size_t>(r)] = sum;
        }
    });
    cv::Vec3d total(0.0, 0.0, 0.0);
    for (const auto& s : rowSums)
        total += s;
    cv::Vec3d norm;
    for (int c = 0; c < 3; ++c)
        norm[c] = std::pow(total[c] / static_cast<double>(linear.pixelCount()), 1.0 / kAutoNorm);
    if (std::min({norm[0], norm[1], norm[2]}) < 1e-6)
        return {1.0, 1.0, 1.0};   // black, or a channel with no light: nothing to estimate from
    const double y = luma(norm);
    cv::Vec3d g;
    for (int c = 0; c < 3; ++c)
        g[c] = std::pow(y / norm[c], kAutoStrength);
    return g;
}

cv::Vec3d WhiteBalance::manualGains(double temperature, double tint)
{
    // A NaN shift has no meaning; treat it as none rather than turn the photo into NaNs.
    const auto unit = [](double shift) {
        return std::isfinite(shift) ? std::clamp(shift, -kMaxShift, kMaxShift) / kMaxShift : 0.0;
    };
    const double t = unit(temperature) * kTemperatureScale;
    const double m = unit(tint) * kTintScale;
    return lumaNeutral({std::exp(t / 2.0), std::exp(-m), std::exp(-t / 2.0)});
}

cv::Vec3d WhiteBalance::gains(const ImageBuffer& linear, const WhiteBalanceSettings& settings)
{
    cv::Vec3d g = manualGains(settings.temperature, settings.tint);
    if (settings.automatic)
        g = g.mul(automaticGains(linear));
    return lumaNeutral(g);
}

float WhiteBalance::applyGain(float value, double gain)
{
    const double x = clampUnit(value);
    return static_cast<float>(gain * x / (1.0 + (gain - 1.0) * x));
}

ImageBuffer WhiteBalance::apply(const ImageBuffer& linear, const WhiteBalanceSettings& settings)
{
    if (settings.isIdentity() || linear.empty())
        return linear;
    const cv::Vec3d g = gains(linear, settings);
    const cv::Mat& src = linear.mat();
    cv::Mat out(src.size(), src.type());
    cv::parallel_for_(cv::Range(0, src.rows), [&](const cv::Range& rows) {
        for (int r = rows.start; r < rows.end; ++r) {
            const float* s = src.ptr<float>(r);
            float* d = out.ptr<float>(r);
            for (int x = 0; x < src.cols; ++x)
                for (int c = 0; c < 3; ++c)
                    d[3 * x + c] = applyGain(s[3 * x + c], g[c]);
        }
    });
    return ImageBuffer(out, linear.encoding());
}

}  // namespace nocturne::core
