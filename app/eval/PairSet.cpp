#include "app/eval/PairSet.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/image/ImageBuffer.h"
#include "core/metrics/ReferenceMetrics.h"

namespace nocturne::eval {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::makeError;

namespace {

cv::Mat luma(const cv::Mat& rgb)
{
    cv::Mat y;
    cv::transform(rgb, y, cv::Matx13f(core::kLumaR, core::kLumaG, core::kLumaB));
    return y;
}

}  // namespace

core::Result<std::vector<PhotoPair>> findPairs(const std::string& root, int perSet)
{
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return makeError(ErrorCode::NotFound, "not a folder of pairs (<set>/low, <set>/high)", root);
    std::vector<fs::path> sets;
    for (const auto& entry : fs::directory_iterator(root, ec))
        if (entry.is_directory() && fs::is_directory(entry.path() / "low") && fs::is_directory(entry.path() / "high"))
            sets.push_back(entry.path());
    std::sort(sets.begin(), sets.end());
    std::vector<PhotoPair> pairs;
    for (const fs::path& set : sets) {
        // The reference has the same name, or the same stem as a PNG (a RAW input's rendering).
        const auto referenceOf = [&set](const fs::path& low) {
            std::error_code e;
            fs::path high = set / "high" / low.filename();
            if (fs::is_regular_file(high, e))
                return high;
            high = set / "high" / (low.stem().string() + ".png");
            return fs::is_regular_file(high, e) ? high : fs::path();
        };
        std::vector<fs::path> lows;
        for (const auto& entry : fs::directory_iterator(set / "low", ec))
            if (entry.is_regular_file() && !referenceOf(entry.path()).empty())
                lows.push_back(entry.path());
        std::sort(lows.begin(), lows.end());
        if (perSet > 0 && static_cast<int>(lows.size()) > perSet)
            lows.resize(perSet);
        for (const fs::path& low : lows)
            pairs.push_back({set.filename().string(), low.filename().string(), fs::absolute(low).string(),
                             fs::absolute(referenceOf(low)).string()});
    }
    if (pairs.empty())
        return makeError(ErrorCode::NotFound, "holds no low/high pairs (<set>/low/NAME with <set>/high/NAME)", root);
    return pairs;
}

core::Result<cv::Mat> loadReference(const std::string& path)
{
    const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty())
        return makeError(ErrorCode::CorruptData, "cannot decode the reference image", path);
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    rgb.convertTo(rgb, CV_32FC3, bgr.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0);
    return quantise8(rgb);
}

cv::Mat quantise8(const cv::Mat& display)
{
    cv::Mat q;
    display.convertTo(q, CV_8U, 255.0);   // saturating, rounds to nearest
    q.convertTo(q, CV_32F, 1.0 / 255.0);
    return q;
}

core::Result<PairScore> scorePair(const cv::Mat& output, const cv::Mat& reference)
{
    if (output.size() != reference.size() || output.type() != CV_32FC3 || reference.type() != CV_32FC3)
        return makeError(ErrorCode::InvalidArgument, "output and reference differ in size or type");
    const cv::Mat out = quantise8(output);
    PairScore s;
    s.psnr = *core::ReferenceMetrics::psnr(out, reference);
    s.ssim = *core::ReferenceMetrics::ssim(out, reference);
    const double outMean = cv::mean(luma(out))[0];
    const double refMean = cv::mean(luma(reference))[0];
    s.brightness = refMean > 0 ? outMean / refMean : 0.0;
    cv::Mat scaled = out * (outMean > 0 ? refMean / outMean : 1.0);
    cv::min(cv::max(scaled, 0.0), 1.0, scaled);
    s.psnrGtMean = *core::ReferenceMetrics::psnr(quantise8(scaled), reference);

    long long clipped = 0;
    const float white = 254.5f / 255.0f;
    const float notWhite = (kReferenceNotWhite + 0.5f) / 255.0f;
    for (int r = 0; r < out.rows; ++r) {
        const auto* o = out.ptr<cv::Vec3f>(r);
        const auto* g = reference.ptr<cv::Vec3f>(r);
        for (int c = 0; c < out.cols; ++c) {
            const bool outWhite = std::max({o[c][0], o[c][1], o[c][2]}) > white;
            const bool refBelow = std::max({g[c][0], g[c][1], g[c][2]}) < notWhite;
            clipped += outWhite && refBelow;
        }
    }
    s.newlyClipped = static_cast<double>(clipped) / static_cast<double>(out.total());
    return s;
}

}  // namespace nocturne::eval
