#include <QtTest>

#include <cmath>
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "core/io/ImageLoader.h"
#include "core/io/RawDecoder.h"
#include "tests/support/CoreTestPrinters.h"
#include "tests/support/DngWriter.h"
#include "tests/support/ImageFixtures.h"

using namespace nocturne;
using core::CfaPattern;
using core::ErrorCode;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(nocturne::core::CfaPattern)

namespace {

constexpr int kBlack = 512;
constexpr int kWhite = 16383;

std::string sharedData()
{
    const QByteArray dir = qgetenv("NOCTURNE_SHARED_DATA");
    return dir.isEmpty() ? std::string() : dir.toStdString();
}

testsupport::DngSpec makeSpec(int width, int height, CfaPattern pattern, unsigned seed = 7)
{
    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(width, height, pattern, kBlack, kWhite, 0.4, seed);
    spec.pattern = pattern;
    spec.blackLevel = kBlack;
    spec.whiteLevel = kWhite;
    spec.lens = "Nocturne 35mm f/1.4";
    return spec;
}

core::Result<core::DecodedImage> decodeFile(const std::string& path,
                                            const core::DecodeOptions& options = {})
{
    const std::string bytes = testsupport::readBytes(path);
    return core::RawDecoder::decode(bytes, path, options);
}

}  // namespace

class tst_RawDecoder : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void roundTrip_data();
    void roundTrip();
    void halfSizeRendersHalfTheRgbButFullMosaic();
    void rendersLinearWhiteBalancedRgb();
    void appliesOrientation();
    void optionalMosaicIsOmitted();
    void refusesMoreThanThePixelLimitBeforeUnpacking();
    void constantFrameIsCorrupt();
    void opensNonAsciiPath();

    void realSamples_data();
    void realSamples();
    void malformedFilesGiveErrors_data();
    void malformedFilesGiveErrors();

private:
    std::string path(const std::string& name) const
    {
        return m_dir.path().toStdString() + "/" + name;   // UTF-8 throughout on Linux
    }

    QTemporaryDir m_dir;
};

void tst_RawDecoder::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_RawDecoder::roundTrip_data()
{
    QTest::addColumn<CfaPattern>("pattern");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::newRow("RGGB 64x48") << CfaPattern::RGGB << 64 << 48;
    QTest::newRow("BGGR 64x48") << CfaPattern::BGGR << 64 << 48;
    QTest::newRow("GRBG 64x48") << CfaPattern::GRBG << 64 << 48;
    QTest::newRow("GBRG 64x48") << CfaPattern::GBRG << 64 << 48;
    QTest::newRow("RGGB 130x98") << CfaPattern::RGGB << 130 << 98;
    QTest::newRow("GBRG 130x98") << CfaPattern::GBRG << 130 << 98;
}

void tst_RawDecoder::roundTrip()
{
    QFETCH(CfaPattern, pattern);
    QFETCH(int, width);
    QFETCH(int, height);

    const auto spec = makeSpec(width, height, pattern);
    const std::string file = path("round-trip.dng");
    QCOMPARE(QString::fromStdString(testsupport::writeDng(file, spec)), QString());

    const auto decoded = decodeFile(file);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    QVERIFY(decoded->mosaic.has_value());
    const core::RawMosaic& mosaic = *decoded->mosaic;

    QCOMPARE(mosaic.width(), width);
    QCOMPARE(mosaic.height(), height);
    QCOMPARE(mosaic.data.type(), CV_16UC1);
    QCOMPARE(cv::norm(mosaic.data, spec.mosaic, cv::NORM_INF), 0.0);
    QCOMPARE(core::toString(mosaic.pattern), core::toString(pattern));
    for (float black : mosaic.blackLevel)
        QCOMPARE(black, float(kBlack));
    QCOMPARE(mosaic.whiteLevel, float(kWhite));
    QCOMPARE(mosaic.bitsPerSample, 14);
    QVERIFY(std::abs(mosaic.whiteBalance[0] - 2.0f) < 1e-3f);
    QCOMPARE(mosaic.whiteBalance[1], 1.0f);
    QVERIFY(std::abs(mosaic.whiteBalance[2] - 1.5f) < 1e-3f);
    QVERIFY(std::abs(mosaic.whiteBalance[3] - 1.0f) < 1e-3f);
    // Camera -> sRGB keeps white white: each row sums to about 1.
    for (int r = 0; r < 3; ++r) {
        const float sum = mosaic.cameraToSrgb(r, 0) + mosaic.cameraToSrgb(r, 1)
                          + mosaic.cameraToSrgb(r, 2);
        QVERIFY2(std::abs(sum - 1.0f) < 0.02f, qPrintable(QString::number(sum)));
    }

    const core::ImageMeta& meta = decoded->meta;
    QCOMPARE(meta.format, std::string("DNG"));
    QCOMPARE(core::toString(meta.sensor), core::toString(core::SensorKind::Bayer));
    QCOMPARE(meta.width, width);
    QCOMPARE(meta.height, height);
    QCOMPARE(meta.bitsPerSample, 14);
    QCOMPARE(meta.orientation, 1);
    QCOMPARE(meta.cameraMake, spec.make);
    QCOMPARE(meta.cameraModel, spec.model);
    QCOMPARE(meta.lens, spec.lens);
    QVERIFY(meta.exposureTime && std::abs(*meta.exposureTime - 0.1) < 1e-6);
    QVERIFY(meta.aperture && std::abs(*meta.aperture - 2.8) < 1e-4);
    QVERIFY(meta.isoSpeed && *meta.isoSpeed == 3200.0);
    QVERIFY(meta.focalLength && std::abs(*meta.focalLength - 35.0) < 1e-4);
    QCOMPARE(meta.dateTimeOriginal, spec.dateTimeOriginal);
    QVERIFY(meta.notes.empty());

    QCOMPARE(decoded->rgb.width(), width);
    QCOMPARE(decoded->rgb.height(), height);
    QCOMPARE(decoded->rgb.mat().type(), CV_32FC3);
    QCOMPARE(decoded->rgb.encoding(), core::ColorEncoding::Linear);
    QVERIFY(!decoded->halfSize);
}

void tst_RawDecoder::halfSizeRendersHalfTheRgbButFullMosaic()
{
    const auto spec = makeSpec(130, 98, CfaPattern::GRBG);
    const std::string file = path("half.dng");
    QCOMPARE(QString::fromStdString(testsupport::writeDng(file, spec)), QString());

    core::DecodeOptions options;
    options.halfSize = true;
    const auto decoded = decodeFile(file, options);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    QVERIFY(decoded->halfSize);
    QCOMPARE(decoded->rgb.width(), 65);
    QCOMPARE(decoded->rgb.height(), 49);
    QVERIFY(decoded->mosaic.has_value());
    QCOMPARE(decoded->mosaic->width(), 130);
    QCOMPARE(cv::norm(decoded->mosaic->data, spec.mosaic, cv::NORM_INF), 0.0);
}

void tst_RawDecoder::rendersLinearWhiteBalancedRgb()
{
    // A grey card at 25% of the range, as the camera records it: each channel divided by its
    // WB multiplier. Linear output with camera WB must give neutral 0.25 (no gamma, no
    // auto-brightening).
    testsupport::DngSpec spec = makeSpec(64, 64, CfaPattern::RGGB);
    const double level = 0.25;
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) {
            const auto c = core::cfaColorAt(spec.pattern, y, x);
            const double mul = c == core::CfaColor::R   ? spec.wbMultipliers[0]
                               : c == core::CfaColor::B ? spec.wbMultipliers[2]
                                                        : 1.0;
            spec.mosaic.at<uint16_t>(y, x) = static_cast<uint16_t>(
                std::lround(kBlack + level / mul * (kWhite - kBlack)));
        }
    const std::string file = path("grey.dng");
    QCOMPARE(QString::fromStdString(testsupport::writeDng(file, spec)), QString());
    const auto decoded = decodeFile(file);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    const cv::Mat centre = decoded->rgb.mat()(cv::Rect(16, 16, 32, 32));
    const cv::Scalar mean = cv::mean(centre);
    for (int c = 0; c < 3; ++c)
        QVERIFY2(std::abs(mean[c] - level) < 0.02,
                 qPrintable(QString("channel %1 = %2").arg(c).arg(mean[c])));
}

void tst_RawDecoder::appliesOrientation()
{
    testsupport::DngSpec spec = makeSpec(64, 48, CfaPattern::RGGB);
    spec.orientation = 6;   // rotate 90 degrees clockwise to view
    const std::string file = path("portrait.dng");
    QCOMPARE(QString::fromStdString(testsupport::writeDng(file, spec)), QString());
    const auto decoded = decodeFile(file);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    QCOMPARE(decoded->meta.orientation, 6);
    QCOMPARE(decoded->rgb.width(), 48);
    QCOMPARE(decoded->rgb.height(), 64);
    QCOMPARE(decoded->meta.width, 48);
    // The mosaic stays in sensor orientation.
    QCOMPARE(decoded->mosaic->width(), 64);
    QCOMPARE(decoded->mosaic->height(), 48);
}

void tst_RawDecoder::optionalMosaicIsOmitted()
{
    const std::string file = path("no-mosaic.dng");
    QCOMPARE(QString::fromStdString(
                 testsupport::writeDng(file, makeSpec(64, 48, CfaPattern::BGGR))),
             QString());
    core::DecodeOptions options;
    options.wantMosaic = false;
    const auto decoded = decodeFile(file, options);
    QVERIFY(decoded.ok());
    QVERIFY(!decoded->mosaic.has_value());
    QCOMPARE(core::toString(decoded->meta.sensor), core::toString(core::SensorKind::Bayer));
    QCOMPARE(decoded->rgb.width(), 64);
}

void tst_RawDecoder::refusesMoreThanThePixelLimitBeforeUnpacking()
{
    const std::string file = path("limit.dng");
    QCOMPARE(QString::fromStdString(
                 testsupport::writeDng(file, makeSpec(130, 98, CfaPattern::RGGB))),
             QString());
    core::DecodeOptions options;
    options.maxPixels = 10'000;
    const auto decoded = decodeFile(file, options);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, ErrorCode::TooLarge);
    const std::string text = decoded.error().describe();
    QVERIFY2(text.find("130 x 98") != std::string::npos, text.c_str());
    QVERIFY2(text.find("10000") != std::string::npos, text.c_str());
    QVERIFY2(text.find("limit.dng") != std::string::npos, text.c_str());
}

void tst_RawDecoder::constantFrameIsCorrupt()
{
    testsupport::DngSpec spec = makeSpec(64, 48, CfaPattern::RGGB);
    spec.mosaic.setTo(0);
    const std::string file = path("zeros.dng");
    QCOMPARE(QString::fromStdString(testsupport::writeDng(file, spec)), QString());
    const auto decoded = decodeFile(file);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, ErrorCode::CorruptData);
    QVERIFY(decoded.error().describe().find("contains no image data") != std::string::npos);
    QVERIFY(decoded.error().describe().find("zeros.dng") != std::string::npos);
}

void tst_RawDecoder::opensNonAsciiPath()
{
    const auto spec = makeSpec(64, 48, CfaPattern::GBRG);
    const std::string file = path("nuit-étoilée-夜.dng");
    QCOMPARE(QString::fromStdString(testsupport::writeDng(file, spec)), QString());
    const auto decoded = core::ImageLoader::load(file);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    QCOMPARE(decoded->meta.sourcePath, file);
    QCOMPARE(cv::norm(decoded->mosaic->data, spec.mosaic, cv::NORM_INF), 0.0);
}

void tst_RawDecoder::realSamples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<CfaPattern>("pattern");
    QTest::addColumn<int>("bits");
    QTest::newRow("Kodak DC50 KDC") << "raw/kodak_dc50.kdc" << 768 << 512 << CfaPattern::GRBG << 0;
    QTest::newRow("PiDNG 10-bit DNG")
        << "raw/pidng_640x480_gbrg_10bit.dng" << 640 << 480 << CfaPattern::GBRG << 10;
}

void tst_RawDecoder::realSamples()
{
    QFETCH(QString, file);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(CfaPattern, pattern);
    QFETCH(int, bits);
    const std::string full = sharedData() + "/" + file.toStdString();
    if (sharedData().empty() || !fs::exists(full))
        QSKIP("shared RAW samples not available (NOCTURNE_SHARED_DATA)");

    const auto decoded = decodeFile(full);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    QCOMPARE(core::toString(decoded->meta.sensor), core::toString(core::SensorKind::Bayer));
    QVERIFY(decoded->mosaic.has_value());
    QCOMPARE(core::toString(decoded->mosaic->pattern), core::toString(pattern));
    QCOMPARE(decoded->mosaic->width(), width);
    QCOMPARE(decoded->mosaic->height(), height);
    QCOMPARE(decoded->rgb.width(), width);
    QCOMPARE(decoded->rgb.height(), height);
    if (bits > 0)
        QCOMPARE(decoded->mosaic->bitsPerSample, bits);
    QVERIFY(decoded->mosaic->whiteLevel > decoded->mosaic->blackLevel[0]);
    // Both samples are bright daylight scenes: a sensible rendering is neither black nor white.
    const cv::Scalar mean = cv::mean(decoded->rgb.mat());
    for (int c = 0; c < 3; ++c)
        QVERIFY2(mean[c] > 0.02 && mean[c] < 0.9, qPrintable(QString::number(mean[c])));

    if (file.contains("kodak")) {
        QCOMPARE(decoded->meta.format, std::string("KDC"));
        QCOMPARE(decoded->meta.cameraMake, std::string("Kodak"));
        QVERIFY(decoded->meta.isoSpeed && std::abs(*decoded->meta.isoSpeed - 84.0) < 1.0);
        QVERIFY(decoded->meta.exposureTime
                && std::abs(*decoded->meta.exposureTime - 1.0 / 230.0) < 2e-4);
        QVERIFY(!decoded->meta.dateTimeOriginal.empty());
    }
}

void tst_RawDecoder::malformedFilesGiveErrors_data()
{
    QTest::addColumn<QString>("file");
    for (const char* name : {"exiftool_Nikon.nef", "exiftool_CanonRaw.cr3", "exiftool_DNG.dng",
                             "exiftool_FujiFilm.raf", "exiftool_Panasonic.rw2"})
        QTest::newRow(name) << QString(name);
}

void tst_RawDecoder::malformedFilesGiveErrors()
{
    QFETCH(QString, file);
    const std::string full = sharedData() + "/malformed/" + file.toStdString();
    if (sharedData().empty() || !fs::exists(full))
        QSKIP("shared malformed samples not available (NOCTURNE_SHARED_DATA)");

    // Through the loader, as a user would open it, and the decoder alone: both must refuse.
    for (const auto& decoded : {core::ImageLoader::load(full), decodeFile(full)}) {
        QVERIFY2(!decoded.ok(), decoded.ok() ? decoded->meta.notes.c_str() : "");
        const std::string text = decoded.error().describe();
        QVERIFY2(text.find(file.toStdString()) != std::string::npos, text.c_str());
        QVERIFY2(decoded.error().code == ErrorCode::CorruptData
                     || decoded.error().code == ErrorCode::UnsupportedFormat,
                 text.c_str());
    }
}

QTEST_GUILESS_MAIN(tst_RawDecoder)
#include "tst_RawDecoder.moc"
