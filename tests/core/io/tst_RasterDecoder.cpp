#include <QtTest>

#include <fstream>

#include "tests/support/CoreTestPrinters.h"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/io/RasterDecoder.h"
#include "tests/support/ImageFixtures.h"

using namespace nocturne;
using core::ErrorCode;
using core::RasterDecoder;
namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 64;    // wider than high, so a quarter turn shows in the size
constexpr int kHeight = 32;

// Linear value of an sRGB-encoded integer code, computed independently of the decoder.
double linearOf(double code, double full)
{
    const double v = code / full;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

cv::Vec3f pixelAt(const core::ImageBuffer& image, double fx, double fy)
{
    return image.mat().at<cv::Vec3f>(static_cast<int>(fy * image.height()),
                                     static_cast<int>(fx * image.width()));
}

// Colour names for the four quadrants of testsupport::makeQuadrants at full level.
QString colourName(const cv::Vec3f& rgb)
{
    const bool r = rgb[0] > 0.5f;
    const bool g = rgb[1] > 0.5f;
    const bool b = rgb[2] > 0.5f;
    if (r && g && b)
        return "white";
    if (r && !g && !b)
        return "red";
    if (!r && g && !b)
        return "green";
    if (!r && !g && b)
        return "blue";
    return QString("mixed(%1,%2,%3)").arg(rgb[0]).arg(rgb[1]).arg(rgb[2]);
}

}  // namespace

class tst_RasterDecoder : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void srgbCurveIsExact();
    void roundTrip_data();
    void roundTrip();
    void appliesExifOrientation_data();
    void appliesExifOrientation();
    void readsExifFields();
    void grayAndAlphaBecomeRgb_data();
    void grayAndAlphaBecomeRgb();
    void halfSizeHalvesTheImage();
    void pixelLimitIsCheckedFromTheHeader_data();
    void pixelLimitIsCheckedFromTheHeader();
    void truncatedJpegIsCorrupt();
    void absurdHeaderDimensionsDoNotOverflow();
    void shortWebpHeaderIsReadWithinTheFile();
    void pngChunkLengthPastTheEndIsRefused_data();
    void pngChunkLengthPastTheEndIsRefused();

private:
    std::string path(const std::string& name) const
    {
        return m_dir.path().toStdString() + "/" + name;   // UTF-8 throughout on Linux
    }
    core::Result<core::DecodedImage> decode(const std::string& file, const std::string& format,
                                            const core::DecodeOptions& options = {}) const
    {
        return RasterDecoder::decode(testsupport::readBytes(file), file, format, options);
    }

    QTemporaryDir m_dir;
};

void tst_RasterDecoder::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_RasterDecoder::srgbCurveIsExact()
{
    QCOMPARE(RasterDecoder::srgbToLinear(0.0f), 0.0f);
    QCOMPARE(RasterDecoder::srgbToLinear(1.0f), 1.0f);
    QVERIFY(std::abs(RasterDecoder::srgbToLinear(0.5f) - 0.21404f) < 1e-4f);
    // The linear toe below 0.04045 and continuity at the joint.
    QVERIFY(std::abs(RasterDecoder::srgbToLinear(0.02f) - 0.02f / 12.92f) < 1e-7f);
    QVERIFY(std::abs(RasterDecoder::srgbToLinear(0.04045f) - 0.0031308f) < 1e-6f);
    QVERIFY(std::abs(RasterDecoder::srgbToLinear(0.04046f) - 0.0031308f) < 1e-5f);
}

void tst_RasterDecoder::roundTrip_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("depth");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("JPEG 8-bit") << "q.jpg" << "JPEG" << CV_8U << 0.03;
    QTest::newRow("PNG 8-bit") << "q8.png" << "PNG" << CV_8U << 1e-6;
    QTest::newRow("PNG 16-bit") << "q16.png" << "PNG" << CV_16U << 1e-6;
    QTest::newRow("TIFF 8-bit") << "q8.tif" << "TIFF" << CV_8U << 1e-6;
    QTest::newRow("TIFF 16-bit") << "q16.tif" << "TIFF" << CV_16U << 1e-6;
    QTest::newRow("BMP 8-bit") << "q.bmp" << "BMP" << CV_8U << 1e-6;
    QTest::newRow("WebP lossless") << "q.webp" << "WEBP" << CV_8U << 1e-6;
}

void tst_RasterDecoder::roundTrip()
{
    QFETCH(QString, name);
    QFETCH(QString, format);
    QFETCH(int, depth);
    QFETCH(double, tolerance);

    // Quadrants at sRGB 0.5: decoded linear values must be ~0.214, not 0.5.
    const cv::Mat bgr = testsupport::makeQuadrants(kWidth, kHeight, depth, 0.5);
    const std::string file = path(name.toStdString());
    std::vector<int> params;
    if (format == "JPEG")
        params = {cv::IMWRITE_JPEG_QUALITY, 100};
    if (format == "WEBP")
        params = {cv::IMWRITE_WEBP_QUALITY, 101};   // above 100 means lossless
    if (!cv::haveImageWriter(file))
        QSKIP("OpenCV was built without this codec");
    QVERIFY(cv::imwrite(file, bgr, params));

    const auto decoded = decode(file, format.toStdString());
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    QCOMPARE(decoded->rgb.width(), kWidth);
    QCOMPARE(decoded->rgb.height(), kHeight);
    QCOMPARE(decoded->rgb.mat().type(), CV_32FC3);
    QCOMPARE(decoded->rgb.encoding(), core::ColorEncoding::Linear);
    QVERIFY(!decoded->mosaic.has_value());
    QCOMPARE(decoded->meta.format, format.toStdString());
    QCOMPARE(core::toString(decoded->meta.sensor), core::toString(core::SensorKind::NotRaw));
    QCOMPARE(decoded->meta.bitsPerSample, depth == CV_16U ? 16 : 8);
    QCOMPARE(decoded->meta.width, kWidth);

    const double full = depth == CV_16U ? 65535.0 : 255.0;
    const double lit = linearOf(std::round(0.5 * full), full);
    QVERIFY(std::abs(lit - 0.214) < 0.002);
    struct Probe { double fx, fy; cv::Vec3d expected; };
    const Probe probes[] = {{0.25, 0.25, {lit, 0, 0}},
                            {0.75, 0.25, {0, lit, 0}},
                            {0.25, 0.75, {0, 0, lit}},
                            {0.75, 0.75, {lit, lit, lit}}};
    for (const auto& probe : probes) {
        const cv::Vec3f got = pixelAt(decoded->rgb, probe.fx, probe.fy);
        for (int c = 0; c < 3; ++c)
            QVERIFY2(std::abs(got[c] - probe.expected[c]) <= tolerance,
                     qPrintable(QString("at (%1,%2) channel %3: %4 vs %5")
                                    .arg(probe.fx).arg(probe.fy).arg(c).arg(got[c])
                                    .arg(probe.expected[c])));
    }
}

void tst_RasterDecoder::appliesExifOrientation_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QStringList>("corners");   // upright TL, TR, BL, BR
    // Stored: red TL, green TR, blue BL, white BR.
    QTest::newRow("1 upright") << 1 << QStringList{"red", "green", "blue", "white"};
    QTest::newRow("2 mirrored") << 2 << QStringList{"green", "red", "white", "blue"};
    QTest::newRow("3 rotated 180") << 3 << QStringList{"white", "blue", "green", "red"};
    QTest::newRow("4 flipped") << 4 << QStringList{"blue", "white", "red", "green"};
    QTest::newRow("5 transposed") << 5 << QStringList{"red", "blue", "green", "white"};
    QTest::newRow("6 rotate 90 cw") << 6 << QStringList{"blue", "red", "white", "green"};
    QTest::newRow("7 transverse") << 7 << QStringList{"white", "green", "blue", "red"};
    QTest::newRow("8 rotate 90 ccw") << 8 << QStringList{"green", "white", "red", "blue"};
}

void tst_RasterDecoder::appliesExifOrientation()
{
    QFETCH(int, orientation);
    QFETCH(QStringList, corners);

    const std::string file = path("oriented-" + std::to_string(orientation) + ".jpg");
    QVERIFY(cv::imwrite(file, testsupport::makeQuadrants(kWidth, kHeight, CV_8U),
                        {cv::IMWRITE_JPEG_QUALITY, 95}));
    QCOMPARE(QString::fromStdString(testsupport::setExif(
                 file, {{"Exif.Image.Orientation", std::to_string(orientation)}})),
             QString());

    const auto decoded = decode(file, "JPEG");
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    QCOMPARE(decoded->meta.orientation, orientation);
    const bool quarterTurn = orientation >= 5;
    QCOMPARE(decoded->rgb.width(), quarterTurn ? kHeight : kWidth);
    QCOMPARE(decoded->rgb.height(), quarterTurn ? kWidth : kHeight);
    QCOMPARE(decoded->meta.width, decoded->rgb.width());
    const QStringList got{colourName(pixelAt(decoded->rgb, 0.25, 0.25)),
                          colourName(pixelAt(decoded->rgb, 0.75, 0.25)),
                          colourName(pixelAt(decoded->rgb, 0.25, 0.75)),
                          colourName(pixelAt(decoded->rgb, 0.75, 0.75))};
    QCOMPARE(got, corners);
}

void tst_RasterDecoder::readsExifFields()
{
    const std::string file = path("exif.jpg");
    QVERIFY(cv::imwrite(file, testsupport::makeQuadrants(kWidth, kHeight, CV_8U)));
    QCOMPARE(QString::fromStdString(testsupport::setExif(
                 file, {{"Exif.Image.Make", "Nocturne"},
                        {"Exif.Image.Model", "Night Cam"},
                        {"Exif.Photo.ExposureTime", "1/50"},
                        {"Exif.Photo.FNumber", "18/10"},
                        {"Exif.Photo.ISOSpeedRatings", "6400"},
                        {"Exif.Photo.FocalLength", "50/1"},
                        {"Exif.Photo.LensModel", "Fast Fifty"},
                        {"Exif.Photo.DateTimeOriginal", "2025:12:24 23:59:58"}})),
             QString());
    const auto decoded = decode(file, "JPEG");
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    const auto& meta = decoded->meta;
    QCOMPARE(meta.cameraMake, std::string("Nocturne"));
    QCOMPARE(meta.cameraModel, std::string("Night Cam"));
    QCOMPARE(meta.lens, std::string("Fast Fifty"));
    QVERIFY(meta.exposureTime && std::abs(*meta.exposureTime - 0.02) < 1e-9);
    QVERIFY(meta.aperture && std::abs(*meta.aperture - 1.8) < 1e-6);
    QVERIFY(meta.isoSpeed && *meta.isoSpeed == 6400.0);
    QVERIFY(meta.focalLength && *meta.focalLength == 50.0);
    QCOMPARE(meta.dateTimeOriginal, std::string("2025:12:24 23:59:58"));
    QCOMPARE(meta.orientation, 1);
}

void tst_RasterDecoder::grayAndAlphaBecomeRgb_data()
{
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("depth");
    QTest::newRow("gray 8-bit") << 1 << CV_8U;
    QTest::newRow("gray 16-bit") << 1 << CV_16U;
    QTest::newRow("BGRA 8-bit") << 4 << CV_8U;
    QTest::newRow("BGRA 16-bit") << 4 << CV_16U;
}

void tst_RasterDecoder::grayAndAlphaBecomeRgb()
{
    QFETCH(int, channels);
    QFETCH(int, depth);
    const double full = depth == CV_16U ? 65535.0 : 255.0;
    const double code = std::round(0.5 * full);
    cv::Mat image;
    if (channels == 1) {
        image = cv::Mat(kHeight, kWidth, CV_MAKETYPE(depth, 1), cv::Scalar(code));
    } else {
        // BGR = (0, code, full) i.e. RGB = (full, code, 0); alpha transparent on the left half.
        image = cv::Mat(kHeight, kWidth, CV_MAKETYPE(depth, 4), cv::Scalar(0, code, full, full));
        image(cv::Rect(0, 0, kWidth / 2, kHeight)).setTo(cv::Scalar(0, code, full, 0));
    }
    const std::string file = path("channels.png");
    QVERIFY(cv::imwrite(file, image));
    const auto decoded = decode(file, "PNG");
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    QCOMPARE(decoded->meta.bitsPerSample, depth == CV_16U ? 16 : 8);
    const double mid = linearOf(code, full);
    for (double fx : {0.25, 0.75}) {
        const cv::Vec3f px = pixelAt(decoded->rgb, fx, 0.5);
        const cv::Vec3d expected = channels == 1 ? cv::Vec3d(mid, mid, mid)
                                                 : cv::Vec3d(1.0, mid, 0.0);
        for (int c = 0; c < 3; ++c)
            QVERIFY2(std::abs(px[c] - expected[c]) < 1e-5,
                     qPrintable(QString("channel %1: %2 vs %3").arg(c).arg(px[c]).arg(expected[c])));
    }
}

void tst_RasterDecoder::halfSizeHalvesTheImage()
{
    const std::string file = path("half.png");
    QVERIFY(cv::imwrite(file, testsupport::makeQuadrants(kWidth, kHeight, CV_16U, 0.5)));
    core::DecodeOptions options;
    options.halfSize = true;
    const auto decoded = decode(file, "PNG", options);
    QVERIFY(decoded.ok());
    QVERIFY(decoded->halfSize);
    QCOMPARE(decoded->rgb.width(), kWidth / 2);
    QCOMPARE(decoded->rgb.height(), kHeight / 2);
    // Averaging happens in linear light: a flat quadrant keeps its linear value.
    const cv::Vec3f red = pixelAt(decoded->rgb, 0.25, 0.25);
    QVERIFY(std::abs(red[0] - linearOf(32768, 65535)) < 1e-4);
}

void tst_RasterDecoder::pixelLimitIsCheckedFromTheHeader_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("format");
    QTest::newRow("PNG") << "big.png" << "PNG";
    QTest::newRow("JPEG") << "big.jpg" << "JPEG";
    QTest::newRow("TIFF") << "big.tif" << "TIFF";
    QTest::newRow("BMP") << "big.bmp" << "BMP";
}

void tst_RasterDecoder::pixelLimitIsCheckedFromTheHeader()
{
    QFETCH(QString, name);
    QFETCH(QString, format);
    const std::string file = path(name.toStdString());
    QVERIFY(cv::imwrite(file, testsupport::makeQuadrants(200, 100, CV_8U)));
    core::DecodeOptions options;
    options.maxPixels = 19'999;
    const auto decoded = decode(file, format.toStdString(), options);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, ErrorCode::TooLarge);
    const std::string text = decoded.error().describe();
    QVERIFY2(text.find("200 x 100") != std::string::npos, text.c_str());
    QVERIFY2(text.find(name.toStdString()) != std::string::npos, text.c_str());
    options.maxPixels = 20'000;
    QVERIFY(decode(file, format.toStdString(), options).ok());
}

// Found by nocturne-fuzz-raw: a TIFF header claiming 4,261,412,864 x 2,746,155,008 pixels made the
// pixel-limit check multiply past the range of long long (undefined behaviour).
void tst_RasterDecoder::absurdHeaderDimensionsDoNotOverflow()
{
    QByteArray tiff("II*\0\x08\0\0\0", 8);
    auto u16 = [&tiff](int v) { tiff.append(char(v & 0xFF)).append(char((v >> 8) & 0xFF)); };
    auto u32 = [&](uint32_t v) { u16(int(v & 0xFFFF)); u16(int(v >> 16)); };
    u16(2);                                   // two IFD entries
    u16(256); u16(4); u32(1); u32(0xFE000000u);   // ImageWidth, LONG
    u16(257); u16(4); u32(1); u32(0xA3AF0000u);   // ImageLength, LONG
    u32(0);                                   // no next IFD
    const std::string file = path("absurd.tif");
    {
        std::ofstream out(file, std::ios::binary);
        out.write(tiff.constData(), tiff.size());
    }
    core::DecodeOptions options;
    const auto decoded = decode(file, "TIFF", options);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, ErrorCode::TooLarge);
    const std::string text = decoded.error().describe();
    QVERIFY2(text.find("4261412864 x 2746155008") != std::string::npos, text.c_str());
    QVERIFY2(text.find("200000000") != std::string::npos, text.c_str());   // the limit, to raise
}

void tst_RasterDecoder::truncatedJpegIsCorrupt()
{
    const std::string whole = path("whole.jpg");
    QVERIFY(cv::imwrite(whole, testsupport::makeQuadrants(256, 128, CV_8U)));
    const std::string cut = path("cut.jpg");
    const auto size = fs::file_size(whole);
    QCOMPARE(QString::fromStdString(testsupport::writeTruncatedCopy(whole, cut, size * 2 / 3)),
             QString());
    const auto decoded = decode(cut, "JPEG");
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, ErrorCode::CorruptData);
    QVERIFY(decoded.error().describe().find("cut.jpg") != std::string::npos);
}

void tst_RasterDecoder::shortWebpHeaderIsReadWithinTheFile()
{
    // A 30-byte WebP whose VP8X header says 16777216 x 16777216: the size comes from the header
    // without reading past the file's end (nocturne-fuzz-raster found a 1-byte overread here;
    // the sanitizer build runs this test under ASan) and is refused by the pixel limit.
    const QByteArray webp = QByteArray("RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00"
                                       "\xff\xff\xff\xff\xff\xff",
                                       30);
    const std::string file = path("short.webp");
    {
        std::ofstream out(file, std::ios::binary);
        out.write(webp.constData(), webp.size());
    }
    const auto decoded = decode(file, "WEBP");
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, ErrorCode::TooLarge);
    const std::string text = decoded.error().describe();
    QVERIFY2(text.find("16777216 x 16777216") != std::string::npos, text.c_str());
}

void tst_RasterDecoder::pngChunkLengthPastTheEndIsRefused_data()
{
    // nocturne-fuzz-raster found a 305-byte PNG whose zTXt length field said 1962934401: libpng
    // allocated that much before finding the file too short. Such files are refused before
    // libpng sees them; intact PNGs, with or without bytes after IEND, still decode.
    QTest::addColumn<quint32>("declared");   // 0: no extra chunk
    QTest::addColumn<bool>("trailingBytes");
    QTest::addColumn<bool>("decodes");
    QTest::newRow("intact") << 0u << false << true;
    QTest::newRow("bytes after IEND") << 0u << true << true;
    QTest::newRow("the fuzzer's 1.9 GB zTXt") << 1962934401u << false << false;
    QTest::newRow("a chunk one byte too long") << 21u << false << false;
}

void tst_RasterDecoder::pngChunkLengthPastTheEndIsRefused()
{
    QFETCH(quint32, declared);
    QFETCH(bool, trailingBytes);
    QFETCH(bool, decodes);
    std::vector<uchar> png;
    QVERIFY(cv::imencode(".png", testsupport::makeQuadrants(40, 24, CV_8U), png));
    std::string bytes(png.begin(), png.end());
    if (declared > 0) {
        // After the IHDR (8 + 25 bytes): a zTXt chunk declaring `declared` bytes, holding 20 and a CRC.
        std::string chunk;
        for (int shift = 24; shift >= 0; shift -= 8)
            chunk += char((declared >> shift) & 0xFF);
        chunk += "zTXt" + std::string(20, 'x') + "crc!";
        bytes = bytes.substr(0, 33) + chunk;
    }
    if (trailingBytes)
        bytes += std::string(16, '\0');
    const std::string file = path("chunks.png");
    {
        std::ofstream out(file, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    const auto decoded = decode(file, "PNG");
    QCOMPARE(decoded.ok(), decodes);
    if (!decodes) {
        QCOMPARE(decoded.error().code, ErrorCode::CorruptData);
        const std::string text = decoded.error().describe();
        QVERIFY2(text.find("zTXt of " + std::to_string(declared) + " bytes") != std::string::npos, text.c_str());
        QVERIFY2(text.find("chunks.png") != std::string::npos, text.c_str());
    }
}

QTEST_GUILESS_MAIN(tst_RasterDecoder)
#include "tst_RasterDecoder.moc"
