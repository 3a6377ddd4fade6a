#include "core/metrics/ReferenceMetrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image/ImageBuffer.h"

namespace nocturne::core {
namespace {

constexpr std::array<double, ReferenceMetrics::kScales> kMsSsimWeights = {0.0448, 0.2856, 0.3001,
                                                                      0.2363, 0.1333};

std::vector<double> gaussianKernel(int size, double sigma)
{
    std::vector<double> k(static_cast<size_t>(size));
    double sum = 0.0;
    for (int i = 0; i < size; ++i) {
        const double x = i - (size - 1) / 2.0;
        k[static_cast<size_t>(i)] = std::exp(-(x * x) / (2.0 * sigma * sigma));
        sum += k[static_cast<size_t>(i)];
    }
    for (double& v : k)
        v /= sum;
    return k;
}

// Separable 'valid' filtering of a CV_64FC1 plane: (h - n + 1) x (w - n + 1).
cv::Mat filterValid(const cv::Mat& plane, const std::vector<double>& k)
{
    const int n = static_cast<int>(k.size());
    const int outW = plane.cols - n + 1;
    const int outH = plane.rows - n + 1;
    cv::Mat rows(plane.rows, outW, CV_64FC1);
    for (int y = 0; y < plane.rows; ++y) {
        const double* src = plane.ptr<double>(y);
        double* dst = rows.ptr<double>(y);
        for (int x = 0; x < outW; ++x) {
            double acc = 0.0;
            for (int i = 0; i < n; ++i)
                acc += k[static_cast<size_t>(i)] * src[x + i];
            dst[x] = acc;
        }
    }
    cv::Mat out(outH, outW, CV_64FC1, cv::Scalar(0.0));
    for (int y = 0; y < outH; ++y) {
        double* dst = out.ptr<double>(y);
        for (int i = 0; i < n; ++i) {
            const double* src = rows.ptr<double>(y + i);
            const double w = k[static_cast<size_t>(i)];
            for (int x = 0; x < outW; ++x)
                dst[x] += w * src[x];
        }
    }
    return out;
}

struct SsimTerms {
    double ssim = 0.0;
    double cs = 0.0;
};

SsimTerms ssimPlane(const cv::Mat& a, const cv::Mat& b)
{
    const int size = std::min({ReferenceMetrics::kWindow, a.rows, a.cols});
    const auto k = gaussianKernel(size, ReferenceMetrics::kSigma);
    constexpr double c1 = 0.01 * 0.01;
    constexpr double c2 = 0.03 * 0.03;
    const cv::Mat muA = filterValid(a, k);
    const cv::Mat muB = filterValid(b, k);
    const cv::Mat sAA = filterValid(a.mul(a), k) - muA.mul(muA);
    const cv::Mat sBB = filterValid(b.mul(b), k) - muB.mul(muB);
    const cv::Mat sAB = filterValid(a.mul(b), k) - muA.mul(muB);
    SsimTerms t;
    double sumS = 0.0;
    double sumCs = 0.0;
    for (int y = 0; y < muA.rows; ++y) {
        for (int x = 0; x < muA.cols; ++x) {
            const double ma = muA.at<double>(y, x);
            const double mb = muB.at<double>(y, x);
            const double cs = (2.0 * sAB.at<double>(y, x) + c2)
                / (sAA.at<double>(y, x) + sBB.at<double>(y, x) + c2);
            const double lum = (2.0 * ma * mb + c1) / (ma * ma + mb * mb + c1);
            sumCs += cs;
            sumS += lum * cs;
        }
    }
    const double n = static_cast<double>(muA.total());
    t.ssim = sumS / n;
    t.cs = sumCs / n;
    return t;
}

cv::Mat downsample(const cv::Mat& plane)
{
    cv::Mat padded;
    cv::copyMakeBorder(plane, padded, 0, plane.rows % 2, 0, plane.cols % 2, cv::BORDER_REPLICATE);
    cv::Mat out(padded.rows / 2, padded.cols / 2, CV_64FC1);
    for (int y = 0; y < out.rows; ++y)
        for (int x = 0; x < out.cols; ++x)
            out.at<double>(y, x) = 0.25 * (padded.at<double>(2 * y, 2 * x) + padded.at<double>(2 * y, 2 * x + 1)
                                           + padded.at<double>(2 * y + 1, 2 * x) + padded.at<double>(2 * y + 1, 2 * x + 1));
    return out;
}

double msSsimPlane(cv::Mat a, cv::Mat b)
{
    double product = 1.0;
    for (int i = 0; i < ReferenceMetrics::kScales; ++i) {
        const SsimTerms t = ssimPlane(a, b);
        const double value = i == ReferenceMetrics::kScales - 1 ? t.ssim : t.cs;
        product *= std::pow(std::max(value, 1e-6), kMsSsimWeights[static_cast<size_t>(i)]);
        if (i < ReferenceMetrics::kScales - 1) {
            a = downsample(a);
            b = downsample(b);
        }
    }
    return product;
}

// The planes SSIM compares, as CV_64FC1.
std::vector<cv::Mat> planes(const cv::Mat& image, SsimChannels channels)
{
    cv::Mat d;
    image.convertTo(d, CV_64F);
    std::vector<cv::Mat> out;
    if (d.channels() == 1) {
        out.push_back(d);
        return out;
    }
    cv::split(d, out);
    if (channels == SsimChannels::Luminance)
        return {kLumaR * out[0] + kLumaG * out[1] + kLumaB * out[2]};
    return out;
}

Result<void> checkPair(const cv::Mat& image, const cv::Mat& reference, const char* what)
{
    if (image.empty() || reference.empty())
        return makeError(ErrorCode::InvalidArgument, "an image is empty", what);
    if (image.size() != reference.size() || image.channels() != reference.channels())
        return makeError(ErrorCode::InvalidArgument,
                         "images differ in size or channels (" + std::to_string(image.cols) + "x"
                             + std::to_string(image.rows) + " vs " + std::to_string(reference.cols)
                             + "x" + std::to_string(reference.rows) + "): compare like with like",
                         what);
    if (image.depth() != CV_32F || reference.depth() != CV_32F
        || (image.channels() != 1 && image.channels() != 3))
        return makeError(ErrorCode::InvalidArgument, "expects CV_32FC1 or CV_32FC3 images", what);
    return {};
}

}  // namespace

double ReferenceMetrics::meanSquaredError(const cv::Mat& image, const cv::Mat& reference)
{
    cv::Mat a;
    cv::Mat b;
    image.convertTo(a, CV_64F);
    reference.convertTo(b, CV_64F);
    const cv::Mat diff = a - b;
    const cv::Scalar s = cv::sum(diff.mul(diff));
    return (s[0] + s[1] + s[2] + s[3]) / static_cast<double>(a.total() * a.channels());
}

Result<double> ReferenceMetrics::psnr(const cv::Mat& image, const cv::Mat& reference)
{
    if (auto ok = checkPair(image, reference, "PSNR"); !ok)
        return ok.error();
    const double mse = meanSquaredError(image, reference);
    if (mse == 0.0)
        return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(1.0 / mse);
}

Result<double> ReferenceMetrics::ssim(const cv::Mat& image, const cv::Mat& reference, SsimChannels channels)
{
    if (auto ok = checkPair(image, reference, "SSIM"); !ok)
        return ok.error();
    const auto a = planes(image, channels);
    const auto b = planes(reference, channels);
    double sum = 0.0;
    for (size_t c = 0; c < a.size(); ++c)
        sum += ssimPlane(a[c], b[c]).ssim;
    return sum / static_cast<double>(a.size());
}

Result<double> ReferenceMetrics::msSsim(const cv::Mat& image, const cv::Mat& reference, SsimChannels channels)
{
    if (auto ok = checkPair(image, reference, "MS-SSIM"); !ok)
        return ok.error();
    const int minSide = 1 << (kScales - 1);
    if (image.rows < minSide || image.cols < minSide)
        return makeError(ErrorCode::InvalidArgument,
                         "needs images of at least " + std::to_string(minSide) + " px per side",
                         "MS-SSIM");
    const auto a = planes(image, channels);
    const auto b = planes(reference, channels);
    double sum = 0.0;
    for (size_t c = 0; c < a.size(); ++c)
        sum += msSsimPlane(a[c], b[c]);
    return sum / static_cast<double>(a.size());
}

}  // namespace nocturne::core
