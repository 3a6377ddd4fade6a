#include "ui/services/BrightnessMap.h"

#include <algorithm>

namespace nocturne::ui {

cv::Mat brightnessGainMap(const core::ImageBuffer& outDisplay, const core::ImageBuffer& inDisplay)
{
    if (outDisplay.empty() || inDisplay.empty() || outDisplay.mat().size() != inDisplay.mat().size())
        return {};
    cv::Mat a(outDisplay.height(), outDisplay.width(), CV_32FC1);
    for (int y = 0; y < a.rows; ++y) {
        const float* o = outDisplay.mat().ptr<float>(y);
        const float* i = inDisplay.mat().ptr<float>(y);
        float* dst = a.ptr<float>(y);
        for (int x = 0; x < a.cols; ++x) {
            const float mo = std::max({o[3 * x], o[3 * x + 1], o[3 * x + 2]});
            const float mi = std::max({i[3 * x], i[3 * x + 1], i[3 * x + 2]});
            dst[x] = mo > 1e-6f ? std::clamp((mo - mi) / mo, 0.0f, 1.0f) : 0.0f;
        }
    }
    return a;
}

}  // namespace nocturne::ui
