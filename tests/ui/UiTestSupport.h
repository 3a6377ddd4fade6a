#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <QString>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/enhance/EnhancerRegistry.h"
#include "core/image/DecodedImage.h"

// Fakes and fixtures shared by the ui suites.
namespace nocturne::uitest {

// Counts enhance() calls; output = clamp(gain * input). Optionally slow (checks stop every ms),
// to make coalescing and cancellation observable.
class CountingEnhancer : public core::Enhancer {
public:
    explicit CountingEnhancer(std::string id = "count", int delayMs = 0,
                              core::InputKind kind = core::InputKind::LinearRgb)
        : m_delayMs(delayMs)
    {
        m_info.id = std::move(id);
        m_info.displayName = "Counting " + m_info.id;
        m_info.description = "test enhancer";
        m_info.reference = "Test et al. 2026";
        m_info.inputKind = kind;
    }

    const core::EnhancerInfo& info() const override { return m_info; }
    // A network that refines the engine's amplified (and denoised) picture, as ba-gan does.
    void setTakesAmplifiedImage(bool takes) { m_info.takesAmplifiedImage = takes; }

    core::Result<core::EnhanceOutput> enhance(const core::EnhanceInput& input,
                                              const core::RunContext& ctx) const override
    {
        ++m_calls;
        for (int i = 0; i < m_delayMs; ++i) {
            if (ctx.stopRequested())
                return core::makeError(core::ErrorCode::Cancelled, "cancelled");
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        cv::Mat out = input.source.rgb.mat() * input.gain;
        cv::min(out, 1.0, out);
        return core::EnhanceOutput{core::ImageBuffer(out), {}};
    }

    int calls() const { return m_calls.load(); }

private:
    core::EnhancerInfo m_info;
    int m_delayMs;
    mutable std::atomic<int> m_calls{0};
};

// A uniform-ish dark test picture: a horizontal ramp times `level`, in linear RGB.
inline core::DecodedImage makeDarkImage(int width, int height, float level = 0.05f,
                                        const std::string& path = "synthetic.png")
{
    cv::Mat rgb(height, width, CV_32FC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const float t = static_cast<float>(x) / static_cast<float>(std::max(1, width - 1));
            rgb.at<cv::Vec3f>(y, x) = cv::Vec3f(level * t, level * (0.5f + 0.5f * t), level * 0.5f);
        }
    core::DecodedImage image;
    image.rgb = core::ImageBuffer(rgb);
    image.meta.sourcePath = path;
    image.meta.format = "PNG";
    image.meta.width = width;
    image.meta.height = height;
    return image;
}

// Writes an 8-bit dark PNG (BGR gradient) and returns whether it worked.
inline bool writeDarkPng(const QString& path, int width = 64, int height = 48, int level = 40)
{
    cv::Mat img(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            img.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(level * x / width),
                                                static_cast<uchar>(level * y / height),
                                                static_cast<uchar>(level / 2 + (x + y) % 8));
    return cv::imwrite(path.toStdString(), img);
}

}  // namespace nocturne::uitest
