#include "core/image/SrgbCurve.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

namespace nocturne::core {

float srgbToLinear(float encoded)
{
    if (encoded <= 0.04045f)
        return encoded / 12.92f;
    return std::pow((encoded + 0.055f) / 1.055f, 2.4f);
}

float linearToSrgb(float linear)
{
    if (linear <= 0.0031308f)
        return 12.92f * linear;
    return 1.055f * std::pow(linear, 1.0f / 2.4f) - 0.055f;
}

namespace {

template <typename Curve>
cv::Mat mapValues(const cv::Mat& in, Curve curve)
{
    cv::Mat out(in.size(), CV_32FC3);
    cv::parallel_for_(cv::Range(0, out.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const auto* src = in.ptr<float>(y);
            auto* dst = out.ptr<float>(y);
            for (int i = 0; i < out.cols * 3; ++i)
                dst[i] = curve(std::clamp(src[i], 0.0f, 1.0f));
        }
    });
    return out;
}

}  // namespace

ImageBuffer encodeSrgb(const ImageBuffer& linear)
{
    return ImageBuffer(mapValues(linear.mat(), linearToSrgb), ColorEncoding::Display);
}

ImageBuffer decodeSrgb(const ImageBuffer& encoded)
{
    return ImageBuffer(mapValues(encoded.mat(), srgbToLinear), ColorEncoding::Linear);
}

}  // namespace nocturne::core
