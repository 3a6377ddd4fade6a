#include "core/enhance/Exposure.h"

#include <algorithm>
#include <cmath>
#include <vector>

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

// Mean display luminance of map(x) over a (small) linear image, map applied per channel value.
// Rows in parallel into per-row sums that are then added in order, so the result does not
// depend on the thread count.
template <typename Map>
double displayMeanOf(const cv::Mat& small, Map map)
{
    if (small.total() == 0)
        return 0.0;
    std::vector<double> rowSums(static_cast<std::size_t>(small.rows), 0.0);
    const float inv = 1.0f / Gamma::kReference;
    cv::parallel_for_(cv::Range(0, small.rows), [&](const cv::Range& rows) {
        for (int r = rows.start; r < rows.end; ++r) {
            const auto* p = small.ptr<cv::Vec3f>(r);
            double sum = 0.0;
            for (int c = 0; c < small.cols; ++c) {
                const float y = kLumaR * map(p[c][0]) + kLumaG * map(p[c][1]) + kLumaB * map(p[c][2]);
                sum += std::pow(std::clamp(y, 0.0f, 1.0f), inv);
            }
            rowSums[static_cast<std::size_t>(r)] = sum;
        }
    });
    double sum = 0.0;
    for (double v : rowSums)
        sum += v;
    return sum / static_cast<double>(small.total());
}

// f(value) for every channel value of a CV_32FC3 image, rows in parallel; tagged linear.
template <typename Map>
ImageBuffer mapValues(const cv::Mat& src, Map map)
{
    cv::Mat out(src.size(), CV_32FC3);
    cv::parallel_for_(cv::Range(0, src.rows), [&](const cv::Range& rows) {
        const int n = src.cols * 3;
        for (int r = rows.start; r < rows.end; ++r) {
            const float* s = src.ptr<float>(r);
            float* d = out.ptr<float>(r);
            for (int i = 0; i < n; ++i)
                d[i] = map(s[i]);
        }
    });
    return ImageBuffer(out, ColorEncoding::Linear);
}

double rescaledMean(const cv::Mat& small, double scale)
{
    return displayMeanOf(small, [scale](float v) { return Exposure::rescale(clampUnit(v), scale); });
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

float Exposure::rescale(float x, double scale)
{
    const double s = scale;
    if (s <= 1.0)
        return static_cast<float>(s * x);
    return static_cast<float>(s * x / (1.0 + (s - 1.0) * x));
}

ImageBuffer Exposure::amplify(const ImageBuffer& linear, double gain, float knee)
{
    if (linear.empty())
        return {};
    const float g = std::isfinite(gain) && gain > 0.0 ? static_cast<float>(gain) : 1.0f;
    return mapValues(linear.mat(), [g, knee](float v) { return shoulder(v * g, knee); });
}

double Exposure::displayMean(const ImageBuffer& linear)
{
    return amplifiedDisplayMean(linear, 1.0, 1.0f);
}

double Exposure::amplifiedDisplayMean(const ImageBuffer& linear, double gain, float knee)
{
    if (linear.empty())
        return 0.0;
    return displayMeanOf(measureCopy(linear.mat()), [gain, knee](float v) { return shoulder(v * static_cast<float>(gain), knee); });
}

double Exposure::matchScale(const ImageBuffer& linear, double target)
{
    if (linear.empty() || !(target > 0.0))
        return 1.0;
    const cv::Mat small = measureCopy(linear.mat());
    const double current = rescaledMean(small, 1.0);
    // Already there (e.g. "amplify only" measured against itself), or black: nothing to match.
    if (std::abs(current - target) <= 1e-4 * target || rescaledMean(small, 64.0) <= 0.0)
        return 1.0;
    // The mean is monotonic in the scale: Illinois false position on log(scale), which needs
    // about eight measurements where plain bisection to the same precision needed thirty (each
    // one a pass over the measuring copy, on every preview render of a network).
    double lo = std::log(1.0 / 64.0);
    double hi = std::log(64.0);
    double fLo = rescaledMean(small, 1.0 / 64.0) - target;
    double fHi = rescaledMean(small, 64.0) - target;
    if (fLo >= 0.0)
        return 1.0 / 64.0;
    if (fHi <= 0.0)
        return 64.0;
    int side = 0;
    double x = 0.5 * (lo + hi);
    for (int i = 0; i < 60 && hi - lo > 1e-9; ++i) {
        x = (lo * fHi - hi * fLo) / (fHi - fLo);
        if (!(x > lo && x < hi))
            x = 0.5 * (lo + hi);
        const double f = rescaledMean(small, std::exp(x)) - target;
        if (std::abs(f) <= 1e-7 * target)
            break;
        if (f < 0.0) {
            lo = x;
            fLo = f;
            if (side == -1)
                fHi *= 0.5;
            side = -1;
        } else {
            hi = x;
            fHi = f;
            if (side == 1)
                fLo *= 0.5;
            side = 1;
        }
    }
    return std::exp(x);
}

ImageBuffer Exposure::match(const ImageBuffer& linear, double target)
{
    if (linear.empty())
        return {};
    const double scale = matchScale(linear, target);
    return mapValues(linear.mat(), [scale](float v) { return Exposure::rescale(clampUnit(v), scale); });
}

}  // namespace nocturne::core
