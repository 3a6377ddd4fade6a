#pragma once

#include <opencv2/core/mat.hpp>

namespace nocturne::eval {

// Scores a brightness-attention map against the BA-GAN paper's Eq. 4 target
// (core::brightnessAttention of what the network was fed and the reference).

// Pearson correlation of two single-channel maps; 0 when either is constant.
double correlation(const cv::Mat& a, const cv::Mat& b);

// Rec. 709 luminance of a CV_32FC3 R, G, B image (CV_32FC1). Its correlation with the target's
// catches outputs that score on PSNR/SSIM while showing nothing (a network collapsed to a flat
// colour reaches a decent SSIM against dark, low-contrast targets).
cv::Mat luminance(const cv::Mat& rgb);

// Means over block x block tiles (area resampling). The Eq. 4 target is computed pixel by pixel
// from a noisy input, so most of its per-pixel variance is that noise; agreement in the map's
// layout shows at block scale.
cv::Mat blockMeans(const cv::Mat& map, int block = 8);

}  // namespace nocturne::eval
