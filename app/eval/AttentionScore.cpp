#include "app/eval/AttentionScore.h"

#include <algorithm>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace nocturne::eval {

cv::Mat attentionTarget(const cv::Mat& x, const cv::Mat& y)
{
    CV_Assert(x.type() == CV_32FC3 && y.type() == CV_32FC3 && x.size() == y.size());
    cv::Mat a(x.size(), CV_32FC1);
    for (int r = 0; r < x.rows; ++r) {
        const auto* px = x.ptr<cv::Vec3f>(r);
        const auto* py = y.ptr<cv::Vec3f>(r);
        auto* pa = a.ptr<float>(r);
        for (int c = 0; c < x.cols; ++c) {
            const float mx = std::max({px[c][0], px[c][1], px[c][2]});
            const float my = std::max({py[c][0], py[c][1], py[c][2]});
            pa[c] = std::clamp((my - mx) / (my + 1e-4f), 0.0f, 1.0f);
        }
    }
    return a;
}

double correlation(const cv::Mat& a, const cv::Mat& b)
{
    cv::Mat fa, fb;
    a.convertTo(fa, CV_64F);
    b.convertTo(fb, CV_64F);
    cv::Scalar ma, sa, mb, sb;
    cv::meanStdDev(fa, ma, sa);
    cv::meanStdDev(fb, mb, sb);
    if (sa[0] <= 0 || sb[0] <= 0)
        return 0.0;
    const double cov = cv::mean((fa - ma[0]).mul(fb - mb[0]))[0];
    return cov / (sa[0] * sb[0]);
}

cv::Mat luminance(const cv::Mat& rgb)
{
    CV_Assert(rgb.type() == CV_32FC3);
    cv::Mat out;
    cv::transform(rgb, out, cv::Matx13f(0.2126f, 0.7152f, 0.0722f));
    return out;
}

cv::Mat blockMeans(const cv::Mat& map, int block)
{
    cv::Mat out;
    cv::resize(map, out, cv::Size(std::max(1, map.cols / block), std::max(1, map.rows / block)), 0, 0,
               cv::INTER_AREA);
    return out;
}

}  // namespace nocturne::eval
