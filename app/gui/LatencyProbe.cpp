#include "app/gui/LatencyProbe.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <opencv2/core.hpp>

#include "ui/services/RenderScheduler.h"

namespace nocturne::app {

namespace {

core::DecodedImage syntheticNight(int width, int height)
{
    cv::Mat rgb(height, width, CV_32FC3);
    cv::RNG rng(7);
    for (int y = 0; y < height; ++y) {
        auto* p = rgb.ptr<cv::Vec3f>(y);
        for (int x = 0; x < width; ++x) {
            const float base = 0.01f + 0.02f * static_cast<float>(x) / width + (((x / 200) + (y / 200)) % 2) * 0.01f;
            p[x] = cv::Vec3f(base, base * 1.1f, base * 0.8f);
        }
    }
    cv::Mat noise(height, width, CV_32FC3);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, 0.002);
    rgb += noise;
    core::DecodedImage image;
    image.rgb = core::ImageBuffer(rgb);
    image.meta.sourcePath = "synthetic-12mp";
    image.meta.format = "synthetic";
    image.meta.width = width;
    image.meta.height = height;
    return image;
}

double renderOnce(ui::RenderScheduler& scheduler, const core::ProcessParams& params)
{
    QEventLoop loop;
    double latency = -1.0;
    const auto connection = QObject::connect(&scheduler, &ui::RenderScheduler::renderFinished, &loop,
                                             [&](quint64, const ui::RenderOutput& out) {
                                                 latency = out.ok() ? out.latencyMs : -1.0;
                                                 loop.quit();
                                             });
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    scheduler.requestRender(params);
    loop.exec();
    QObject::disconnect(connection);
    return latency;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? -1.0 : v[v.size() / 2];
}

}  // namespace

int measureLatency(std::shared_ptr<const core::EnhancerRegistry> registry, const QString& photoPath,
                   int width, int height)
{
    QElapsedTimer proxyTimer;
    proxyTimer.start();
    ui::PreviewSource source;
    if (photoPath.isEmpty()) {
        source = ui::PreviewSource::fromDecoded(syntheticNight(width, height), "latency-probe");
    } else {
        auto loaded = ui::PreviewSource::load(photoPath);
        if (!loaded) {
            std::fprintf(stderr, "nocturne: %s\n", loaded.error().describe().c_str());
            return 1;
        }
        source = std::move(loaded).value();
        width = source.fullSize.width();
        height = source.fullSize.height();
        if (source.image->mosaic) {
            // A half-size RAW decode reports half the sensor; the mosaic keeps the real size.
            std::printf("RAW mosaic proxy %dx%d\n", source.image->mosaic->width(), source.image->mosaic->height());
        }
    }
    const double proxyMs = static_cast<double>(proxyTimer.nsecsElapsed()) / 1e6;
    std::printf("Photo %s %dx%d (%.1f MP), preview proxy %dx%d (decoded and built once per photo in %.0f ms)\n",
                photoPath.isEmpty() ? "synthetic" : qPrintable(photoPath), width, height, width * height / 1e6,
                source.image->rgb.width(), source.image->rgb.height(), proxyMs);
    std::printf("%-10s %16s %16s %16s\n", "method", "first render ms", "m change ms", "gamma change ms");
    ui::RenderScheduler scheduler(registry);
    scheduler.setSource(source);
    for (const auto& enhancer : registry->all()) {
        if (auto supported = enhancer->supports(*source.image); !supported) {
            std::printf("%-10s %s\n", enhancer->info().id.c_str(), "n/a: not applicable to this photo");
            continue;
        }
        core::ProcessParams params;
        params.method = enhancer->info().id;
        const double first = renderOnce(scheduler, params);
        std::vector<double> mChanges;
        std::vector<double> gammaChanges;
        for (int i = 0; i < 5; ++i) {
            params.amplifier.m = 0.30 + 0.05 * i;
            mChanges.push_back(renderOnce(scheduler, params));
            params.gamma = 2.0f + 0.2f * static_cast<float>(i);
            gammaChanges.push_back(renderOnce(scheduler, params));
        }
        std::printf("%-10s %16.0f %16.0f %16.0f\n", enhancer->info().id.c_str(), first, median(mChanges),
                    median(gammaChanges));
    }
    return 0;
}

}  // namespace nocturne::app
