#pragma once

#include <opencv2/core/mat.hpp>

namespace nocturne::core {

// The brightness-attention target of the BA-GAN paper's Eq. 4, as the training computes it
// (models/training/nocturne_data/pairs.py: attention_target, EPS):
//     A = clamp((max_c out - max_c in) / (max_c out + eps), 0, 1)
// per pixel, where `in` and `out` are CV_32FC3 display values of the same size (the dark input
// and the enhanced or reference image). Returns CV_32FC1; empty when the inputs do not match.
// Used as the editor's overlay for methods without an attention map of their own, and by
// nocturne-eval to score the networks' maps. Thread: pure function.
inline constexpr float kBrightnessAttentionEps = 1e-4f;

cv::Mat brightnessAttention(const cv::Mat& in, const cv::Mat& out);

}  // namespace nocturne::core
