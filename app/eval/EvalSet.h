#pragma once

#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/base/Result.h"

namespace nocturne::eval {

// One test case of testset.json (written by models/training/make_testset.py).
struct EvalCase {
    std::string id;
    std::string input;    // absolute path of the DNG / dark PNG
    std::string target;   // absolute path of the 16-bit target PNG (display-encoded sRGB)
    double ratio = 1.0;   // ground-truth exposure ratio (1 for the sRGB cases)
    std::string mode;     // sRGB cases: "camera" or "ba-gan"
};

struct EvalSet {
    std::string name;     // "raw" or "srgb"
    std::vector<EvalCase> cases;
};

// Reads <dir>/testset.json. Thread: any.
core::Result<std::vector<EvalSet>> readTestSet(const std::string& dir);

// The target PNG as display values (R, G, B order, CV_32FC3 in [0,1]), NOT linearised: the
// loader's exact sRGB decoding is inverted, which restores the stored code values.
core::Result<cv::Mat> loadDisplayTarget(const std::string& path);

// The gamma g that makes mean(target^g) equal mean(output) (bisection on [0.05, 20]); applied to
// the target it gives the "gamma-corrected GT" of Lamba & Mitra's Table 2.
double fitBrightnessGamma(const cv::Mat& output, const cv::Mat& target);

}  // namespace nocturne::eval
