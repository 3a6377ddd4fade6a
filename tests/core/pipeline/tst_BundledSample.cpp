// The bundled sample (resources/samples, made by models/training/make_sample.py): both files
// open as the camera wrote them, stay small, and the default settings turn each into a
// properly exposed picture without blowing it out.
#include <QtTest>

#include <filesystem>

#include <opencv2/core.hpp>

#include "core/enhance/EnhancerRegistry.h"
#include "core/io/ImageLoader.h"
#include "core/pipeline/MethodDefaults.h"
#include "core/pipeline/Pipeline.h"

using namespace nocturne::core;

class tst_BundledSample : public QObject {
    Q_OBJECT
private slots:
    void opensWithItsCameraData_data();
    void opensWithItsCameraData();
    void defaultsGiveAProperExposure_data();
    void defaultsGiveAProperExposure();
};

namespace {
std::string samplePath(const char* name)
{
    return std::string(NOCTURNE_SOURCE_SAMPLES_DIR "/") + name;
}
}  // namespace

void tst_BundledSample::opensWithItsCameraData_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("raw");
    QTest::newRow("raw") << "night-interior.dng" << true;
    QTest::newRow("jpeg") << "night-interior.jpg" << false;
}

void tst_BundledSample::opensWithItsCameraData()
{
    QFETCH(QString, file);
    QFETCH(bool, raw);
    const std::string path = samplePath(file.toUtf8().constData());
    QVERIFY2(std::filesystem::file_size(path) <= 4u * 1024 * 1024, "the sample must stay under 4 MB");
    auto image = ImageLoader::load(path);
    QVERIFY2(image.ok(), image.ok() ? "" : image.error().describe().c_str());
    QCOMPARE(image->rgb.mat().cols, 1024);
    QCOMPARE(image->rgb.mat().rows, 1536);
    QCOMPARE(image->mosaic.has_value(), raw);
    QCOMPARE(image->meta.cameraMake, std::string("Nocturne"));
    QCOMPARE(image->meta.cameraModel, std::string("Synthetic Night Camera"));
    QCOMPARE(image->meta.isoSpeed.value_or(0.0), 12800.0);
    // It is a dark capture: the mean linear value is a small fraction of white.
    QVERIFY(cv::mean(image->rgb.mat())[1] < 0.02);
}

void tst_BundledSample::defaultsGiveAProperExposure_data()
{
    opensWithItsCameraData_data();
}

void tst_BundledSample::defaultsGiveAProperExposure()
{
    QFETCH(QString, file);
    QFETCH(bool, raw);
    auto image = ImageLoader::load(samplePath(file.toUtf8().constData()));
    QVERIFY(image.ok());
    auto registry = std::make_shared<EnhancerRegistry>(EnhancerRegistry::withClassicalMethods());
    ProcessParams params;
    params.method = defaultMethodFor(raw ? SourceKind::Raw : SourceKind::Raster, *registry);
    const auto result = Pipeline(registry).process(*image, params, RunContext(), "");
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().describe().c_str());
    cv::Mat display = result->display.mat();
    const double mean = cv::mean(display)[0] / 3.0 + cv::mean(display)[1] / 3.0 + cv::mean(display)[2] / 3.0;
    QVERIFY2(mean > 0.3 && mean < 0.6, qPrintable(QString("display mean %1").arg(mean)));
    cv::Mat clipped = (display.reshape(1) >= 0.999f);
    const double clippedShare = cv::countNonZero(clipped) / double(clipped.total());
    QVERIFY2(clippedShare < 0.001, qPrintable(QString("%1 of the values clip").arg(clippedShare)));
}

QTEST_GUILESS_MAIN(tst_BundledSample)
#include "tst_BundledSample.moc"
