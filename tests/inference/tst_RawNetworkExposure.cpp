#include <QtTest>

#include <QTemporaryDir>

#include <memory>

#include <opencv2/core.hpp>

#include "core/enhance/EnhancerRegistry.h"
#include "core/inference/ModelRegistry.h"
#include "core/io/ImageLoader.h"
#include "core/pipeline/Pipeline.h"
#include "tests/support/DngWriter.h"

using namespace nocturne;

// The shipped RAW networks must follow the requested exposure (issue 12): at a fixed gain
// their result's mean brightness is within +-20 % of "amplify only" at that gain, and they do
// not blow out more of the frame than it does. Trained to synthetic-ISP targets with a
// brightness gain and an S-curve (models/README.md), on their own (--exposure input) they
// clipped 4-14 % of the bundled sample at x20 where amplify-only clips none, which the white
// fraction check below catches; the engine's output-referred exposure brings them to the gain.
class tst_RawNetworkExposure : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void followsTheRequestedGain_data();
    void followsTheRequestedGain();

private:
    std::shared_ptr<const core::EnhancerRegistry> m_registry;
    QTemporaryDir m_dir;
    QString m_dng;
};

namespace {

double meanLuma(const cv::Mat& display)
{
    cv::Mat y;
    cv::transform(display, y, cv::Matx13f(core::kLumaR, core::kLumaG, core::kLumaB));
    return cv::mean(y)[0];
}

double whiteFraction(const cv::Mat& display)
{
    cv::Mat peak;
    cv::Mat planes[3];
    cv::split(display, planes);
    cv::max(planes[0], planes[1], peak);
    cv::max(peak, planes[2], peak);
    return cv::countNonZero(peak > 254.5f / 255.0f) / static_cast<double>(peak.total());
}

}  // namespace

void tst_RawNetworkExposure::initTestCase()
{
    core::ScanOptions scan;
    scan.useStandardLocations = false;
    scan.extraFolders = {NOCTURNE_SOURCE_MODEL_DIR};
    scan.includeExperimental = true;   // measured whether or not they ship
    const core::ModelRegistry models = core::ModelRegistry::scan(scan);
    core::EnhancerRegistry reg = core::EnhancerRegistry::withClassicalMethods();
    core::EngineOptions engine;
    engine.device = core::ComputeDevice::Cpu;
    engine.log = [](std::string_view) {};
    models.registerInto(reg, engine);
    m_registry = std::make_shared<const core::EnhancerRegistry>(std::move(reg));

    // A synthetic 12-bit capture, dark enough to need x30.
    testsupport::DngSpec spec;
    spec.blackLevel = 256;
    spec.whiteLevel = 4095;
    spec.mosaic = testsupport::makeSceneMosaic(320, 240, core::CfaPattern::RGGB, spec.blackLevel, spec.whiteLevel,
                                               0.02, 11);
    m_dng = m_dir.filePath("dark12.dng");
    const std::string err = testsupport::writeDng(m_dng.toStdString(), spec);
    QVERIFY2(err.empty(), err.c_str());
}

void tst_RawNetworkExposure::followsTheRequestedGain_data()
{
    QTest::addColumn<QString>("network");
    QTest::addColumn<QString>("photo");
    QTest::addColumn<double>("gain");
    for (const char* id : {"lamba-mitra", "sid-unet", "gia-net"}) {
        QTest::addRow("%s, synthetic 12-bit DNG", id) << id << "synthetic" << 30.0;
        QTest::addRow("%s, bundled sample", id) << id << "sample" << 20.0;
    }
}

void tst_RawNetworkExposure::followsTheRequestedGain()
{
    QFETCH(QString, network);
    QFETCH(QString, photo);
    QFETCH(double, gain);
    if (!m_registry->find(network.toStdString()))
        QSKIP("this network has no trained model here");
    const std::string path = photo == "synthetic" ? m_dng.toStdString()
                                                  : std::string(NOCTURNE_SOURCE_DIR "/resources/samples/night-interior.dng");
    auto image = core::ImageLoader::load(path);
    QVERIFY2(image.ok(), image.ok() ? "" : image.error().describe().c_str());
    QVERIFY(image->mosaic.has_value());

    core::Pipeline pipeline(m_registry);
    core::ProcessParams params;
    params.exposureRatio = gain;
    params.method = "none";
    auto plain = pipeline.process(*image, params, core::RunContext());
    QVERIFY(plain.ok());
    params.method = network.toStdString();
    auto net = pipeline.process(*image, params, core::RunContext());
    QVERIFY2(net.ok(), net.ok() ? "" : net.error().describe().c_str());

    const double ratio = meanLuma(net->display.mat()) / meanLuma(plain->display.mat());
    QVERIFY2(ratio > 0.8 && ratio < 1.2, qPrintable(QString("brightness %1 of amplify-only").arg(ratio)));
    const double white = whiteFraction(net->display.mat());
    const double plainWhite = whiteFraction(plain->display.mat());
    QVERIFY2(white <= plainWhite + 0.01,
             qPrintable(QString("%1 % white vs %2 % for amplify only").arg(100 * white).arg(100 * plainWhite)));
}

QTEST_GUILESS_MAIN(tst_RawNetworkExposure)
#include "tst_RawNetworkExposure.moc"
