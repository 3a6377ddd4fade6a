#include <QtTest>

#include <cmath>
#include <set>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/enhance/Gamma.h"
#include "core/enhance/NoiseReduction.h"

using namespace nocturne::core;

class tst_NoiseReduction : public QObject {
    Q_OBJECT
private slots:
    void estimatesKnownNoise_data();
    void estimatesKnownNoise();
    void removesNoiseAndKeepsEdges();
    void removesColourSpecks();
    void strengthZeroIsTheIdentity();
    void keepsPrecisionOfSmoothGradients();
    void honoursCancellation();
};

namespace {

// Display-encoded scene: left half grey 0.3, right half grey 0.6 (a vertical edge), plus
// Gaussian noise of `sigma` code values; returned as linear RGB like the amplify stage's output.
ImageBuffer noisyEdge(double sigma, cv::Mat* cleanDisplay = nullptr, int seed = 7)
{
    cv::Mat clean(120, 160, CV_32FC3, cv::Scalar::all(0.3));
    clean(cv::Rect(80, 0, 80, 120)).setTo(cv::Scalar::all(0.6));
    cv::Mat noise(clean.size(), CV_32FC3);
    cv::RNG rng(seed);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, sigma / 255.0);
    if (cleanDisplay)
        *cleanDisplay = clean.clone();
    cv::Mat noisy = clean + noise;
    return Gamma::decode(ImageBuffer(noisy, ColorEncoding::Display), Gamma::kReference);
}

double rmsToClean(const ImageBuffer& linear, const cv::Mat& cleanDisplay, cv::Rect roi)
{
    const cv::Mat d = Gamma::encode(linear, Gamma::kReference).mat();
    const cv::Mat diff = d(roi) - cleanDisplay(roi);
    return std::sqrt(cv::mean(diff.mul(diff))[0]) * 255.0;
}

}  // namespace

void tst_NoiseReduction::estimatesKnownNoise_data()
{
    QTest::addColumn<double>("sigma");
    QTest::newRow("3 levels") << 3.0;
    QTest::newRow("6 levels") << 6.0;
    QTest::newRow("12 levels") << 12.0;
}

void tst_NoiseReduction::estimatesKnownNoise()
{
    QFETCH(double, sigma);
    const cv::Mat display = Gamma::encode(noisyEdge(sigma), Gamma::kReference).mat();
    cv::Mat rgb8;
    display.convertTo(rgb8, CV_8UC3, 255.0);
    const double estimate = NoiseReduction::estimateSigma(rgb8);
    // Grey conversion averages the channels' independent noise: sigma / sqrt(~2.2) expected.
    const double expected = sigma * std::sqrt(0.299 * 0.299 + 0.587 * 0.587 + 0.114 * 0.114);
    QVERIFY2(std::abs(estimate - expected) < 0.25 * expected + 0.3,
             qPrintable(QString("estimate %1, expected about %2").arg(estimate).arg(expected)));
}

void tst_NoiseReduction::removesNoiseAndKeepsEdges()
{
    cv::Mat clean;
    const ImageBuffer noisy = noisyEdge(8.0, &clean);
    auto out = NoiseReduction::apply(noisy, NoiseReduction::kDefaultStrength, RunContext());
    QVERIFY(out.ok());
    const cv::Rect flat(10, 10, 50, 100);
    const double before = rmsToClean(noisy, clean, flat);
    const double after = rmsToClean(*out, clean, flat);
    QVERIFY2(after < 0.4 * before, qPrintable(QString("rms %1 -> %2").arg(before).arg(after)));
    // The edge stays sharp: the step across two pixels keeps at least 90 % of its height.
    const cv::Mat d = Gamma::encode(*out, Gamma::kReference).mat();
    const double left = cv::mean(d(cv::Rect(77, 10, 1, 100)))[0];
    const double right = cv::mean(d(cv::Rect(82, 10, 1, 100)))[0];
    QVERIFY2(right - left > 0.9 * 0.3, qPrintable(QString("edge %1 -> %2").arg(left).arg(right)));
}

void tst_NoiseReduction::removesColourSpecks()
{
    cv::Mat clean(64, 64, CV_32FC3, cv::Scalar::all(0.4));
    cv::Mat specked = clean.clone();
    for (int i = 4; i < 60; i += 9)
        specked.at<cv::Vec3f>(i, (i * 7) % 60 + 2) = cv::Vec3f(0.9f, 0.1f, 0.7f);   // magenta specks
    cv::RNG rng(3);
    cv::Mat noise(clean.size(), CV_32FC3);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, 3.0 / 255.0);
    specked += noise;
    const ImageBuffer in = Gamma::decode(ImageBuffer(specked, ColorEncoding::Display), Gamma::kReference);
    auto out = NoiseReduction::apply(in, NoiseReduction::kDefaultStrength, RunContext());
    QVERIFY(out.ok());
    const cv::Mat d = Gamma::encode(*out, Gamma::kReference).mat();
    for (int i = 4; i < 60; i += 9) {
        const cv::Vec3f v = d.at<cv::Vec3f>(i, (i * 7) % 60 + 2);
        const float chroma = std::max({v[0], v[1], v[2]}) - std::min({v[0], v[1], v[2]});
        QVERIFY2(chroma < 0.15f, qPrintable(QString("speck at row %1 keeps chroma %2").arg(i).arg(chroma)));
    }
}

void tst_NoiseReduction::strengthZeroIsTheIdentity()
{
    const ImageBuffer noisy = noisyEdge(8.0);
    auto out = NoiseReduction::apply(noisy, 0.0f, RunContext());
    QVERIFY(out.ok());
    QCOMPARE(cv::norm(out->mat(), noisy.mat(), cv::NORM_INF), 0.0);
}

void tst_NoiseReduction::keepsPrecisionOfSmoothGradients()
{
    // A noise-free ramp finer than 8-bit steps: the 8-bit filter must not posterise it.
    cv::Mat ramp(32, 1024, CV_32FC3);
    for (int x = 0; x < ramp.cols; ++x)
        ramp.col(x).setTo(cv::Scalar::all(0.2 + 0.1 * x / 1023.0));
    cv::RNG rng(5);
    cv::Mat noise(ramp.size(), CV_32FC3);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, 2.0 / 255.0);
    const ImageBuffer in = Gamma::decode(ImageBuffer(ramp + noise, ColorEncoding::Display), Gamma::kReference);
    auto out = NoiseReduction::apply(in, NoiseReduction::kDefaultStrength, RunContext());
    QVERIFY(out.ok());
    std::set<float> values;
    const cv::Mat d = Gamma::encode(*out, Gamma::kReference).mat();
    for (int x = 0; x < d.cols; ++x)
        values.insert(d.at<cv::Vec3f>(16, x)[1]);
    QVERIFY2(values.size() > 100, qPrintable(QString("only %1 distinct values").arg(values.size())));
}

void tst_NoiseReduction::honoursCancellation()
{
    RunContext ctx;
    ctx.requestStop();
    auto out = NoiseReduction::apply(noisyEdge(8.0), 1.0f, ctx, "photo.jpg");
    QVERIFY(!out.ok());
    QCOMPARE(out.error().code, ErrorCode::Cancelled);
}

QTEST_GUILESS_MAIN(tst_NoiseReduction)
#include "tst_NoiseReduction.moc"
