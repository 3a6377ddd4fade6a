// WhiteBalance: half-way automatic correction of a light's cast, temperature and tint shifts,
// brightness kept, white kept white, and no harm to black or over-range pixels.
#include <QtTest>

#include <cmath>

#include <opencv2/core.hpp>

#include "core/enhance/WhiteBalance.h"

using namespace nocturne::core;

class tst_WhiteBalance : public QObject {
    Q_OBJECT
private slots:
    void noCorrectionIsTheIdentity();
    void automaticRemovesHalfOfACast_data();
    void automaticRemovesHalfOfACast();
    void whiteStaysWhiteAndNothingClipsAnew_data();
    void whiteStaysWhiteAndNothingClipsAnew();
    void shiftsMoveTheRightChannelsAndKeepGreyBrightness_data();
    void shiftsMoveTheRightChannelsAndKeepGreyBrightness();
    void fullTemperatureIsTheDocumentedRatio();
    void shiftsFineTuneTheAutomaticBalance();
    void blackAndOverRangeImagesStayFinite();
};

namespace {

// A textured grey scene (every pixel neutral, luminances 0.02-0.6) under a light of colour
// `cast`, no channel above 1 (clipped values carry no colour).
ImageBuffer castScene(const cv::Vec3d& cast)
{
    ImageBuffer img(64, 48);
    cv::RNG rng(7);
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const double grey = rng.uniform(0.02, 0.6);
            img.mat().at<cv::Vec3f>(y, x) = cv::Vec3f(static_cast<float>(grey * cast[0]),
                                                      static_cast<float>(grey * cast[1]),
                                                      static_cast<float>(grey * cast[2]));
        }
    return img;
}

double luma(const cv::Vec3d& g)
{
    return kLumaR * g[0] + kLumaG * g[1] + kLumaB * g[2];
}

}  // namespace

void tst_WhiteBalance::noCorrectionIsTheIdentity()
{
    const ImageBuffer img = castScene({1.4, 1.0, 0.5});
    const WhiteBalanceSettings none;
    QVERIFY(none.isIdentity());
    const ImageBuffer out = WhiteBalance::apply(img, none);
    QCOMPARE(out.mat().data, img.mat().data);   // the same pixels, not a copy
    const cv::Vec3d g = WhiteBalance::gains(img, none);
    for (int c = 0; c < 3; ++c)
        QVERIFY(std::abs(g[c] - 1.0) < 1e-12);
}

void tst_WhiteBalance::automaticRemovesHalfOfACast_data()
{
    QTest::addColumn<double>("r");
    QTest::addColumn<double>("g");
    QTest::addColumn<double>("b");
    QTest::newRow("sodium lamp") << 1.6 << 1.0 << 0.35;
    QTest::newRow("tungsten") << 1.3 << 1.0 << 0.6;
    QTest::newRow("green fluorescent") << 0.85 << 1.2 << 0.9;
    QTest::newRow("blue hour") << 0.7 << 0.95 << 1.5;
    QTest::newRow("neutral") << 1.0 << 1.0 << 1.0;
}

void tst_WhiteBalance::automaticRemovesHalfOfACast()
{
    QFETCH(double, r);
    QFETCH(double, g);
    QFETCH(double, b);
    const ImageBuffer img = castScene({r, g, b});
    WhiteBalanceSettings automatic;
    automatic.automatic = true;
    // The light's colour, in log, is halved: the gains are the cast^-1/2, up to a common scale.
    const cv::Vec3d gains = WhiteBalance::gains(img, automatic);
    const double tol = 1e-5;   // the scene is float32
    QVERIFY2(std::abs(std::log(gains[0] / gains[1]) + 0.5 * std::log(r / g)) < tol,
             qPrintable(QString("gains %1 %2 %3").arg(gains[0]).arg(gains[1]).arg(gains[2])));
    QVERIFY2(std::abs(std::log(gains[2] / gains[1]) + 0.5 * std::log(b / g)) < tol,
             qPrintable(QString("gains %1 %2 %3").arg(gains[0]).arg(gains[1]).arg(gains[2])));
    // A neutral grey keeps its luminance: the correction changes colour, not brightness.
    QVERIFY(std::abs(luma(gains) - 1.0) < 1e-9);
    // In the shadows, where a night photo's colour is, the picture gets those gains.
    const ImageBuffer out = WhiteBalance::apply(img, automatic);
    ImageBuffer shadow(1, 1);
    shadow.mat().at<cv::Vec3f>(0, 0) = cv::Vec3f(static_cast<float>(0.01 * r), static_cast<float>(0.01 * g),
                                                 static_cast<float>(0.01 * b));
    const cv::Vec3f lifted = WhiteBalance::apply(shadow, automatic).mat().at<cv::Vec3f>(0, 0);
    for (int c = 0; c < 3; ++c) {
        const double wanted = shadow.mat().at<cv::Vec3f>(0, 0)[c] * WhiteBalance::gains(shadow, automatic)[c];
        QVERIFY2(std::abs(lifted[c] / wanted - 1.0) < 0.02, qPrintable(QString("channel %1").arg(c)));
    }
    double lo = 0.0, hi = 0.0;
    cv::minMaxLoc(out.mat().reshape(1), &lo, &hi);
    QVERIFY(lo >= 0.0 && hi <= 1.0);
}

void tst_WhiteBalance::whiteStaysWhiteAndNothingClipsAnew_data()
{
    QTest::addColumn<double>("gain");
    QTest::newRow("raise") << 1.6;
    QTest::newRow("lower") << 0.55;
    QTest::newRow("none") << 1.0;
}

void tst_WhiteBalance::whiteStaysWhiteAndNothingClipsAnew()
{
    QFETCH(double, gain);
    QCOMPARE(WhiteBalance::applyGain(1.0f, gain), 1.0f);   // a blown lamp stays neutral white
    QCOMPARE(WhiteBalance::applyGain(0.0f, gain), 0.0f);
    QCOMPARE(WhiteBalance::applyGain(3.0f, gain), 1.0f);   // over-range is white
    QCOMPARE(WhiteBalance::applyGain(std::nanf(""), gain), 0.0f);
    float previous = 0.0f;
    for (int i = 1; i <= 100; ++i) {
        const float x = i / 100.0f;
        const float y = WhiteBalance::applyGain(x, gain);
        QVERIFY2(y > previous && y <= 1.0f, qPrintable(QString("f(%1) = %2").arg(x).arg(y)));   // no new clip
        previous = y;
    }
    // Slope `gain` at black: the shadows get the correction in full.
    QVERIFY(std::abs(WhiteBalance::applyGain(1e-4f, gain) / 1e-4 - gain) < 1e-3 * gain);
}

void tst_WhiteBalance::shiftsMoveTheRightChannelsAndKeepGreyBrightness_data()
{
    QTest::addColumn<double>("temperature");
    QTest::addColumn<double>("tint");
    QTest::addColumn<int>("redOverBlue");      // sign of ln(red / blue gain)
    QTest::addColumn<int>("greenOverOthers");  // sign of ln(green / geometric mean of red, blue)
    QTest::newRow("warmer") << 60.0 << 0.0 << 1 << 0;
    QTest::newRow("cooler") << -60.0 << 0.0 << -1 << 0;
    QTest::newRow("magenta") << 0.0 << 50.0 << 0 << -1;
    QTest::newRow("greener") << 0.0 << -50.0 << 0 << 1;
    QTest::newRow("cooler and greener") << -30.0 << -30.0 << -1 << 1;
}

void tst_WhiteBalance::shiftsMoveTheRightChannelsAndKeepGreyBrightness()
{
    QFETCH(double, temperature);
    QFETCH(double, tint);
    QFETCH(int, redOverBlue);
    QFETCH(int, greenOverOthers);
    const cv::Vec3d g = WhiteBalance::manualGains(temperature, tint);
    const auto sign = [](double v) { return std::abs(v) < 1e-12 ? 0 : (v > 0 ? 1 : -1); };
    const QString gains = QString("gains %1 %2 %3").arg(g[0]).arg(g[1]).arg(g[2]);
    QVERIFY2(sign(std::log(g[0] / g[2])) == redOverBlue, qPrintable(gains));
    QVERIFY2(sign(std::log(g[1] / std::sqrt(g[0] * g[2]))) == greenOverOthers, qPrintable(gains));
    QVERIFY(std::abs(luma(g) - 1.0) < 1e-12);   // a grey's luminance, i.e. the brightness, stays
}

void tst_WhiteBalance::fullTemperatureIsTheDocumentedRatio()
{
    const cv::Vec3d warm = WhiteBalance::manualGains(100.0, 0.0);
    QVERIFY(std::abs(std::log(warm[0] / warm[2]) - WhiteBalance::kTemperatureScale) < 1e-12);
    const cv::Vec3d magenta = WhiteBalance::manualGains(0.0, 100.0);
    QVERIFY(std::abs(std::log(magenta[0] / magenta[1]) - WhiteBalance::kTintScale) < 1e-12);
    // Beyond the range is the range's end, not more.
    const cv::Vec3d beyond = WhiteBalance::manualGains(400.0, 0.0);
    QVERIFY(std::abs(beyond[0] - warm[0]) < 1e-12);
    QCOMPARE(WhiteBalance::manualGains(std::nan(""), 0.0), cv::Vec3d(1.0, 1.0, 1.0));
}

void tst_WhiteBalance::shiftsFineTuneTheAutomaticBalance()
{
    const ImageBuffer img = castScene({1.5, 1.0, 0.4});
    WhiteBalanceSettings automatic;
    automatic.automatic = true;
    WhiteBalanceSettings cooler = automatic;
    cooler.temperature = -40.0;
    const cv::Vec3d a = WhiteBalance::gains(img, automatic);
    const cv::Vec3d c = WhiteBalance::gains(img, cooler);
    const cv::Vec3d m = WhiteBalance::manualGains(-40.0, 0.0);
    // The shift multiplies onto the estimate: the red/blue ratio moves by exactly the shift's.
    QVERIFY(std::abs(std::log((c[0] / c[2]) / (a[0] / a[2])) - std::log(m[0] / m[2])) < 1e-9);
    QVERIFY(std::abs(luma(c) - 1.0) < 1e-9);
}

void tst_WhiteBalance::blackAndOverRangeImagesStayFinite()
{
    WhiteBalanceSettings automatic;
    automatic.automatic = true;
    automatic.temperature = 30.0;
    ImageBuffer black(32, 16);
    black.mat().setTo(cv::Scalar::all(0.0));
    const cv::Vec3d g = WhiteBalance::automaticGains(black);
    QCOMPARE(g, cv::Vec3d(1.0, 1.0, 1.0));
    ImageBuffer noBlue(32, 16);
    noBlue.mat().setTo(cv::Scalar(0.3, 0.2, 0.0));
    QCOMPARE(WhiteBalance::automaticGains(noBlue), cv::Vec3d(1.0, 1.0, 1.0));   // nothing to estimate from

    ImageBuffer hot = castScene({1.0, 1.0, 1.0});
    hot.mat().at<cv::Vec3f>(0, 0) = cv::Vec3f(40.0f, std::nanf(""), -3.0f);
    const ImageBuffer out = WhiteBalance::apply(hot, automatic);
    const cv::Vec3d gains = WhiteBalance::gains(hot, automatic);
    for (int c = 0; c < 3; ++c)
        QVERIFY(std::isfinite(gains[c]) && gains[c] > 0.0);
    QVERIFY(std::isfinite(out.mat().at<cv::Vec3f>(5, 5)[0]));
    QVERIFY(std::isfinite(out.mat().at<cv::Vec3f>(0, 0)[0]));
}

QTEST_GUILESS_MAIN(tst_WhiteBalance)
#include "tst_WhiteBalance.moc"
