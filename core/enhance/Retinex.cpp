#include "core/enhance/Retinex.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/enhance/ClassicalSupport.h"
#include "core/enhance/Gamma.h"

namespace nocturne::core {

namespace {

// Bins of the histogram used to find the clip points of the final stretch.
constexpr int kStretchBins = 4096;
// The shrunk copy keeps at least this many pixels on its short side.
constexpr int kMinShrunkSide = 16;

// Values at the lower and upper clip fractions of all channel values of `m`.
std::pair<float, float> clipPoints(const cv::Mat& m, double fraction)
{
    double lo = 0.0;
    double hi = 0.0;
    cv::minMaxLoc(m.reshape(1), &lo, &hi);
    if (!(hi > lo))
        return {static_cast<float>(lo), static_cast<float>(hi)};
    std::vector<double> hist(kStretchBins, 0.0);
    const double scale = (kStretchBins - 1) / (hi - lo);
    const cv::Mat flat = m.reshape(1);
    for (int r = 0; r < flat.rows; ++r) {
        const auto* p = flat.ptr<float>(r);
        for (int c = 0; c < flat.cols; ++c)
            hist[std::clamp(static_cast<int>((p[c] - lo) * scale), 0, kStretchBins - 1)] += 1.0;
    }
    const double total = static_cast<double>(flat.total());
    const double cut = std::clamp(fraction, 0.0, 0.49) * total;
    int low = 0;
    for (double acc = 0.0; low < kStretchBins - 1 && acc + hist[low] <= cut; ++low)
        acc += hist[low];
    int high = kStretchBins - 1;
    for (double acc = 0.0; high > 0 && acc + hist[high] <= cut; --high)
        acc += hist[high];
    const auto value = [&](int bin) { return static_cast<float>(lo + bin / scale); };
    return {value(low), std::min(static_cast<float>(hi), value(std::max(high, low) + 1))};
}

}  // namespace

Retinex::Retinex(RetinexSettings settings) : m_settings(settings)
{
    m_info.id = "retinex";
    m_info.displayName = "Multi-scale Retinex (MSRCR)";
    m_info.description = "Divides out smooth illumination at three scales and restores colour; "
                         "lifts shadows strongly.";
    m_info.reference = "Jobson, Rahman & Woodell, IEEE Trans. Image Processing 6(7), 1997";
    m_info.inputKind = InputKind::LinearRgb;
}

cv::Mat Retinex::surround(const cv::Mat& image, double sigma)
{
    cv::Mat blurred;
    int factor = 1;
    if (sigma >= kDownscaleSigma) {
        const int shortSide = std::min(image.rows, image.cols);
        while (sigma / (factor * 2) >= kMinScaledSigma && shortSide / (factor * 2) >= kMinShrunkSide)
            factor *= 2;
    }
    if (factor == 1) {
        cv::GaussianBlur(image, blurred, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT);
        return blurred;
    }
    cv::Mat small;
    const cv::Size smallSize(std::max(1, image.cols / factor), std::max(1, image.rows / factor));
    cv::resize(image, small, smallSize, 0, 0, cv::INTER_AREA);
    // The scale actually used per axis, so the surround keeps its size in full-resolution pixels.
    const double sx = static_cast<double>(smallSize.width) / image.cols;
    const double sy = static_cast<double>(smallSize.height) / image.rows;
    const double compensated = std::sqrt(std::max(sigma * sigma - factor * factor / 4.0, 1.0));
    cv::GaussianBlur(small, small, cv::Size(0, 0), compensated * sx, compensated * sy,
                     cv::BORDER_REFLECT);
    cv::resize(small, blurred, image.size(), 0, 0, cv::INTER_LINEAR);
    return blurred;
}

Result<EnhanceOutput> Retinex::enhance(const EnhanceInput& input, const RunContext& ctx) const
{
    return classical::amplifyThen(m_info, input, ctx, [&](ImageBuffer amplified) -> Result<EnhanceOutput> {
        // I in the 8-bit-like scale, +1 so every logarithm is finite.
        cv::Mat intensity = Gamma::encode(amplified, Gamma::kReference).mat();
        amplified = ImageBuffer();   // release: full frames are large
        intensity.convertTo(intensity, CV_32F, 255.0, 1.0);

        // sum_s w_s log(G_s * I), accumulated one scale at a time to bound memory.
        cv::Mat logSurroundSum(intensity.size(), CV_32FC3, cv::Scalar::all(0));
        const float weight = 1.0f / static_cast<float>(m_settings.scales.size());
        for (size_t s = 0; s < m_settings.scales.size(); ++s) {
            if (ctx.stopRequested())
                return classical::cancelled(m_info, input);
            ctx.progress(0.1 + 0.2 * static_cast<double>(s), "retinex scale");
            cv::Mat logSurround = surround(intensity, m_settings.scales[s]);
            cv::parallel_for_(cv::Range(0, logSurround.rows), [&](const cv::Range& rows) {
                cv::Mat band = logSurround.rowRange(rows.start, rows.end);
                cv::Mat acc = logSurroundSum.rowRange(rows.start, rows.end);
                cv::log(band, band);
                cv::scaleAdd(band, weight, acc, acc);
            });
        }

        if (ctx.stopRequested())
            return classical::cancelled(m_info, input);
        ctx.progress(0.7, "colour restoration");
        // Per pixel and channel, with logI = log I_i:
        //   R = logI - sum_s w_s log(G_s * I)
        //   C = beta [log alpha + logI - log(sum_c I_c)]
        //   out = G (C R + b)        (written over the intensity buffer)
        const float beta = static_cast<float>(m_settings.beta);
        const float logAlpha = static_cast<float>(std::log(m_settings.alpha));
        const float gain = static_cast<float>(m_settings.gain);
        const float offset = static_cast<float>(m_settings.offset);
        cv::Mat& msrcr = intensity;
        cv::parallel_for_(cv::Range(0, intensity.rows), [&](const cv::Range& rows) {
            cv::Mat band = intensity.rowRange(rows.start, rows.end);
            cv::Mat logSum;
            cv::transform(band, logSum, cv::Matx13f(1.0f, 1.0f, 1.0f));
            cv::log(logSum, logSum);
            cv::log(band, band);
            for (int r = 0; r < band.rows; ++r) {
                auto* px = band.ptr<cv::Vec3f>(r);
                const auto* sur = logSurroundSum.ptr<cv::Vec3f>(rows.start + r);
                const auto* ls = logSum.ptr<float>(r);
                for (int c = 0; c < band.cols; ++c) {
                    for (int ch = 0; ch < 3; ++ch) {
                        const float logI = px[c][ch];
                        const float retinex = logI - sur[c][ch];
                        const float restoration = beta * (logAlpha + logI - ls[c]);
                        px[c][ch] = gain * (restoration * retinex + offset);
                    }
                }
            }
        });
        logSurroundSum.release();

        if (ctx.stopRequested())
            return classical::cancelled(m_info, input);
        ctx.progress(0.85, "stretch");
        const auto [lo, hi] = clipPoints(msrcr, m_settings.clipPercent / 100.0);
        if (hi > lo)
            msrcr.convertTo(msrcr, CV_32F, 1.0 / (hi - lo), -lo / (hi - lo));
        else
            msrcr.setTo(cv::Scalar::all(0.5));
        const cv::Mat display = msrcr;
        ImageBuffer out = Gamma::decode(ImageBuffer(display, ColorEncoding::Display),
                                        Gamma::kReference);
        ctx.progress(1.0, "stretch");
        return EnhanceOutput{std::move(out), cv::Mat()};
    });
}

}  // namespace nocturne::core
