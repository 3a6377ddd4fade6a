#include <QtTest>

#include <cmath>
#include <limits>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/enhance/Exposure.h"
#include "core/enhance/Gamma.h"

using namespace nocturne::core;

class tst_Exposure : public QObject {
    Q_OBJECT
private slots:
    void shoulderIsIdentityBelowTheKnee_data();
    void shoulderIsIdentityBelowTheKnee();
    void shoulderIsSmoothMonotonicAndBelowWhite();
    void shoulderMapsNanAndNegativesToBlack();
    void amplifyAppliesGainThenShoulder();
    void matchReachesTheTarget_data();
    void matchReachesTheTarget();
    void matchOfBlackLeavesItBlack();
    void rescaleBrightensWithoutClippingAndIsContinuousAtOne();
    void matchAtTheCurrentExposureIsTheIdentity();
    void amplifiedDisplayMeanIsAmplifyThenMeasure();
};

namespace {

// A dark scene: a horizontal ramp of linear values in [0, peak], plus a small lamp at `lamp`.
ImageBuffer darkScene(float peak, float lamp = 0.0f)
{
    cv::Mat m(90, 160, CV_32FC3);
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) {
            const float v = peak * static_cast<float>(x) / static_cast<float>(m.cols - 1);
            m.at<cv::Vec3f>(y, x) = cv::Vec3f(v, 0.8f * v, 0.6f * v);
        }
    if (lamp > 0.0f)
        m(cv::Rect(10, 10, 6, 6)).setTo(cv::Scalar(lamp, lamp, lamp));
    return ImageBuffer(m);
}

}  // namespace

void tst_Exposure::shoulderIsIdentityBelowTheKnee_data()
{
    QTest::addColumn<float>("value");
    QTest::newRow("black") << 0.0f;
    QTest::newRow("shadow") << 0.01f;
    QTest::newRow("mid-grey") << 0.18f;
    QTest::newRow("at the knee") << Exposure::kKnee;
}

void tst_Exposure::shoulderIsIdentityBelowTheKnee()
{
    QFETCH(float, value);
    QCOMPARE(Exposure::shoulder(value), value);
}

void tst_Exposure::shoulderIsSmoothMonotonicAndBelowWhite()
{
    float previous = 0.0f;
    for (float v = 0.0f; v < 20.0f; v += 0.01f) {
        const float s = Exposure::shoulder(v);
        QVERIFY2(s >= previous, qPrintable(QString("not monotonic at %1").arg(v)));
        QVERIFY(s <= 1.0f);
        previous = s;
    }
    // Slope 1 at the knee: no visible kink where highlights start to roll off.
    const float k = Exposure::kKnee;
    const float slope = (Exposure::shoulder(k + 1e-3f) - Exposure::shoulder(k)) / 1e-3f;
    QVERIFY2(std::abs(slope - 1.0f) < 0.01f, qPrintable(QString::number(slope)));
    // A wall at 1.2x white keeps texture (not yet white); a lamp at 10x white reaches white.
    QVERIFY(Exposure::shoulder(1.2f) < 254.5f / 255.0f);
    QVERIFY(Exposure::shoulder(1.3f) - Exposure::shoulder(1.2f) > 0.01f);
    QVERIFY(Exposure::shoulder(10.0f) > 254.5f / 255.0f);
    // A knee of 1 is the hard clip.
    QCOMPARE(Exposure::shoulder(1.5f, 1.0f), 1.0f);
}

void tst_Exposure::shoulderMapsNanAndNegativesToBlack()
{
    QCOMPARE(Exposure::shoulder(-0.5f), 0.0f);
    QCOMPARE(Exposure::shoulder(std::numeric_limits<float>::quiet_NaN()), 0.0f);
}

void tst_Exposure::amplifyAppliesGainThenShoulder()
{
    const ImageBuffer in = darkScene(0.05f);
    const ImageBuffer out = Exposure::amplify(in, 30.0);
    QCOMPARE(out.width(), in.width());
    for (int x : {0, 40, 80, 159}) {
        const float v = in.mat().at<cv::Vec3f>(45, x)[0];
        QCOMPARE(out.mat().at<cv::Vec3f>(45, x)[0], Exposure::shoulder(v * 30.0f));
    }
    QVERIFY(in.mat().at<cv::Vec3f>(45, 159)[0] == 0.05f);   // input untouched
}

void tst_Exposure::matchReachesTheTarget_data()
{
    QTest::addColumn<float>("peak");
    QTest::addColumn<float>("lamp");
    QTest::addColumn<double>("target");
    QTest::newRow("dark, brighten to 0.4") << 0.02f << 0.0f << 0.4;
    QTest::newRow("bright, darken to 0.3") << 1.0f << 0.0f << 0.3;
    QTest::newRow("with a lamp") << 0.02f << 5.0f << 0.45;
}

void tst_Exposure::matchReachesTheTarget()
{
    QFETCH(float, peak);
    QFETCH(float, lamp);
    QFETCH(double, target);
    const ImageBuffer in = darkScene(peak, lamp);
    const ImageBuffer out = Exposure::match(in, target);
    QVERIFY2(std::abs(Exposure::displayMean(out) - target) < 0.005,
             qPrintable(QString("mean %1 for target %2").arg(Exposure::displayMean(out)).arg(target)));
    double lo = 0, hi = 0;
    cv::minMaxLoc(out.mat().reshape(1), &lo, &hi);
    QVERIFY(lo >= 0.0 && hi <= 1.0);
}

void tst_Exposure::matchOfBlackLeavesItBlack()
{
    const ImageBuffer black(ImageBuffer(cv::Mat(20, 30, CV_32FC3, cv::Scalar::all(0))));
    QCOMPARE(Exposure::matchScale(black, 0.4), 1.0);
    QCOMPARE(cv::countNonZero(Exposure::match(black, 0.4).mat().reshape(1)), 0);
}

void tst_Exposure::rescaleBrightensWithoutClippingAndIsContinuousAtOne()
{
    for (double s : {1.0, 1.1, 4.0})
        QCOMPARE(Exposure::rescale(1.0f, s), 1.0f);   // brightening never clips
    QCOMPARE(Exposure::rescale(1.0f, 0.5), 0.5f);     // darkening is a plain exposure change
    for (double s : {0.25, 0.9, 1.0, 1.1, 4.0}) {
        QCOMPARE(Exposure::rescale(0.0f, s), 0.0f);
        float previous = 0.0f;
        for (float x = 0.0f; x <= 1.0f; x += 0.05f) {
            const float y = Exposure::rescale(x, s);
            QVERIFY(y >= previous && y <= 1.0f);
            previous = y;
        }
    }
    // No jump across s = 1: highlights are not compressed by a vanishing change of exposure.
    for (float x : {0.3f, 0.7f, 0.95f}) {
        QCOMPARE(Exposure::rescale(x, 1.0), x);
        QVERIFY(std::abs(Exposure::rescale(x, 1.001) - x) < 1e-3f);
        QVERIFY(std::abs(Exposure::rescale(x, 0.999) - x) < 1e-3f);
    }
}

void tst_Exposure::matchAtTheCurrentExposureIsTheIdentity()
{
    // A result with bright highlights (0.6-0.95), already at its target, comes back unchanged.
    const ImageBuffer in = darkScene(0.95f);
    QCOMPARE(Exposure::matchScale(in, Exposure::displayMean(in)), 1.0);
    const ImageBuffer out = Exposure::match(in, Exposure::displayMean(in));
    QVERIFY(cv::norm(out.mat(), in.mat(), cv::NORM_INF) < 1e-6);
}

void tst_Exposure::amplifiedDisplayMeanIsAmplifyThenMeasure()
{
    const ImageBuffer in = darkScene(0.03f, 2.0f);
    const double direct = Exposure::displayMean(Exposure::amplify(in, 25.0));
    QVERIFY(std::abs(Exposure::amplifiedDisplayMean(in, 25.0) - direct) < 1e-6);
    // A frame larger than the measuring size is measured on a reduced copy: same answer to 1 %.
    cv::Mat big;
    cv::resize(in.mat(), big, cv::Size(1600, 900), 0, 0, cv::INTER_NEAREST);
    const double bigMean = Exposure::amplifiedDisplayMean(ImageBuffer(big), 25.0);
    QVERIFY2(std::abs(bigMean - direct) < 0.01 * direct, qPrintable(QString("%1 vs %2").arg(bigMean).arg(direct)));
}

QTEST_GUILESS_MAIN(tst_Exposure)
#include "tst_Exposure.moc"
