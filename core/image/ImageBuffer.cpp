#include "core/image/ImageBuffer.h"

#include <cassert>

#include <opencv2/core.hpp>

namespace nocturne::core {

ImageBuffer::ImageBuffer(int width, int height, ColorEncoding encoding)
    : m_mat(height, width, CV_32FC3, cv::Scalar::all(0)), m_encoding(encoding)
{
}

ImageBuffer::ImageBuffer(cv::Mat rgb32f, ColorEncoding encoding)
    : m_mat(std::move(rgb32f)), m_encoding(encoding)
{
    assert(m_mat.empty() || m_mat.type() == CV_32FC3);
}

ImageBuffer ImageBuffer::clone() const
{
    return ImageBuffer(m_mat.clone(), m_encoding);
}

cv::Mat ImageBuffer::luminance() const
{
    cv::Mat y;
    if (m_mat.empty())
        return y;
    // cv::transform applies the 1x3 matrix to each RGB pixel.
    const cv::Matx13f weights(kLumaR, kLumaG, kLumaB);
    cv::transform(m_mat, y, weights);
    return y;
}

}  // namespace nocturne::core
