// nocturne-make-sample: renders the bundled sample photo, a synthetic night street shot as a
// 14-bit RGGB DNG, deterministically (same arguments, same bytes). The scene is built in linear
// scene light (albedo lit by street lamps and sky glow, plus emitters: sky, windows, lamps), then
// exposed like a short handheld night shot and sampled through a Bayer filter with
// Poisson-Gaussian sensor noise. See resources/samples/README.md for the committed command.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/enhance/Amplifier.h"
#include "core/image/RawMosaic.h"
#include "tests/support/DngWriter.h"

namespace {

using Rgb = cv::Vec3f;

struct SampleArgs {
    std::string output;
    int width = 1200;
    int height = 800;
    double exposure = 0.3;   // fraction of full well for scene value 1.0
    unsigned seed = 2026;
};

// Integer hash -> [0, 1): deterministic texture without a random stream.
float hash01(int x, int y, unsigned seed)
{
    std::uint32_t h = static_cast<std::uint32_t>(x) * 374761393u
                      + static_cast<std::uint32_t>(y) * 668265263u + seed * 2246822519u;
    h = (h ^ (h >> 13)) * 1274126177u;
    h ^= h >> 16;
    return static_cast<float>(h & 0xFFFFFFu) / static_cast<float>(0x1000000);
}

// Smooth value noise with a few octaves, in [0, 1].
float fbm(float x, float y, unsigned seed)
{
    float sum = 0.0f;
    float amplitude = 0.5f;
    float norm = 0.0f;
    for (int octave = 0; octave < 4; ++octave) {
        const int xi = static_cast<int>(std::floor(x));
        const int yi = static_cast<int>(std::floor(y));
        const float fx = x - static_cast<float>(xi);
        const float fy = y - static_cast<float>(yi);
        const float sx = fx * fx * (3 - 2 * fx);
        const float sy = fy * fy * (3 - 2 * fy);
        const unsigned s = seed + static_cast<unsigned>(octave) * 101u;
        const float a = hash01(xi, yi, s), b = hash01(xi + 1, yi, s);
        const float c = hash01(xi, yi + 1, s), d = hash01(xi + 1, yi + 1, s);
        sum += amplitude * ((a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy);
        norm += amplitude;
        amplitude *= 0.5f;
        x *= 2.03f;
        y *= 2.03f;
    }
    return sum / norm;
}

struct Lamp {
    cv::Point2f head;
    Rgb color;      // emitted colour x power
    float radius;   // size of the lamp head in pixels
};

// The night street in linear scene light; 1.0 is a brightly lit window.
class NightScene {
public:
    NightScene(int width, int height, unsigned seed)
        : m_w(width), m_h(height), m_seed(seed), m_rng(seed),
          m_albedo(height, width, CV_32FC3, cv::Scalar::all(0)),
          m_emission(height, width, CV_32FC3, cv::Scalar::all(0))
    {
        m_groundY = static_cast<int>(0.70 * height);
        m_kerbY = static_cast<int>(0.75 * height);
    }

    cv::Mat render()
    {
        drawSky();
        drawBuildings();
        drawStreet();
        placeLamps();
        drawCar();
        cv::Mat radiance = light();
        // A touch of lens softness so hard synthetic edges do not alias in the mosaic.
        cv::GaussianBlur(radiance, radiance, cv::Size(0, 0), 0.6);
        addBloom(radiance);
        return radiance;
    }

private:
    float uni(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(m_rng); }
    float sx(float fraction) const { return fraction * static_cast<float>(m_w); }
    float sy(float fraction) const { return fraction * static_cast<float>(m_h); }

    void drawSky()
    {
        for (int y = 0; y < m_groundY; ++y) {
            const float t = static_cast<float>(y) / static_cast<float>(m_groundY);
            // Deep blue overhead, sodium-orange city glow towards the horizon.
            const Rgb top(0.006f, 0.009f, 0.022f);
            const Rgb horizon(0.040f, 0.030f, 0.026f);
            auto* row = m_emission.ptr<Rgb>(y);
            for (int x = 0; x < m_w; ++x) {
                const float cloud = 0.75f + 0.5f * fbm(x / 180.0f, y / 70.0f, m_seed + 7);
                row[x] = (top * (1 - t * t) + horizon * (t * t)) * cloud;
            }
        }
        for (int i = 0; i < 60; ++i) {
            const int x = static_cast<int>(uni(0, static_cast<float>(m_w - 1)));
            const int y = static_cast<int>(uni(0, sy(0.25f)));
            m_emission.at<Rgb>(y, x) += Rgb(1, 1, 1) * uni(0.05f, 0.4f);
        }
    }

    void drawBuildings()
    {
        int x = -static_cast<int>(uni(0, 40));
        while (x < m_w) {
            const int width = static_cast<int>(uni(sx(0.12f), sx(0.24f)));
            const int top = static_cast<int>(uni(sy(0.12f), sy(0.42f)));
            const bool brick = uni(0, 1) < 0.5f;
            const Rgb base = brick ? Rgb(0.34f, 0.20f, 0.14f) * uni(0.8f, 1.1f)
                                   : Rgb(0.36f, 0.36f, 0.38f) * uni(0.7f, 1.1f);
            const int x0 = std::max(0, x), x1 = std::min(m_w, x + width);
            for (int y = top; y < m_groundY; ++y) {
                auto* row = m_albedo.ptr<Rgb>(y);
                for (int xx = x0; xx < x1; ++xx) {
                    float texture = 0.75f + 0.5f * fbm(xx / 9.0f, y / 9.0f, m_seed + 3);
                    if (brick && ((y % 7) == 0 || ((xx + (y / 7 % 2) * 6) % 12) == 0))
                        texture *= 0.6f;   // mortar lines
                    row[xx] = base * texture;
                    if (y < top + 4)
                        row[xx] = Rgb(0.05f, 0.05f, 0.05f);   // roof ledge
                }
                // Emission stays zero on facades; the roofline is set against the sky.
                auto* erow = m_emission.ptr<Rgb>(y);
                for (int xx = x0; xx < x1; ++xx)
                    erow[xx] = Rgb(0, 0, 0);
            }
            drawWindows(x, width, top);
            x += width + static_cast<int>(uni(0, sx(0.02f)));
        }
    }

    void drawWindows(int bx, int bw, int top)
    {
        const int winW = static_cast<int>(uni(14, 22));
        const int winH = static_cast<int>(winW * uni(1.3f, 1.7f));
        const int gapX = static_cast<int>(winW * uni(0.8f, 1.3f));
        const int gapY = static_cast<int>(winH * 0.6f);
        const int floorsBottom = m_groundY - static_cast<int>(winH * 1.8f);   // shop level below
        for (int wy = top + gapY; wy + winH < floorsBottom; wy += winH + gapY) {
            for (int wx = bx + gapX; wx + winW < bx + bw - gapX / 2; wx += winW + gapX) {
                const float pick = uni(0, 1);
                Rgb glow(0.015f, 0.015f, 0.02f);   // dark window: reflects a little sky
                if (pick < 0.30f)
                    glow = Rgb(1.0f, 0.62f, 0.28f) * uni(0.4f, 1.2f);    // tungsten
                else if (pick < 0.36f)
                    glow = Rgb(0.45f, 0.60f, 1.0f) * uni(0.2f, 0.5f);    // a television
                else if (pick < 0.42f)
                    glow = Rgb(0.95f, 0.9f, 0.8f) * uni(0.5f, 0.9f);     // LED
                const bool curtain = uni(0, 1) < 0.4f;
                for (int y = std::max(0, wy); y < std::min(m_h, wy + winH); ++y) {
                    for (int x = std::max(0, wx); x < std::min(m_w, wx + winW); ++x) {
                        const bool frame = x == wx || x == wx + winW - 1 || y == wy
                                           || y == wy + winH - 1 || x == wx + winW / 2;
                        m_albedo.at<Rgb>(y, x) = frame ? Rgb(0.3f, 0.3f, 0.3f) : Rgb(0, 0, 0);
                        if (frame)
                            continue;
                        // Interior light falls off towards the top; curtains mottle it.
                        float shade = 0.6f + 0.4f * static_cast<float>(y - wy) / winH;
                        if (curtain)
                            shade *= 0.5f + 0.5f * fbm(x / 2.5f, y / 12.0f, m_seed + 11);
                        m_emission.at<Rgb>(y, x) = glow * shade;
                    }
                }
            }
        }
        // A shop window at street level, warm and bright.
        if (uni(0, 1) < 0.5f) {
            const cv::Rect shop(bx + bw / 6, m_groundY - winH - winH / 2, bw * 2 / 3, winH);
            const cv::Rect clipped = shop & cv::Rect(0, 0, m_w, m_h);
            m_emission(clipped).setTo(cv::Scalar(1.1f, 0.85f, 0.55f));
            m_albedo(clipped).setTo(cv::Scalar::all(0));
        }
    }

    void drawStreet()
    {
        for (int y = m_groundY; y < m_h; ++y) {
            auto* row = m_albedo.ptr<Rgb>(y);
            m_emission.row(y).setTo(cv::Scalar::all(0));
            for (int x = 0; x < m_w; ++x) {
                if (y < m_kerbY) {
                    // Paving slabs.
                    const bool joint = (x % 48) < 2 || ((y - m_groundY) % 24) < 2;
                    row[x] = Rgb(0.30f, 0.29f, 0.27f) * (joint ? 0.5f : 0.9f + 0.2f * hash01(x / 48, y / 24, m_seed));
                } else if (y < m_kerbY + 5) {
                    row[x] = Rgb(0.45f, 0.45f, 0.43f);   // kerb stone
                } else {
                    // Asphalt: fine grain plus larger patches.
                    const float grain = 0.8f + 0.4f * hash01(x, y, m_seed + 5);
                    const float patch = 0.8f + 0.4f * fbm(x / 60.0f, y / 25.0f, m_seed + 9);
                    row[x] = Rgb(0.11f, 0.11f, 0.115f) * (grain * patch);
                    const int laneY = static_cast<int>(sy(0.90f));
                    if (std::abs(y - laneY) < 3 && (x % 140) < 80)
                        row[x] = Rgb(0.65f, 0.62f, 0.5f) * (0.8f + 0.2f * grain);   // lane dashes
                }
            }
        }
    }

    void placeLamps()
    {
        const int count = 4;
        for (int i = 0; i < count; ++i) {
            const float x = sx((i + 0.5f) / count) + uni(-sx(0.04f), sx(0.04f));
            const float headY = sy(0.36f) + uni(-sy(0.02f), sy(0.02f));
            const bool sodium = i % 2 == 0;
            const Rgb color = sodium ? Rgb(1.0f, 0.55f, 0.18f) : Rgb(0.9f, 0.92f, 1.0f);
            m_lamps.push_back({cv::Point2f(x, headY), color * 60.0f, 5.0f});
            // Pole and arm.
            const int poleX = static_cast<int>(x) + 14;
            const int baseY = m_kerbY - 2;
            for (int y = static_cast<int>(headY); y < baseY; ++y)
                for (int dx = -2; dx <= 2; ++dx) {
                    const int px = poleX + dx;
                    if (px >= 0 && px < m_w) {
                        m_albedo.at<Rgb>(y, px) = Rgb(0.08f, 0.09f, 0.08f);
                        m_emission.at<Rgb>(y, px) = Rgb(0, 0, 0);
                    }
                }
        }
    }

    void drawCar()
    {
        // A parked car silhouette at the kerb, its tail lights on.
        const int x0 = static_cast<int>(sx(0.58f));
        const int x1 = x0 + static_cast<int>(sx(0.20f));
        const int bottom = static_cast<int>(sy(0.86f));
        const int roof = bottom - static_cast<int>(sy(0.11f));
        for (int y = roof; y < bottom; ++y) {
            const float t = static_cast<float>(y - roof) / static_cast<float>(bottom - roof);
            const int inset = t < 0.45f ? static_cast<int>((0.45f - t) * sx(0.12f)) : 0;
            for (int x = x0 + inset; x < x1 - inset / 2; ++x) {
                const bool glass = t < 0.42f && t > 0.08f;
                m_albedo.at<Rgb>(y, x) = glass ? Rgb(0.04f, 0.05f, 0.06f) : Rgb(0.10f, 0.13f, 0.18f);
                m_emission.at<Rgb>(y, x) = Rgb(0, 0, 0);
            }
        }
        const cv::Rect tail(x1 - 12, bottom - static_cast<int>(sy(0.05f)), 10, 8);
        m_emission(tail & cv::Rect(0, 0, m_w, m_h)).setTo(cv::Scalar(6.0f, 0.3f, 0.2f));
        m_lamps.push_back({cv::Point2f(x1 - 7.0f, tail.y + 4.0f), Rgb(4.0f, 0.2f, 0.15f), 0.0f});
    }

    // Radiance = albedo x (sky glow + lamp light) + emission.
    cv::Mat light() const
    {
        cv::Mat radiance(m_h, m_w, CV_32FC3);
        const Rgb ambient(0.020f, 0.022f, 0.030f);
        for (int y = 0; y < m_h; ++y) {
            const auto* albedo = m_albedo.ptr<Rgb>(y);
            const auto* emission = m_emission.ptr<Rgb>(y);
            auto* out = radiance.ptr<Rgb>(y);
            const bool ground = y >= m_groundY;
            for (int x = 0; x < m_w; ++x) {
                Rgb irradiance = ambient;
                for (const auto& lamp : m_lamps) {
                    if (lamp.radius <= 0.0f)
                        continue;   // tail lights do not light the scene
                    const float dx = (x - lamp.head.x) / sx(0.09f);
                    // Lamps hang in front of the facades: their light on the ground spreads
                    // as a pool, on the walls as a cone below the head.
                    const float dy = ground ? (y - m_kerbY + 20) / sy(0.12f)
                                            : (y - lamp.head.y) / sy(0.25f);
                    const float falloff = 1.0f / std::pow(1.0f + dx * dx + dy * dy, 1.5f);
                    const float above = ground || y > lamp.head.y ? 1.0f : 0.25f;
                    irradiance += lamp.color * (0.005f * falloff * above);
                }
                out[x] = albedo[x].mul(irradiance) + emission[x];
            }
        }
        return radiance;
    }

    // Lamp heads with the veiling glare around them that makes night shots read as night.
    void addBloom(cv::Mat& radiance) const
    {
        for (const auto& lamp : m_lamps) {
            const float reach = lamp.radius > 0.0f ? 160.0f : 40.0f;
            const int y0 = std::max(0, static_cast<int>(lamp.head.y - reach));
            const int y1 = std::min(m_h, static_cast<int>(lamp.head.y + reach));
            const int x0 = std::max(0, static_cast<int>(lamp.head.x - reach));
            const int x1 = std::min(m_w, static_cast<int>(lamp.head.x + reach));
            const float core = std::max(lamp.radius, 3.0f);
            for (int y = y0; y < y1; ++y) {
                auto* out = radiance.ptr<Rgb>(y);
                for (int x = x0; x < x1; ++x) {
                    const float d2 = ((x - lamp.head.x) * (x - lamp.head.x)
                                      + (y - lamp.head.y) * (y - lamp.head.y))
                                     / (core * core);
                    const float head = d2 < 1.0f ? 1.0f : 0.0f;
                    // The window fades the glare to zero at `reach`, so no square edge shows.
                    const float r = std::sqrt(d2) * core / reach;
                    const float window = r < 1.0f ? (1.0f - r) * (1.0f - r) : 0.0f;
                    const float glare = (0.02f / (1.0f + d2) + 0.15f * std::exp(-d2)) * window;
                    out[x] += lamp.color * (lamp.radius > 0.0f ? head + glare : glare);
                }
            }
        }
    }

    int m_w;
    int m_h;
    unsigned m_seed;
    std::mt19937 m_rng;
    cv::Mat m_albedo;
    cv::Mat m_emission;
    std::vector<Lamp> m_lamps;
    int m_groundY = 0;
    int m_kerbY = 0;
};

// Samples the scene through an RGGB filter with the sensor's response and noise (the same
// sensor model as DngWriter's makeSceneMosaic, at ISO 6400's lower gain).
cv::Mat exposeMosaic(const cv::Mat& scene, double exposure, int black, int white, unsigned seed)
{
    constexpr std::array<double, 3> kResponse{0.5, 1.0, 1.0 / 1.5};   // inverse of WB (2, 1, 1.5)
    constexpr double kElectronsPerDn = 2.0;
    constexpr double kReadNoiseDn = 2.5;
    const double range = white - black;
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0.0, 1.0);
    cv::Mat mosaic(scene.rows, scene.cols, CV_16UC1);
    for (int y = 0; y < scene.rows; ++y) {
        const auto* in = scene.ptr<Rgb>(y);
        auto* out = mosaic.ptr<std::uint16_t>(y);
        for (int x = 0; x < scene.cols; ++x) {
            const auto cfa = nocturne::core::cfaColorAt(nocturne::core::CfaPattern::RGGB, y, x);
            const int c = cfa == nocturne::core::CfaColor::R ? 0
                          : cfa == nocturne::core::CfaColor::B ? 2 : 1;
            const double signal = exposure * in[x][c] * kResponse[static_cast<size_t>(c)] * range;
            const double electrons = std::max(0.0, signal * kElectronsPerDn);
            double sampled = 0.0;
            if (electrons < 64.0)
                sampled = std::poisson_distribution<int>(electrons)(rng);
            else
                sampled = electrons + std::sqrt(electrons) * gauss(rng);
            const double dn = black + sampled / kElectronsPerDn + kReadNoiseDn * gauss(rng);
            out[x] = static_cast<std::uint16_t>(std::clamp(std::round(dn), 0.0, double(white)));
        }
    }
    return mosaic;
}

int usage()
{
    std::fprintf(stderr,
                 "Usage: nocturne-make-sample OUTPUT.dng [--width N] [--height N] "
                 "[--exposure F] [--seed N]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    SampleArgs args;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--width" && hasValue)
            args.width = std::atoi(argv[++i]);
        else if (arg == "--height" && hasValue)
            args.height = std::atoi(argv[++i]);
        else if (arg == "--exposure" && hasValue)
            args.exposure = std::atof(argv[++i]);
        else if (arg == "--seed" && hasValue)
            args.seed = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
        else if (!arg.empty() && arg[0] != '-' && args.output.empty())
            args.output = arg;
        else
            return usage();
    }
    if (args.output.empty() || args.width < 64 || args.height < 64 || args.exposure <= 0)
        return usage();
    args.width &= ~1;
    args.height &= ~1;

    constexpr int kBlack = 512;
    constexpr int kWhite = 16383;
    NightScene scene(args.width, args.height, args.seed);
    const cv::Mat radiance = scene.render();

    nocturne::testsupport::DngSpec spec;
    spec.mosaic = exposeMosaic(radiance, args.exposure, kBlack, kWhite, args.seed + 1);
    spec.pattern = nocturne::core::CfaPattern::RGGB;
    spec.blackLevel = kBlack;
    spec.whiteLevel = kWhite;
    spec.make = "Nocturne";
    spec.model = "Synthetic Night";
    spec.lens = "Nocturne 35mm f/2.0";
    spec.exposureTime = 1.0 / 15.0;
    spec.fNumber = 2.0;
    spec.iso = 6400;
    spec.focalLength = 35.0;
    spec.dateTimeOriginal = "2025:11:21 22:47:13";
    spec.gps = std::array<double, 6>{48.0, 8.0, 13.2, 11.0, 34.0, 31.0};
    if (const std::string error = nocturne::testsupport::writeDng(args.output, spec); !error.empty()) {
        std::fprintf(stderr, "nocturne-make-sample: %s: %s\n", args.output.c_str(), error.c_str());
        return 1;
    }

    nocturne::core::RawMosaic mosaic;
    mosaic.data = spec.mosaic;
    mosaic.pattern = spec.pattern;
    mosaic.blackLevel = {float(kBlack), float(kBlack), float(kBlack), float(kBlack)};
    mosaic.whiteLevel = float(kWhite);
    const auto estimate = nocturne::core::Amplifier().estimate(mosaic);
    std::printf("%s: %dx%d RGGB 14-bit, exposure %.4f, amplifier gain %.1f (weighted mean %.5f)\n",
                args.output.c_str(), args.width, args.height, args.exposure, estimate.gain,
                estimate.weightedMean);
    return 0;
}
