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

struct Timing {
    double firstMs = -1.0;   // request to the first picture (a network's draft)
    double finalMs = -1.0;   // request to the full proxy
};

Timing renderOnce(ui::RenderScheduler& scheduler, const core::ProcessParams& params)
{
    QEventLoop loop;
    Timing timing;
    const auto connection = QObject::connect(&scheduler, &ui::RenderScheduler::renderFinished, &loop,
                                             [&](quint64, const ui::RenderOutput& out) {
                                                 const double ms = out.ok() ? out.latencyMs : -1.0;
                                                 if (timing.firstMs < 0.0)
                                                     timing.firstMs = ms;
                                                 if (!out.draft || !out.ok()) {
                                                     timing.finalMs = ms;
                                                     loop.quit();
                                                 }
                                             });
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    scheduler.requestRender(params);
    loop.exec();
    QObject::disconnect(connection);
    return timing;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? -1.0 : v[v.size() / 2];
}

}  // namespace

int measureLatency(std::shared_ptr<const core::EnhancerRegistry> registry, const QString& photoPath,
                   int width, int height, const QStringList& methods)
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
    std::printf("%-16s %12s %12s %12s %12s %12s\n", "method", "first ms", "m: first px", "m: full ms",
                "gamma: first", "gamma: full");
    ui::RenderScheduler scheduler(registry);
    scheduler.setSource(source);
    if (!scheduler.draftSource().isNull())
        std::printf("slow renders (networks, noise reduction) draft on %dx%d first\n", scheduler.draftSource().image->rgb.width(),
                    scheduler.draftSource().image->rgb.height());
    for (const auto& enhancer : registry->all()) {
        if (!methods.isEmpty() && !methods.contains(QString::fromStdString(enhancer->info().id)))
            continue;
        if (auto supported = enhancer->supports(*source.image); !supported) {
            std::printf("%-16s %s\n", enhancer->info().id.c_str(), "n/a: not applicable to this photo");
            continue;
        }
        core::ProcessParams params;
        params.method = enhancer->info().id;
        const Timing first = renderOnce(scheduler, params);
        std::vector<double> mFirst, mFull, gammaFirst, gammaFull;
        for (int i = 0; i < 5; ++i) {
            params.amplifier.m = 0.30 + 0.05 * i;
            const Timing m = renderOnce(scheduler, params);
            mFirst.push_back(m.firstMs);
            mFull.push_back(m.finalMs);
            params.gamma = 2.0f + 0.2f * static_cast<float>(i);
            const Timing g = renderOnce(scheduler, params);
            gammaFirst.push_back(g.firstMs);
            gammaFull.push_back(g.finalMs);
        }
        std::printf("%-16s %12.0f %12.0f %12.0f %12.0f %12.0f\n", enhancer->info().id.c_str(), first.finalMs,
                    median(mFirst), median(mFull), median(gammaFirst), median(gammaFull));
    }
    return 0;
}

}  // namespace nocturne::app
