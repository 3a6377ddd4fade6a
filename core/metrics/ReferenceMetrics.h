#pragma once

#include <opencv2/core/mat.hpp>

#include "core/base/Result.h"

namespace nocturne::core {

// Which values SSIM / MS-SSIM compare.
//  PerChannel: each of R, G, B separately, then the mean (what skimage's channel_axis and
//              Nocturne's PyTorch validation do).
//  Luminance:  Rec. 709 luma of the values as given (display-encoded images give luma, Y').
enum class SsimChannels { PerChannel, Luminance };

// Full-reference image quality metrics for evaluating enhancement against a target.
// Inputs are CV_32FC1 or CV_32FC3 matrices of equal size with values nominally in [0, 1]
// (data range 1); compare display-encoded values, as the papers do.
//  - PSNR = 10 log10(1 / MSE) over all channels; +inf for identical images.
//  - SSIM (Wang et al. 2004): Gaussian window 11x11, sigma 1.5, K1 = 0.01, K2 = 0.03, computed
//    over the 'valid' region (no padding), mean of the SSIM map.
//  - MS-SSIM (Wang et al. 2003): 5 scales, weights 0.0448, 0.2856, 0.3001, 0.2363, 0.1333;
//    contrast-structure at scales 1-4, full SSIM at scale 5; 2x2 average downsampling (odd sizes
//    replicate the last row/column first); the window shrinks to the image at scales smaller
//    than 11 px; terms are clamped at 1e-6 before the power. Needs a side of at least 16 px.
// This matches models/training/nocturne_models/msssim.py. Thread: pure functions.
class ReferenceMetrics {
public:
    static Result<double> psnr(const cv::Mat& image, const cv::Mat& reference);
    static Result<double> ssim(const cv::Mat& image, const cv::Mat& reference,
                               SsimChannels channels = SsimChannels::PerChannel);
    static Result<double> msSsim(const cv::Mat& image, const cv::Mat& reference,
                                 SsimChannels channels = SsimChannels::PerChannel);
    static double meanSquaredError(const cv::Mat& image, const cv::Mat& reference);

    static constexpr int kWindow = 11;
    static constexpr double kSigma = 1.5;
    static constexpr int kScales = 5;
};

}  // namespace nocturne::core
