#include "app/eval/AttentionScore.h"

#include <algorithm>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace nocturne::eval {

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
