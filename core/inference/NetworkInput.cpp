#include "core/inference/NetworkInput.h"

#include <algorithm>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/enhance/Amplifier.h"
#include "core/image/SrgbCurve.h"

namespace nocturne::core::netinput {

MosaicPhase rggbPhase(CfaPattern pattern)
{
    for (int top = 0; top < 2; ++top)
        for (int left = 0; left < 2; ++left)
            if (cfaColorAt(pattern, top, left) == CfaColor::R)
                return {top, left};
    return {};
}

cv::Mat prepareMosaic(const RawMosaic& mosaic, float gain, bool clip, MosaicPhase phase)
{
    cv::Mat x = Amplifier::apply(mosaic.normalized(), gain, clip ? Highlights::Clip : Highlights::Keep);
    if (phase.top == 0 && phase.left == 0)
        return x;
    cv::Mat padded;
    cv::copyMakeBorder(x, padded, phase.top, 0, phase.left, 0, cv::BORDER_REFLECT_101);
    return padded;
}

std::vector<cv::Mat> packBayer(const cv::Mat& rggb)
{
    const int h = rggb.rows / 2;
    const int w = rggb.cols / 2;
    std::vector<cv::Mat> planes(4);
    for (auto& p : planes)
        p.create(h, w, CV_32FC1);
    for (int y = 0; y < h; ++y) {
        const float* even = rggb.ptr<float>(2 * y);
        const float* odd = rggb.ptr<float>(2 * y + 1);
        float* r = planes[0].ptr<float>(y);
        float* g1 = planes[1].ptr<float>(y);
        float* b = planes[2].ptr<float>(y);
        float* g2 = planes[3].ptr<float>(y);
        for (int x = 0; x < w; ++x) {
            r[x] = even[2 * x];
            g1[x] = even[2 * x + 1];
            b[x] = odd[2 * x + 1];
            g2[x] = odd[2 * x];
        }
    }
    return planes;
}

cv::Mat prepareSrgb(const ImageBuffer& linearRgb, float gain)
{
    // The amplifier the user sees as "amplify only" (gain, then the highlight shoulder), so a
    // network restores exactly the image it is compared with; gain 1 leaves a JPEG's own values.
    const ImageBuffer scaled = gain != 1.0f ? Amplifier::apply(linearRgb, gain, Highlights::Shoulder) : linearRgb;
    // The exact inverse of the decoder's sRGB linearisation: at gain 1 a JPEG reaches the
    // network with its own values, as in training.
    return encodeSrgb(scaled).mat();
}

cv::Mat renderCameraRgb(const cv::Mat& cameraRgb, const RawMosaic& mosaic)
{
    const auto& wb = mosaic.whiteBalance;
    const float green = 0.5f * (wb[static_cast<int>(CfaColor::G1)] + wb[static_cast<int>(CfaColor::G2)]);
    cv::Vec3f mul(wb[static_cast<int>(CfaColor::R)], green, wb[static_cast<int>(CfaColor::B)]);
    const float smallest = std::min({mul[0], mul[1], mul[2]});
    mul /= smallest > 0.0f ? smallest : 1.0f;
    // White balance, the clip at 1, the matrix and the clamp to [0, 1] in one pass over row
    // bands (four full-frame OpenCV passes and a temporary frame before, single-threaded).
    const cv::Matx33f& m = mosaic.cameraToSrgb;
    cv::Mat out(cameraRgb.size(), CV_32FC3);
    cv::parallel_for_(cv::Range(0, cameraRgb.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const float* s = cameraRgb.ptr<float>(y);
            float* d = out.ptr<float>(y);
            for (int x = 0; x < cameraRgb.cols; ++x, s += 3, d += 3) {
                const float r = std::min(s[0] * mul[0], 1.0f);
                const float g = std::min(s[1] * mul[1], 1.0f);
                const float b = std::min(s[2] * mul[2], 1.0f);
                for (int c = 0; c < 3; ++c)
                    d[c] = clampUnit(m(c, 0) * r + m(c, 1) * g + m(c, 2) * b);
            }
        }
    });
    return out;
}

cv::Mat saturationWeight(const cv::Mat& amplifiedMosaic)
{
    constexpr double kSaturated = 0.98;
    cv::Mat mask;
    cv::compare(amplifiedMosaic, kSaturated, mask, cv::CMP_GE);
    // Any saturated site of a 2x2 tile, then a few pixels around it (the network's softening of
    // an edge reaches that far), then a soft edge so no seam shows.
    cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(13, 13)));
    cv::Mat weight;
    mask.convertTo(weight, CV_32F, 1.0 / 255.0);
    cv::GaussianBlur(weight, weight, cv::Size(), 3.0);
    return weight;
}

cv::Mat applyOrientation(const cv::Mat& image, int orientation)
{
    cv::Mat out;
    switch (orientation) {
    case 2: cv::flip(image, out, 1); break;
    case 3: cv::rotate(image, out, cv::ROTATE_180); break;
    case 4: cv::flip(image, out, 0); break;
    case 5: cv::transpose(image, out); break;
    case 6: cv::rotate(image, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7:
        cv::transpose(image, out);
        cv::rotate(out, out, cv::ROTATE_180);
        break;
    case 8: cv::rotate(image, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = image; break;
    }
    return out;
}

}  // namespace nocturne::core::netinput
