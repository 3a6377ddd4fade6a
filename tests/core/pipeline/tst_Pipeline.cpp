#include <QtTest>

#include <atomic>
#include <cmath>

#include <opencv2/core.hpp>

#include "core/enhance/Gamma.h"
#include "core/pipeline/Pipeline.h"

using namespace nocturne::core;

namespace {

// Multiplies by the gain and counts its runs, so tests can see which stages re-ran.
class CountingEnhancer : public Enhancer {
public:
    CountingEnhancer(std::string id, InputKind kind, float scale = 1.0f, bool takesAmplified = false)
        : m_scale(scale)
    {
        m_info.id = std::move(id);
        m_info.displayName = m_info.id;
        m_info.inputKind = kind;
        m_info.takesAmplifiedImage = takesAmplified;
    }
    const EnhancerInfo& info() const override { return m_info; }
    Result<EnhanceOutput> enhance(const EnhanceInput& in, const RunContext& ctx) const override
    {
        ++runs;
        lastGain = in.gain;
        lastInput = in.source.rgb.mat().clone();
        if (ctx.stopRequested())
            return makeError(ErrorCode::Cancelled, "cancelled");
        ImageBuffer out(in.source.rgb.mat() * (in.gain * m_scale));
        return EnhanceOutput{out, {}};
    }
    mutable std::atomic<int> runs{0};
    mutable float lastGain = 0.0f;
    mutable cv::Mat lastInput;

private:
    EnhancerInfo m_info;
    float m_scale = 1.0f;
};

DecodedImage darkImage(float value)
{
    DecodedImage img;
    img.rgb = ImageBuffer(16, 8);
    img.rgb.mat().setTo(cv::Scalar::all(value));
    img.meta.sourcePath = "dark.png";
    img.meta.format = "PNG";
    return img;
}

struct Fixture {
    std::shared_ptr<CountingEnhancer> rgb = std::make_shared<CountingEnhancer>("fake", InputKind::LinearRgb);
    std::shared_ptr<CountingEnhancer> mosaic = std::make_shared<CountingEnhancer>("mosaic-net", InputKind::BayerMosaic);
    // A method that makes its own (darker) brightness, as HE or a network may.
    std::shared_ptr<CountingEnhancer> dim = std::make_shared<CountingEnhancer>("dim", InputKind::LinearRgb, 0.25f);
    std::shared_ptr<EnhancerRegistry> registry = std::make_shared<EnhancerRegistry>();
    Fixture()
    {
        registry->add(rgb);
        registry->add(mosaic);
        registry->add(dim);
    }
};

}  // namespace

class tst_Pipeline : public QObject {
    Q_OBJECT
private slots:
    void amplifiesEnhancesAndEncodes();
    void gammaChangeDoesNotRerunEnhancer();
    void whiteBalanceIsDownstreamOfTheMethod();
    void gainChangeReruns();
    void emptySourceKeyDisablesCache();
    void exposureRatioBypassesAmplifier();
    void unknownMethodListsAvailable();
    void mosaicMethodOnRasterIsNotApplicable();
    void rejectsOutOfRangeSettings_data();
    void rejectsOutOfRangeSettings();
    void cancelledBeforeStart();
    void outputExposureBringsMethodsToAmplifyOnly();
    void inputExposureKeepsTheMethodsBrightness();
    void highlightsRollOffInsteadOfClipping();
    void noiseReductionIsAStageOfItsOwn();
    void engineExposureNetworkRefinesWhatAmplifyOnlyShows();
    void defaultsAreTheCalibratedOnes();
    void paramsDifferWhenAnyFieldDiffers_data();
    void paramsDifferWhenAnyFieldDiffers();
};

void tst_Pipeline::amplifiesEnhancesAndEncodes()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    params.amplifier.m = 0.5;
    params.gamma = 2.0f;
    const auto r = pipeline.process(darkImage(0.01f), params, RunContext(), "k");
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
    // A uniform image: Eq. 5's weights cancel, gain = m / x = 50.
    QVERIFY(std::abs(r->gain - 50.0) < 1e-3);
    QVERIFY(r->gainFromAmplifier);
    QCOMPARE(r->display.encoding(), ColorEncoding::Display);
    const float shown = r->display.mat().at<cv::Vec3f>(3, 3)[1];
    QVERIFY(std::abs(shown - std::sqrt(0.5f)) < 1e-4f);   // (0.01 * 50) ^ (1/2)
    QVERIFY(std::abs(r->linear.mat().at<cv::Vec3f>(3, 3)[0] - 0.5f) < 1e-4f);
}

void tst_Pipeline::gammaChangeDoesNotRerunEnhancer()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    const DecodedImage img = darkImage(0.02f);
    for (float g : {1.8f, 2.2f, 2.6f, 3.0f})
    {
        params.gamma = g;
        QVERIFY(pipeline.process(img, params, RunContext(), "same-source").ok());
    }
    QCOMPARE(f.rgb->runs.load(), 1);
    QCOMPARE(pipeline.cache().hits(), size_t{3});
}

void tst_Pipeline::whiteBalanceIsDownstreamOfTheMethod()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    DecodedImage img = darkImage(0.02f);
    img.rgb.mat().setTo(cv::Scalar(0.03, 0.02, 0.008));   // a warm cast
    const auto plain = pipeline.process(img, params, RunContext(), "wb-source");
    params.whiteBalance.automatic = true;
    params.whiteBalance.temperature = -20.0;
    const auto balanced = pipeline.process(img, params, RunContext(), "wb-source");
    QVERIFY(plain.ok() && balanced.ok());
    QCOMPARE(f.rgb->runs.load(), 1);   // the method's output is reused: a cheap, live control
    const cv::Vec3f before = plain->linear.mat().at<cv::Vec3f>(2, 2);
    const cv::Vec3f after = balanced->linear.mat().at<cv::Vec3f>(2, 2);
    QVERIFY2(after[0] / after[2] < before[0] / before[2],
             qPrintable(QString("r/b %1 -> %2").arg(before[0] / before[2]).arg(after[0] / after[2])));
    // What is shown and exported is the balanced linear image through the gamma.
    const cv::Vec3f shown = balanced->display.mat().at<cv::Vec3f>(2, 2);
    for (int c = 0; c < 3; ++c)
        QVERIFY(std::abs(shown[c] - Gamma::encodeValue(after[c], params.gamma)) < 1e-6f);
}

void tst_Pipeline::gainChangeReruns()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    const DecodedImage img = darkImage(0.02f);
    params.amplifier.m = 0.3;
    QVERIFY(pipeline.process(img, params, RunContext(), "src").ok());
    params.amplifier.m = 0.6;
    const auto r = pipeline.process(img, params, RunContext(), "src");
    QVERIFY(r.ok());
    QCOMPARE(f.rgb->runs.load(), 2);
    QVERIFY(std::abs(r->gain - 30.0) < 1e-3);
    // A different source with the same settings is a different cache entry.
    QVERIFY(pipeline.process(img, params, RunContext(), "other-src").ok());
    QCOMPARE(f.rgb->runs.load(), 3);
}

void tst_Pipeline::emptySourceKeyDisablesCache()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    QVERIFY(pipeline.process(darkImage(0.02f), params, RunContext()).ok());
    QVERIFY(pipeline.process(darkImage(0.02f), params, RunContext()).ok());
    QCOMPARE(f.rgb->runs.load(), 2);
    QCOMPARE(pipeline.cache().entryCount(), size_t{0});
}

void tst_Pipeline::exposureRatioBypassesAmplifier()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    params.exposureRatio = 7.0;
    const auto r = pipeline.process(darkImage(0.02f), params, RunContext());
    QVERIFY(r.ok());
    QCOMPARE(r->gain, 7.0);
    QVERIFY(!r->gainFromAmplifier);
    QCOMPARE(pipeline.estimateGain(darkImage(0.02f), params), 7.0);
}

void tst_Pipeline::unknownMethodListsAvailable()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "magic";
    const auto r = pipeline.process(darkImage(0.02f), params, RunContext());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::NotFound);
    const QString msg = QString::fromStdString(r.error().describe());
    QVERIFY2(msg.contains("magic") && msg.contains("fake") && msg.contains("mosaic-net"), qPrintable(msg));
}

void tst_Pipeline::mosaicMethodOnRasterIsNotApplicable()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "mosaic-net";
    const auto r = pipeline.process(darkImage(0.02f), params, RunContext());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::NotApplicable);
    QVERIFY(QString::fromStdString(r.error().describe()).contains("dark.png"));
    QCOMPARE(f.mosaic->runs.load(), 0);
}

void tst_Pipeline::rejectsOutOfRangeSettings_data()
{
    QTest::addColumn<float>("gamma");
    QTest::addColumn<double>("ratio");
    QTest::newRow("gamma below 1") << 0.5f << 1.0;
    QTest::newRow("gamma above 4") << 5.0f << 1.0;
    QTest::newRow("gamma NaN") << std::nanf("") << 1.0;
    QTest::newRow("ratio zero") << 2.2f << 0.0;
    QTest::newRow("ratio negative") << 2.2f << -3.0;
    QTest::newRow("ratio infinite") << 2.2f << HUGE_VAL;
}

void tst_Pipeline::rejectsOutOfRangeSettings()
{
    QFETCH(float, gamma);
    QFETCH(double, ratio);
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    params.gamma = gamma;
    params.exposureRatio = ratio;
    const auto r = pipeline.process(darkImage(0.02f), params, RunContext());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(f.rgb->runs.load(), 0);
}

void tst_Pipeline::cancelledBeforeStart()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    RunContext ctx;
    ctx.requestStop();
    const auto r = pipeline.process(darkImage(0.02f), params, ctx, "k");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Cancelled);
    QCOMPARE(pipeline.cache().entryCount(), size_t{0});
}

namespace {

DecodedImage noisyImage()
{
    DecodedImage img = darkImage(0.004f);
    cv::Mat noise(img.rgb.mat().size(), CV_32FC3);
    cv::RNG(1).fill(noise, cv::RNG::NORMAL, 0.0, 0.001);
    img.rgb.mat() += noise;
    cv::max(img.rgb.mat(), 0.0, img.rgb.mat());
    return img;
}

}  // namespace

void tst_Pipeline::outputExposureBringsMethodsToAmplifyOnly()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.exposureRatio = 40.0;
    params.noiseReduction = 0.0f;
    params.method = "fake";
    const DecodedImage img = darkImage(0.006f);
    const auto plain = pipeline.process(img, params, RunContext());
    params.method = "dim";
    const auto dim = pipeline.process(img, params, RunContext());
    QVERIFY(plain.ok() && dim.ok());
    const double a = cv::mean(plain->display.mat())[0];
    const double b = cv::mean(dim->display.mat())[0];
    QVERIFY2(std::abs(b / a - 1.0) < 0.01, qPrintable(QString("%1 vs %2").arg(b).arg(a)));
}

void tst_Pipeline::inputExposureKeepsTheMethodsBrightness()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.exposureRatio = 40.0;
    params.noiseReduction = 0.0f;
    params.exposure = ExposureMode::Input;
    params.method = "dim";
    const auto dim = pipeline.process(darkImage(0.006f), params, RunContext());
    QVERIFY(dim.ok());
    // 0.006 x 40 x 0.25 = 0.06 linear, as the method made it.
    QVERIFY(std::abs(dim->linear.mat().at<cv::Vec3f>(2, 2)[0] - 0.06f) < 1e-5f);
}

void tst_Pipeline::highlightsRollOffInsteadOfClipping()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    params.noiseReduction = 0.0f;
    params.gamma = 1.0f;
    for (float lit : {0.02f, 0.03f}) {   // x60: 1.2 and 1.8 times white
        params.exposureRatio = 60.0;
        const auto r = pipeline.process(darkImage(lit), params, RunContext());
        QVERIFY(r.ok());
        const float v = r->display.mat().at<cv::Vec3f>(1, 1)[0];
        QCOMPARE(v, Exposure::shoulder(lit * 60.0f));
        QVERIFY(v < 1.0f);
    }
}

void tst_Pipeline::noiseReductionIsAStageOfItsOwn()
{
    Fixture f;
    Pipeline pipeline(f.registry);
    ProcessParams params;
    params.method = "fake";
    params.exposureRatio = 100.0;
    const DecodedImage img = noisyImage();
    params.noiseReduction = 0.0f;
    const auto raw = pipeline.process(img, params, RunContext(), "noisy");
    params.noiseReduction = 1.0f;
    const auto denoised = pipeline.process(img, params, RunContext(), "noisy");
    QVERIFY(raw.ok() && denoised.ok());
    QCOMPARE(f.rgb->runs.load(), 2);   // the strength is part of the cache key
    cv::Scalar m1, s1, m2, s2;
    cv::meanStdDev(raw->display.mat().reshape(1), m1, s1);
    cv::meanStdDev(denoised->display.mat().reshape(1), m2, s2);
    QVERIFY2(s2[0] < 0.6 * s1[0], qPrintable(QString("noise %1 -> %2").arg(s1[0]).arg(s2[0])));
    // The same settings again come from the cache.
    QCOMPARE(pipeline.process(img, params, RunContext(), "noisy").ok(), true);
    QCOMPARE(f.rgb->runs.load(), 2);
}

void tst_Pipeline::engineExposureNetworkRefinesWhatAmplifyOnlyShows()
{
    // A network trained on the engine's own exposure (manifest amplifier "engine") is handed
    // the amplified, noise-reduced image at gain 1, exactly what a linear method gets; a
    // network without the flag gets the dark source and the gain.
    Fixture f;
    auto refiner = std::make_shared<CountingEnhancer>("refiner", InputKind::SrgbDisplay, 1.0f, true);
    auto plain = std::make_shared<CountingEnhancer>("plain-net", InputKind::SrgbDisplay);
    f.registry->add(refiner);
    f.registry->add(plain);
    Pipeline pipeline(f.registry);
    const DecodedImage img = noisyImage();
    ProcessParams params;
    params.exposureRatio = 20.0;
    params.noiseReduction = 1.0f;
    params.method = "fake";
    QVERIFY(pipeline.process(img, params, RunContext(), "").ok());
    params.method = "refiner";
    QVERIFY(pipeline.process(img, params, RunContext(), "").ok());
    params.method = "plain-net";
    QVERIFY(pipeline.process(img, params, RunContext(), "").ok());

    QCOMPARE(refiner->lastGain, 1.0f);
    QCOMPARE(cv::norm(refiner->lastInput, f.rgb->lastInput, cv::NORM_INF), 0.0);
    QCOMPARE(plain->lastGain, 20.0f);
    QCOMPARE(cv::norm(plain->lastInput, img.rgb.mat(), cv::NORM_INF), 0.0);
    // The refiner's input is the denoised one: flatter than the plain amplification.
    cv::Scalar m1, s1;
    cv::meanStdDev(refiner->lastInput.reshape(1), m1, s1);
    const cv::Mat amplified = img.rgb.mat() * 20.0f;
    cv::Scalar m2, s2;
    const cv::Mat clipped = cv::min(amplified, 1.0f);
    cv::meanStdDev(clipped.reshape(1), m2, s2);
    QVERIFY2(s1[0] < 0.6 * s2[0], qPrintable(QString("noise %1 vs %2").arg(s1[0]).arg(s2[0])));
}

void tst_Pipeline::defaultsAreTheCalibratedOnes()
{
    const ProcessParams p;
    QCOMPARE(p.amplifier.m, kDefaultAmplifierTarget);
    QCOMPARE(p.exposure, ExposureMode::Output);
    QCOMPARE(p.noiseReduction, NoiseReduction::kDefaultStrength);
    // The paper's own default is kept where the amplifier is used on its own.
    QCOMPARE(AmplifierSettings().m, 0.5);
}

// The editor drops a full-resolution render whose parameters are not the current ones; it used
// to compare four fields by hand and showed a stale render after a noise-reduction change.
void tst_Pipeline::paramsDifferWhenAnyFieldDiffers_data()
{
    QTest::addColumn<int>("field");
    const char* names[] = {"method", "m", "amplifier mode", "bins", "min gain", "max gain",
                           "exposure ratio", "exposure mode", "noise reduction", "gamma",
                           "auto white balance", "temperature", "tint"};
    for (int i = 0; i < 13; ++i)
        QTest::newRow(names[i]) << i;
}

void tst_Pipeline::paramsDifferWhenAnyFieldDiffers()
{
    QFETCH(int, field);
    const ProcessParams base;
    ProcessParams other = base;
    QVERIFY(other == base);
    switch (field) {
    case 0: other.method = "he"; break;
    case 1: other.amplifier.m = 0.3; break;
    case 2: other.amplifier.mode = other.amplifier.mode == AmplifierMode::Weighted ? AmplifierMode::Mean : AmplifierMode::Weighted; break;
    case 3: other.amplifier.bins = 64; break;
    case 4: other.amplifier.minGain = 0.5; break;
    case 5: other.amplifier.maxGain = 100.0; break;
    case 6: other.exposureRatio = 8.0; break;
    case 7: other.exposure = ExposureMode::Input; break;
    case 8: other.noiseReduction = 2.0f; break;
    case 9: other.gamma = 1.8f; break;
    case 10: other.whiteBalance.automatic = true; break;
    case 11: other.whiteBalance.temperature = -10.0; break;
    default: other.whiteBalance.tint = 5.0; break;
    }
    QVERIFY(other != base);
}

QTEST_GUILESS_MAIN(tst_Pipeline)
#include "tst_Pipeline.moc"
