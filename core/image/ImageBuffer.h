#pragma once

#include <opencv2/core/mat.hpp>

namespace nocturne::core {

// A channel value clamped to [0, 1], NaN to 0: what every stage that leaves the nominal range
// (encoders, the export's quantiser, renderings) does to out-of-range values.
inline float clampUnit(float v)
{
    return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
}

// How the float values of an ImageBuffer relate to light.
//  Linear:  proportional to scene light (what decoders produce and enhancers return).
//  Display: encoded for a screen or file by the Gamma stage; what ImageWriter and the UI consume.
enum class ColorEncoding { Linear, Display };

// A float32, 3-channel image in R, G, B order (not OpenCV's BGR), nominal range [0, 1] but
// unclamped (amplified linear data may exceed 1). Owns its pixels through a cv::Mat, so copies
// share data: call clone() before mutating a buffer someone else may hold.
// Thread: a value type; safe to share read-only across threads.
class ImageBuffer {
public:
    ImageBuffer() = default;
    ImageBuffer(int width, int height, ColorEncoding encoding = ColorEncoding::Linear);
    // Adopts a CV_32FC3 RGB matrix (shares its data).
    explicit ImageBuffer(cv::Mat rgb32f, ColorEncoding encoding = ColorEncoding::Linear);

    bool empty() const { return m_mat.empty(); }
    int width() const { return m_mat.cols; }
    int height() const { return m_mat.rows; }
    long long pixelCount() const { return static_cast<long long>(m_mat.cols) * m_mat.rows; }
    ColorEncoding encoding() const { return m_encoding; }
    void setEncoding(ColorEncoding encoding) { m_encoding = encoding; }

    cv::Mat& mat() { return m_mat; }
    const cv::Mat& mat() const { return m_mat; }

    ImageBuffer clone() const;

    // Rec. 709 luminance of each pixel as a CV_32FC1 matrix (same encoding as the buffer).
    cv::Mat luminance() const;

private:
    cv::Mat m_mat;
    ColorEncoding m_encoding = ColorEncoding::Linear;
};

// Rec. 709 / sRGB luminance weights, used wherever "luminance" is meant.
inline constexpr float kLumaR = 0.2126f;
inline constexpr float kLumaG = 0.7152f;
inline constexpr float kLumaB = 0.0722f;

}  // namespace nocturne::core
