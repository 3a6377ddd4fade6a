#pragma once

#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/image/ImageBuffer.h"
#include "core/image/RawMosaic.h"

namespace nocturne::core::netinput {

// Pre- and post-processing shared by the TorchEnhancer's input kinds (models/README.md), kept
// free of torch so it is cheap to compile and test. Thread: pure functions.

// Rows / columns of mirrored padding on top / left that make a mosaic start with R (RGGB).
// BORDER_REFLECT_101 maps row -1 to row 1, so the Bayer parity of every site is preserved.
struct MosaicPhase {
    int top = 0;
    int left = 0;
};
MosaicPhase rggbPhase(CfaPattern pattern);

// Normalised mosaic (black/white per CFA colour) times `gain`, optionally clipped to 1, padded
// to RGGB phase. CV_32FC1 of (height + phase.top) x (width + phase.left).
cv::Mat prepareMosaic(const RawMosaic& mosaic, float gain, bool clip, MosaicPhase phase);

// Packs an RGGB-phase mosaic (even size) into SID order R, G(red row), B, G(blue row) at half
// resolution: four CV_32FC1 planes.
std::vector<cv::Mat> packBayer(const cv::Mat& rggb);

// Linear RGB amplified by `gain` as Exposure::amplify does (highlight shoulder; gain 1 leaves the
// values alone) and encoded with the exact sRGB curve (the inverse of the decoder's
// linearisation): CV_32FC3.
cv::Mat prepareSrgb(const ImageBuffer& linearRgb, float gain);

// Renders a network's linear camera-RGB output (manifest output "camera_linear", sensor
// orientation, CV_32FC3) as the decoder renders the same sensor data for "amplify only": the
// as-shot white balance scaled so that its smallest multiplier is 1, each channel clipped at 1
// (LibRaw's scale_colors), then the camera-to-sRGB matrix, clamped to [0, 1]. Linear sRGB.
cv::Mat renderCameraRgb(const cv::Mat& cameraRgb, const RawMosaic& mosaic);

// Where an amplified mosaic (prepareMosaic's output, RGGB phase) reached the clip: a weight in
// [0, 1], 1 on and next to saturated sites, fading out over a few pixels (CV_32FC1, same size).
// A camera-linear network's output there is replaced by the decoder's rendering: clipped sites
// hold no noise to remove, and a network that softens the edge of a clipped lamp in camera RGB
// leaves magenta rims once the white balance lifts red and blue past the clip.
cv::Mat saturationWeight(const cv::Mat& amplifiedMosaic);

// Rotates / mirrors sensor-oriented pixels the way EXIF `orientation` (1-8) asks for display,
// as the decoder did for the RGB rendering.
cv::Mat applyOrientation(const cv::Mat& image, int orientation);

}  // namespace nocturne::core::netinput
