#pragma once

#include <opencv2/core/mat.hpp>

namespace nocturne::eval {

// Scores a brightness-attention map against the BA-GAN paper's Eq. 4 target.

// A = clamp((max_c y - max_c x) / (max_c y + eps), 0, 1) per pixel; x is what the network was
// fed and y the target, both CV_32FC3 display values of the same size. Returns CV_32FC1.
cv::Mat attentionTarget(const cv::Mat& x, const cv::Mat& y);

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
