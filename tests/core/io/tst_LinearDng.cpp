// Linear DNG export (ImageWriter with ExportFormat::Dng, LinearDngWriter): what a raw editor
// needs to carry on editing a rescued RAW. The files are read back by LibRaw (our own decoder)
// and by dcraw, a second, independent reader (a Debian package; the test skips without it).
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/enhance/EnhancerRegistry.h"
#include "core/io/ImageLoader.h"
#include "core/io/ImageWriter.h"
#include "core/io/MetadataStore.h"
#include "core/pipeline/Pipeline.h"
#include "tests/support/DngWriter.h"

using namespace nocturne::core;
namespace ts = nocturne::testsupport;
namespace fs = std::filesystem;

class tst_LinearDng : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void libRawReopensDimensionsColoursAndMetadata();
    void dcrawReadsTheSameColours();
    void refusesRasterSourcesAndDisplayImages_data();
    void refusesRasterSourcesAndDisplayImages();
    void bundledSampleRoundTripsThroughBothReaders();

private:
    std::string path(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)).toStdString(); }
    QTemporaryDir m_dir;
    ImageMeta m_rawMeta;   // of a synthetic camera DNG: the "source" of the exports
};

namespace {

constexpr int kPatch = 24;
constexpr int kCols = 6;
constexpr int kRows = 4;

// The 24 ColorChecker patches in sRGB (0-255, as published for the 2005 formulation), so
// the chart spans skin, foliage, sky, saturated primaries and a grey ramp.
constexpr std::array<std::array<int, 3>, 24> kChartSrgb8 = {{
    {115, 82, 68}, {194, 150, 130}, {98, 122, 157}, {87, 108, 67}, {133, 128, 177}, {103, 189, 170},
    {214, 126, 44}, {80, 91, 166}, {193, 90, 99}, {94, 60, 108}, {157, 188, 64}, {224, 163, 46},
    {56, 61, 150}, {70, 148, 73}, {175, 54, 60}, {231, 199, 31}, {187, 86, 149}, {8, 133, 161},
    {243, 243, 242}, {200, 200, 200}, {160, 160, 160}, {122, 122, 121}, {85, 85, 85}, {52, 52, 52},
}};

float linearOf(int srgb8)
{
    const double v = srgb8 / 255.0;
    return static_cast<float>(v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4));
}

ImageBuffer makeChart()
{
    ImageBuffer chart(kCols * kPatch, kRows * kPatch, ColorEncoding::Linear);
    for (int i = 0; i < kCols * kRows; ++i) {
        const auto& c = kChartSrgb8[static_cast<size_t>(i)];
        const cv::Rect r((i % kCols) * kPatch, (i / kCols) * kPatch, kPatch, kPatch);
        chart.mat()(r).setTo(cv::Scalar(linearOf(c[0]), linearOf(c[1]), linearOf(c[2])));
    }
    return chart;
}

// CIE76 colour difference of each patch's centre (linear sRGB in, as OpenCV's LRGB2Lab expects).
std::vector<double> patchDeltaE(const cv::Mat& expectedLinearRgb, const cv::Mat& actualLinearRgb)
{
    std::vector<double> out;
    for (int i = 0; i < kCols * kRows; ++i) {
        const cv::Rect centre((i % kCols) * kPatch + 6, (i / kCols) * kPatch + 6, kPatch - 12, kPatch - 12);
        cv::Mat a(1, 1, CV_32FC3, cv::mean(expectedLinearRgb(centre)));
        cv::Mat b(1, 1, CV_32FC3, cv::mean(actualLinearRgb(centre)));
        cv::Mat la;
        cv::Mat lb;
        cv::cvtColor(a, la, cv::COLOR_LRGB2Lab);
        cv::cvtColor(b, lb, cv::COLOR_LRGB2Lab);
        out.push_back(cv::norm(la.at<cv::Vec3f>(0, 0) - lb.at<cv::Vec3f>(0, 0)));
    }
    return out;
}

// dcraw's reading of a DNG: -4 is linear 16-bit without auto-brightening, -w the file's
// AsShotNeutral, -T a TIFF on stdout. Empty when dcraw is missing or fails.
cv::Mat dcrawLinearRgb(const QString& dng)
{
    const QString dcraw = QStandardPaths::findExecutable(QStringLiteral("dcraw"));
    if (dcraw.isEmpty())
        return {};
    QProcess p;
    p.start(dcraw, {QStringLiteral("-4"), QStringLiteral("-w"), QStringLiteral("-T"), QStringLiteral("-c"), dng});
    if (!p.waitForFinished(120000) || p.exitCode() != 0)
        return {};
    const QByteArray tiff = p.readAllStandardOutput();
    const cv::Mat bytes(1, static_cast<int>(tiff.size()), CV_8U, const_cast<char*>(tiff.constData()));
    cv::Mat bgr16 = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
    if (bgr16.empty() || bgr16.depth() != CV_16U || bgr16.channels() != 3)
        return {};
    cv::Mat rgb;
    cv::cvtColor(bgr16, rgb, cv::COLOR_BGR2RGB);
    rgb.convertTo(rgb, CV_32FC3, 1.0 / 65535.0);
    return rgb;
}

bool hasDcraw()
{
    return !QStandardPaths::findExecutable(QStringLiteral("dcraw")).isEmpty();
}

ExportOptions dngOptions()
{
    ExportOptions o;
    o.format = ExportFormat::Dng;
    return o;
}

}  // namespace

void tst_LinearDng::initTestCase()
{
    QVERIFY(m_dir.isValid());
    ts::DngSpec spec;
    spec.mosaic = ts::makeSceneMosaic(64, 48, CfaPattern::RGGB, spec.blackLevel, spec.whiteLevel, 0.05, 3);
    spec.make = "Nocturne";
    spec.model = "Chart Camera";
    spec.iso = 6400;
    spec.exposureTime = 1.0 / 30;
    spec.lens = "Test 35mm f/1.8";
    const std::string source = path("source.dng");
    QCOMPARE(QString::fromStdString(ts::writeDng(source, spec)), QString());
    auto loaded = ImageLoader::load(source);
    QVERIFY2(loaded.ok(), loaded ? "" : loaded.error().describe().c_str());
    m_rawMeta = loaded->meta;
    QVERIFY(m_rawMeta.sensor != SensorKind::NotRaw);
}

void tst_LinearDng::libRawReopensDimensionsColoursAndMetadata()
{
    const ImageBuffer chart = makeChart();
    const std::string out = path("chart.dng");
    auto written = ImageWriter::write(chart, out, dngOptions(), m_rawMeta);
    QVERIFY2(written.ok(), written ? "" : written.error().describe().c_str());

    auto reopened = ImageLoader::load(out);
    QVERIFY2(reopened.ok(), reopened ? "" : reopened.error().describe().c_str());
    QCOMPARE(reopened->meta.format, std::string("DNG"));
    QCOMPARE(reopened->rgb.width(), chart.width());
    QCOMPARE(reopened->rgb.height(), chart.height());
    const auto deltaE = patchDeltaE(chart.mat(), reopened->rgb.mat());
    for (size_t i = 0; i < deltaE.size(); ++i)
        QVERIFY2(deltaE[i] < 0.5, qPrintable(QStringLiteral("patch %1: dE %2").arg(i + 1).arg(deltaE[i])));

    // The camera and the shot carry over; the DNG describes its own data.
    QCOMPARE(reopened->meta.cameraMake, std::string("Nocturne"));
    QCOMPARE(reopened->meta.cameraModel, std::string("Chart Camera"));
    QVERIFY(reopened->meta.isoSpeed.has_value());
    QCOMPARE(*reopened->meta.isoSpeed, 6400.0);
    auto tags = MetadataStore::readAll(out);
    QVERIFY(tags.ok());
    QVERIFY(tags->count("Exif.Image.DNGVersion"));
    QCOMPARE(QString::fromStdString(tags->at("Exif.Image.PhotometricInterpretation")), QStringLiteral("34892"));   // LinearRaw
    QCOMPARE(QString::fromStdString(tags->at("Exif.Image.AsShotNeutral")), QStringLiteral("1/1 1/1 1/1"));
    QCOMPARE(QString::fromStdString(tags->at("Exif.Image.WhiteLevel")), QStringLiteral("65535 65535 65535"));
    QCOMPARE(QString::fromStdString(tags->at("Exif.Photo.LensModel")), QStringLiteral("Test 35mm f/1.8"));
    const QString orientation = QString::fromStdString(tags->at("Exif.Image.Orientation"));
    QVERIFY2(orientation == QLatin1String("1") || orientation == QLatin1String("top, left"), qPrintable(orientation));
    QVERIFY(QString::fromStdString(tags->at("Exif.Image.Software")).startsWith(QStringLiteral("Nocturne")));
    // A DNG's colours are defined by its colour matrix; an ICC profile would contradict it.
    auto icc = MetadataStore::iccProfile(out);

    QVERIFY(icc.ok());
    QVERIFY(icc->empty());
    QVERIFY(!tags->count("Exif.Photo.ColorSpace"));
}

void tst_LinearDng::dcrawReadsTheSameColours()
{
    if (!hasDcraw())
        QSKIP("dcraw is not installed (.ci/install-deps installs it)");
    const ImageBuffer chart = makeChart();
    const std::string out = path("chart-dcraw.dng");
    QVERIFY(ImageWriter::write(chart, out, dngOptions(), m_rawMeta).ok());
    const cv::Mat rgb = dcrawLinearRgb(QString::fromStdString(out));
    QVERIFY2(!rgb.empty(), "dcraw could not read the DNG");
    QCOMPARE(rgb.cols, chart.width());
    QCOMPARE(rgb.rows, chart.height());
    const auto deltaE = patchDeltaE(chart.mat(), rgb);
    for (size_t i = 0; i < deltaE.size(); ++i)
        QVERIFY2(deltaE[i] < 1.5, qPrintable(QStringLiteral("patch %1: dE %2").arg(i + 1).arg(deltaE[i])));
}

void tst_LinearDng::refusesRasterSourcesAndDisplayImages_data()
{
    QTest::addColumn<bool>("rasterSource");
    QTest::addColumn<bool>("displayImage");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("says");
    QTest::newRow("jpeg source") << true << false << int(ErrorCode::UnsupportedFormat) << "RAW photos";
    QTest::newRow("display-encoded image") << false << true << int(ErrorCode::InvalidArgument) << "linear";
}

void tst_LinearDng::refusesRasterSourcesAndDisplayImages()
{
    QFETCH(bool, rasterSource);
    QFETCH(bool, displayImage);
    QFETCH(int, code);
    QFETCH(QString, says);
    ImageBuffer image = makeChart();
    if (displayImage)
        image.setEncoding(ColorEncoding::Display);
    ImageMeta meta = m_rawMeta;
    if (rasterSource) {
        meta.sensor = SensorKind::NotRaw;
        meta.format = "JPEG";
    }
    const std::string out = path("refused.dng");
    auto written = ImageWriter::write(image, out, dngOptions(), meta);
    QVERIFY(!written.ok());
    QCOMPARE(int(written.error().code), code);
    QVERIFY2(QString::fromStdString(written.error().message).contains(says), written.error().message.c_str());
    QCOMPARE(QString::fromStdString(written.error().context), QString::fromStdString(out));
    QVERIFY(!fs::exists(out));
    for (const auto& entry : fs::directory_iterator(m_dir.path().toStdString()))
        QVERIFY2(entry.path().filename().string().find("nocturne-tmp") == std::string::npos, "temporary file left");
}

void tst_LinearDng::bundledSampleRoundTripsThroughBothReaders()
{
    const std::string sample = NOCTURNE_SOURCE_SAMPLES_DIR "/night-interior.dng";
    auto image = ImageLoader::load(sample);
    QVERIFY2(image.ok(), image ? "" : image.error().describe().c_str());
    auto registry = std::make_shared<EnhancerRegistry>(EnhancerRegistry::withClassicalMethods());
    ProcessParams params;   // the defaults: amplify only with noise reduction
    auto result = Pipeline(registry).process(*image, params, RunContext(), "");
    QVERIFY2(result.ok(), result ? "" : result.error().describe().c_str());

    const std::string out = path("night-interior.dng");
    auto written = ImageWriter::write(result->linear, out, dngOptions(), image->meta);
    QVERIFY2(written.ok(), written ? "" : written.error().describe().c_str());

    // What LibRaw renders is what Nocturne computed, to 16-bit precision.
    auto reopened = ImageLoader::load(out);
    QVERIFY2(reopened.ok(), reopened ? "" : reopened.error().describe().c_str());
    QCOMPARE(reopened->rgb.width(), result->linear.width());
    QCOMPARE(reopened->rgb.height(), result->linear.height());
    cv::Mat expected;
    cv::min(result->linear.mat(), 1.0, expected);
    const double psnr = cv::PSNR(expected, reopened->rgb.mat(), 1.0);
    QVERIFY2(psnr > 60.0, qPrintable(QStringLiteral("LibRaw round trip %1 dB").arg(psnr)));
    QCOMPARE(reopened->meta.isoSpeed.value_or(0), image->meta.isoSpeed.value_or(-1));

    if (!hasDcraw())
        QSKIP("dcraw is not installed (.ci/install-deps installs it)");
    const cv::Mat dcraw = dcrawLinearRgb(QString::fromStdString(out));
    QVERIFY2(!dcraw.empty(), "dcraw could not read the exported sample");
    QCOMPARE(dcraw.cols, result->linear.width());
    QCOMPARE(dcraw.rows, result->linear.height());
    const double dcrawPsnr = cv::PSNR(expected, dcraw, 1.0);
    QVERIFY2(dcrawPsnr > 45.0, qPrintable(QStringLiteral("dcraw reading %1 dB").arg(dcrawPsnr)));
}

QTEST_GUILESS_MAIN(tst_LinearDng)
#include "tst_LinearDng.moc"
