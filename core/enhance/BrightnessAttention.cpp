#include "core/enhance/BrightnessAttention.h"

#include <algorithm>

#include <opencv2/core.hpp>

namespace nocturne::core {

cv::Mat brightnessAttention(const cv::Mat& in, const cv::Mat& out)
{
    if (in.empty() || in.type() != CV_32FC3 || out.type() != CV_32FC3 || in.size() != out.size())
        return {};
    cv::Mat a(in.size(), CV_32FC1);
    cv::parallel_for_(cv::Range(0, in.rows), [&](const cv::Range& rows) {
        for (int r = rows.start; r < rows.end; ++r) {
            const auto* px = in.ptr<cv::Vec3f>(r);
            const auto* py = out.ptr<cv::Vec3f>(r);
            auto* pa = a.ptr<float>(r);
            for (int c = 0; c < in.cols; ++c) {
                const float mx = std::max({px[c][0], px[c][1], px[c][2]});
                const float my = std::max({py[c][0], py[c][1], py[c][2]});
                pa[c] = std::clamp((my - mx) / (my + kBrightnessAttentionEps), 0.0f, 1.0f);
            }
        }
    });
    return a;
}

}  // namespace nocturne::core
