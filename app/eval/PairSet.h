#pragma once

#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/base/Result.h"

namespace nocturne::eval {

// One low/normal-light pair in the real-dev layout: <root>/<set>/low/<name> with its reference
// <root>/<set>/high/<name>, or high/<stem>.png when the input is a RAW file.
struct PhotoPair {
    std::string set;     // sub-folder name, e.g. "lol_v1_our485"
    std::string name;    // file name, e.g. "13.png"
    std::string low;     // absolute paths
    std::string high;
};

// Every pair under `root` (folders with low/ and high/ holding the same file names), sorted by
// set then name; `perSet` > 0 keeps the first that many of each set. Fails when `root` is not a
// folder or holds no pair, naming the folder.
core::Result<std::vector<PhotoPair>> findPairs(const std::string& root, int perSet = 0);

// The reference as 8-bit-exact display values: CV_32FC3, R, G, B, code / 255. Fails with the
// file named when it cannot be decoded.
core::Result<cv::Mat> loadReference(const std::string& path);

// Scores of one output against its reference, both display values in [0,1], same size.
struct PairScore {
    double psnr = 0;
    double ssim = 0;
    double psnrGtMean = 0;      // output scaled to the reference's mean luma, then PSNR
    double brightness = 0;      // mean luma of output / mean luma of reference
    double newlyClipped = 0;    // fraction of pixels white in the output but not in the reference
};

// `output` is quantised to 8 bits first (what an 8-bit export holds), as the reference is.
// A pixel is white when one of its channels is at code 255, and "not white in the reference"
// when all of the reference's channels are at or below kReferenceNotWhite (250).
core::Result<PairScore> scorePair(const cv::Mat& output, const cv::Mat& reference);
inline constexpr int kReferenceNotWhite = 250;

// 8-bit quantisation in float: round(clamp(x) * 255) / 255.
cv::Mat quantise8(const cv::Mat& display);

}  // namespace nocturne::eval
