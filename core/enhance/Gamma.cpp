#include "core/enhance/Gamma.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

namespace nocturne::core {

namespace {

// A non-positive or NaN gamma has no meaning; treat it as the identity rather than produce NaNs.
float sanitize(float gamma)
{
    return gamma > 0.0f && std::isfinite(gamma) ? gamma : 1.0f;
}

// Clamp and power in one pass per row band, bands in parallel (cv::pow alone is vectorised but
// single-threaded, and separate clamp passes cost as much as the power on large frames).
ImageBuffer applyPower(const ImageBuffer& in, double exponent, ColorEncoding tag)
{
    if (in.empty())
        return ImageBuffer(cv::Mat(), tag);
    const cv::Mat& src = in.mat();
    cv::Mat out(src.size(), src.type());
    cv::parallel_for_(cv::Range(0, src.rows), [&](const cv::Range& rows) {
        const int n = src.cols * src.channels();
        for (int r = rows.start; r < rows.end; ++r) {
            const float* s = src.ptr<float>(r);
            float* d = out.ptr<float>(r);
            for (int i = 0; i < n; ++i)
                d[i] = clampUnit(s[i]);
        }
        if (exponent != 1.0) {
            cv::Mat band = out.rowRange(rows.start, rows.end);
            cv::pow(band, exponent, band);
        }
    });
    return ImageBuffer(out, tag);
}

}  // namespace

ImageBuffer Gamma::encode(const ImageBuffer& linear, float gamma)
{
    return applyPower(linear, 1.0 / sanitize(gamma), ColorEncoding::Display);
}

ImageBuffer Gamma::decode(const ImageBuffer& display, float gamma)
{
    return applyPower(display, sanitize(gamma), ColorEncoding::Linear);
}

float Gamma::encodeValue(float linear, float gamma)
{
    return std::pow(clampUnit(linear), 1.0f / sanitize(gamma));
}

float Gamma::decodeValue(float display, float gamma)
{
    return std::pow(clampUnit(display), sanitize(gamma));
}

}  // namespace nocturne::core
