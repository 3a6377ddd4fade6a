#include "core/enhance/Exposure.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/enhance/Gamma.h"

namespace nocturne::core {

namespace {

cv::Mat measureCopy(const cv::Mat& linear)
{
    const int side = std::max(linear.cols, linear.rows);
    if (side <= Exposure::kMeasureSide)
        return linear;
    const double f = static_cast<double>(Exposure::kMeasureSide) / side;
    cv::Mat small;
    cv::resize(linear, small, cv::Size(), f, f, cv::INTER_AREA);
    return small;
}

// Mean display luminance of shoulder(scale * x) over a (small) linear image.
double shoulderedDisplayMean(const cv::Mat& small, double scale, float knee)
{
    double sum = 0.0;
    const float inv = 1.0f / Gamma::kReference;
    for (int r = 0; r < small.rows; ++r) {
        const auto* p = small.ptr<cv::Vec3f>(r);
        for (int c = 0; c < small.cols; ++c) {
            const float s = static_cast<float>(scale);
            const float y = kLumaR * Exposure::shoulder(p[c][0] * s, knee)
                            + kLumaG * Exposure::shoulder(p[c][1] * s, knee)
                            + kLumaB * Exposure::shoulder(p[c][2] * s, knee);
            sum += std::pow(std::clamp(y, 0.0f, 1.0f), inv);
        }
    }
    return small.total() > 0 ? sum / static_cast<double>(small.total()) : 0.0;
}

}  // namespace

float Exposure::shoulder(float v, float knee)
{
    if (!(v > 0.0f))
        return 0.0f;   // negatives and NaN
    if (knee >= 1.0f)
        return std::min(v, 1.0f);
    if (v <= knee)
        return v;
    const float room = 1.0f - knee;
    return 1.0f - room * std::exp(-(v - knee) / room);
}

ImageBuffer Exposure::amplify(const ImageBuffer& linear, double gain, float knee)
{
    if (linear.empty())
        return {};
    const cv::Mat& src = linear.mat();
    cv::Mat out(src.size(), CV_32FC3);
    const float g = std::isfinite(gain) && gain > 0.0 ? static_cast<float>(gain) : 1.0f;
    cv::parallel_for_(cv::Range(0, src.rows), [&](const cv::Range& rows) {
        const int n = src.cols * 3;
        for (int r = rows.start; r < rows.end; ++r) {
            const float* s = src.ptr<float>(r);
            float* d = out.ptr<float>(r);
            for (int i = 0; i < n; ++i)
                d[i] = shoulder(s[i] * g, knee);
        }
    });
    return ImageBuffer(out, ColorEncoding::Linear);
}

double Exposure::displayMean(const ImageBuffer& linear)
{
    if (linear.empty())
        return 0.0;
    return shoulderedDisplayMean(measureCopy(linear.mat()), 1.0, 1.0f);
}

double Exposure::amplifiedDisplayMean(const ImageBuffer& linear, double gain, float knee)
{
    if (linear.empty())
        return 0.0;
    return shoulderedDisplayMean(measureCopy(linear.mat()), gain, knee);
}

double Exposure::matchScale(const ImageBuffer& linear, double target, float knee)
{
    if (linear.empty() || !(target > 0.0))
        return 1.0;
    const cv::Mat small = measureCopy(linear.mat());
    if (shoulderedDisplayMean(small, 64.0, knee) <= 0.0)
        return 1.0;   // black: nothing to match
    double lo = std::log(1.0 / 64.0);
    double hi = std::log(64.0);
    // The mean is monotonic in the scale; 30 halvings of a 8.3-wide log interval reach 1e-8.
    for (int i = 0; i < 30; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (shoulderedDisplayMean(small, std::exp(mid), knee) < target)
            lo = mid;
        else
            hi = mid;
    }
    return std::exp(0.5 * (lo + hi));
}

ImageBuffer Exposure::match(const ImageBuffer& linear, double target, float knee)
{
    const double scale = matchScale(linear, target, knee);
    if (std::abs(scale - 1.0) < 0.005)
        return Gamma::decode(Gamma::encode(linear, 1.0f), 1.0f);   // clamp only
    return amplify(linear, scale, knee);
}

}  // namespace nocturne::core
