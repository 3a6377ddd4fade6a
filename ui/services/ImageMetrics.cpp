#include "ui/services/ImageMetrics.h"

#include <cmath>
#include <limits>

#include <opencv2/imgproc.hpp>

namespace nocturne::ui {

namespace {

core::Result<void> checkPair(const core::ImageBuffer& a, const core::ImageBuffer& b)
{
    if (a.empty() || b.empty())
        return core::makeError(core::ErrorCode::InvalidArgument, "cannot compare an empty image", "metrics");
    if (a.mat().size() != b.mat().size()) {
        return core::makeError(core::ErrorCode::InvalidArgument,
                               "the images differ in size (" + std::to_string(a.width()) + "x"
                                   + std::to_string(a.height()) + " vs " + std::to_string(b.width()) + "x"
                                   + std::to_string(b.height()) + "); resize the reference first",
                               "metrics");
    }
    return core::Result<void>::success();
}

cv::Mat clamped(const cv::Mat& m)
{
    cv::Mat out;
    cv::min(m, 1.0, out);
    cv::max(out, 0.0, out);
    return out;
}

cv::Mat lumaOf(const core::ImageBuffer& image)
{
    const cv::Mat c = clamped(image.mat());
    cv::Mat luma(c.rows, c.cols, CV_64FC1);
    for (int y = 0; y < c.rows; ++y) {
        const float* p = c.ptr<float>(y);
        double* q = luma.ptr<double>(y);
        for (int x = 0; x < c.cols; ++x)
            q[x] = core::kLumaR * p[3 * x] + core::kLumaG * p[3 * x + 1] + core::kLumaB * p[3 * x + 2];
    }
    return luma;
}

cv::Mat gaussian(const cv::Mat& m)
{
    cv::Mat out;
    cv::GaussianBlur(m, out, cv::Size(ImageMetrics::kWindow, ImageMetrics::kWindow), ImageMetrics::kSigma,
                     ImageMetrics::kSigma, cv::BORDER_REFLECT);
    return out;
}

}  // namespace

core::Result<double> ImageMetrics::psnr(const core::ImageBuffer& image, const core::ImageBuffer& reference)
{
    if (auto ok = checkPair(image, reference); !ok)
        return ok.error();
    cv::Mat a;
    cv::Mat b;
    clamped(image.mat()).convertTo(a, CV_64FC3);
    clamped(reference.mat()).convertTo(b, CV_64FC3);
    cv::Mat diff = a - b;
    const cv::Scalar sq = cv::sum(diff.mul(diff));
    const double mse = (sq[0] + sq[1] + sq[2]) / (3.0 * static_cast<double>(a.total()));
    if (mse <= 0.0)
        return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(1.0 / mse);
}

core::Result<double> ImageMetrics::ssim(const core::ImageBuffer& image, const core::ImageBuffer& reference)
{
    if (auto ok = checkPair(image, reference); !ok)
        return ok.error();
    const cv::Mat x = lumaOf(image);
    const cv::Mat y = lumaOf(reference);
    const cv::Mat muX = gaussian(x);
    const cv::Mat muY = gaussian(y);
    const cv::Mat sigmaXX = gaussian(x.mul(x)) - muX.mul(muX);
    const cv::Mat sigmaYY = gaussian(y.mul(y)) - muY.mul(muY);
    const cv::Mat sigmaXY = gaussian(x.mul(y)) - muX.mul(muY);
    const cv::Mat num = (2.0 * muX.mul(muY) + kC1).mul(2.0 * sigmaXY + kC2);
    const cv::Mat den = (muX.mul(muX) + muY.mul(muY) + kC1).mul(sigmaXX + sigmaYY + kC2);
    cv::Mat map;
    cv::divide(num, den, map);
    const int r = kWindow / 2;
    if (map.rows > 2 * r && map.cols > 2 * r)
        map = map(cv::Rect(r, r, map.cols - 2 * r, map.rows - 2 * r));
    return cv::mean(map)[0];
}

core::ImageBuffer ImageMetrics::matchSize(const core::ImageBuffer& reference, const core::ImageBuffer& image)
{
    if (reference.empty() || image.empty() || reference.mat().size() == image.mat().size())
        return reference;
    cv::Mat resized;
    cv::resize(reference.mat(), resized, image.mat().size(), 0, 0, cv::INTER_AREA);
    return core::ImageBuffer(resized, reference.encoding());
}

}  // namespace nocturne::ui
