#pragma once

#include <array>

#include <opencv2/core/mat.hpp>

#include "core/enhance/Enhancer.h"

namespace nocturne::core {

// Constants of MSRCR. Defaults are those of Jobson, Rahman & Woodell, "A Multiscale Retinex for
// Bridging the Gap Between Color Images and the Human Observation of Scenes", IEEE Trans. Image
// Processing 6(7), 1997.
struct RetinexSettings {
    // Surround Gaussian sigmas in pixels of the image being processed, equal weights 1/3.
    std::array<double, 3> scales{15.0, 80.0, 250.0};
    double alpha = 125.0;         // colour restoration: C_i = beta * [log(alpha I_i) - log(sum_c I_c)]
    double beta = 46.0;
    double gain = 192.0;          // G in MSRCR = G * (C_i * R_i + b)
    double offset = -30.0;        // b
    double clipPercent = 1.0;     // simplest-colour-balance clip at each end, percent of values
};

// Id "retinex": Multi-Scale Retinex with Colour Restoration (MSRCR).
//  I_i  = 255 * display-encoded amplified image (Gamma::kReference), channel i, plus 1 so that
//         no logarithm sees 0 (the classic 8-bit formulation);
//  R_i  = sum_s (1/3) [log I_i - log(G_s * I_i)]  (G_s * I_i: Gaussian blur of I_i, sigma_s);
//  C_i  = beta [log(alpha I_i) - log(sum_c I_c)];
//  out  = G (C_i R_i + b);
//  then one affine stretch for all three channels that clips clipPercent % of the values at each
//  end to [0, 1] ("simplest colour balance", applied jointly so the colour restoration is kept
//  rather than re-balanced per channel); the result is display values, decoded to linear with
//  Gamma::kReference.
// Speed: a surround with sigma >= kDownscaleSigma is computed on a copy shrunk by the largest
// power of two f that keeps sigma / f >= kMinScaledSigma (area averaging), blurred there, and
// upsampled bilinearly. The shrinking box (variance f^2/12) and the bilinear upsampling (about
// f^2/6) add to the blur, so the sigma used on the small copy is sqrt(sigma^2 - f^2/4) / f. A
// Gaussian of sigma >= 8 px has no detail that this loses at display precision (see the test),
// and it turns the full-resolution 121-tap sigma-15 blur of a 24 MP frame into a small one.
// Thread: immutable after construction; enhance() is safe to call concurrently.
class Retinex final : public Enhancer {
public:
    static constexpr double kDownscaleSigma = 8.0;
    static constexpr double kMinScaledSigma = 4.0;

    explicit Retinex(RetinexSettings settings = {});

    const EnhancerInfo& info() const override { return m_info; }
    const RetinexSettings& settings() const { return m_settings; }
    Result<EnhanceOutput> enhance(const EnhanceInput& input, const RunContext& ctx) const override;

    // The Gaussian surround G_s * I of a CV_32FC3 image, with the downscaling described above.
    static cv::Mat surround(const cv::Mat& image, double sigma);

private:
    EnhancerInfo m_info;
    RetinexSettings m_settings;
};

}  // namespace nocturne::core
