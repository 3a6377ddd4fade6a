#include "ui/services/PreviewSource.h"

#include <algorithm>
#include <atomic>

#include <cmath>
#include <new>

#include <QDateTime>
#include <QFileInfo>
#include <opencv2/imgproc.hpp>

#include "core/io/ImageLoader.h"

namespace nocturne::ui {

namespace {

// Raster files gain nothing from the decoder's half-size path (it decodes fully, then halves);
// only RAW decoding is faster at half size. Small rasters stay sharp this way.
bool isRasterExtension(const QString& path)
{
    static const QStringList kRaster = {"jpg", "jpeg", "png", "tif", "tiff", "bmp", "webp"};
    return kRaster.contains(QFileInfo(path).suffix().toLower());
}

}  // namespace

namespace {
std::atomic<long long> g_decodeLimit{core::DecodeOptions{}.maxPixels};
}  // namespace

void PreviewSource::setDecodeLimit(long long pixels)
{
    g_decodeLimit = std::max(0LL, pixels);
}

long long PreviewSource::decodeLimit()
{
    return g_decodeLimit;
}

core::Result<PreviewSource> PreviewSource::loadFull(const QString& path)
{
    return load(path, 0);
}

core::Result<PreviewSource> PreviewSource::load(const QString& path, long long maxPixels)
{
    core::DecodeOptions options;
    // maxPixels 0 means the full image: then nothing is gained from a half-size decode.
    options.halfSize = maxPixels > 0 && !isRasterExtension(path);
    options.wantMosaic = true;
    options.maxPixels = decodeLimit();
    auto decoded = core::ImageLoader::load(path.toStdString(), options);
    if (!decoded)
        return decoded.error();
    const QFileInfo info(path);
    const std::string key = path.toStdString() + "|" + std::to_string(info.lastModified().toMSecsSinceEpoch())
        + "|" + std::to_string(info.size());
    int fullW = decoded->meta.width > 0 ? decoded->meta.width : decoded->rgb.width();
    int fullH = decoded->meta.height > 0 ? decoded->meta.height : decoded->rgb.height();
    if (decoded->mosaic) {
        // A half-size RAW decode reports the halved render; the mosaic has the sensor's size
        // (unrotated: orientations 5-8 swap width and height).
        const bool swapped = decoded->meta.swapsAxes();
        fullW = swapped ? decoded->mosaic->height() : decoded->mosaic->width();
        fullH = swapped ? decoded->mosaic->width() : decoded->mosaic->height();
    }
    PreviewSource source = fromDecoded(std::move(decoded).value(), key, maxPixels);
    source.path = path;
    source.fullSize = QSize(fullW, fullH);
    return source;
}

PreviewSource PreviewSource::fromDecoded(core::DecodedImage image, const std::string& key, long long maxPixels)
{
    PreviewSource source;
    source.fullSize = QSize(image.rgb.width(), image.rgb.height());
    source.path = QString::fromStdString(image.meta.sourcePath);
    const long long pixels = image.rgb.pixelCount();
    std::string proxyTag = "full";
    if (maxPixels > 0 && pixels > maxPixels) {
        const double scale = std::sqrt(static_cast<double>(maxPixels) / static_cast<double>(pixels));
        const cv::Size size(std::max(1, static_cast<int>(image.rgb.width() * scale)),
                            std::max(1, static_cast<int>(image.rgb.height() * scale)));
        cv::Mat small;
        cv::resize(image.rgb.mat(), small, size, 0, 0, cv::INTER_AREA);
        image.rgb = core::ImageBuffer(small, image.rgb.encoding());
        // The proxy is a different image from the decoder's: the cache must not confuse them.
        image.halfSize = true;
        proxyTag = std::to_string(size.width) + "x" + std::to_string(size.height);
    }
    // RAW networks would otherwise preview on the full sensor (seconds per slider move): bin the
    // mosaic while it stays at least as large as the RGB proxy, then area-resample it to the
    // proxy's size (binning alone left up to 2x the sites in each direction: lamba-mitra ran on
    // 3 MP for a 2 MP proxy); the engine fits its output to the proxy. The mosaic is oriented
    // like the sensor, so a portrait photo (orientation 5-8) compares swapped sides.
    if (image.mosaic) {
        const bool swapped = image.meta.swapsAxes();
        const int needW = swapped ? image.rgb.height() : image.rgb.width();
        const int needH = swapped ? image.rgb.width() : image.rgb.height();
        while (image.mosaic->width() / 2 >= needW && image.mosaic->height() / 2 >= needH)
            image.mosaic = image.mosaic->binned();
        // Even sizes at least the proxy's; a few percent larger is left alone.
        const int evenW = (needW + 1) / 2 * 2;
        const int evenH = (needH + 1) / 2 * 2;
        if (image.mosaic->width() > evenW * 21 / 20 && image.mosaic->height() > evenH * 21 / 20)
            image.mosaic = image.mosaic->resampled(evenW, evenH);
        proxyTag += "|mosaic " + std::to_string(image.mosaic->width());
    }
    source.key = key.empty() ? std::string() : key + "|" + proxyTag;
    source.image = std::make_shared<const core::DecodedImage>(std::move(image));
    return source;
}

}  // namespace nocturne::ui
