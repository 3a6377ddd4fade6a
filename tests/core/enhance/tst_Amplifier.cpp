#include <QtTest>

#include <cmath>
#include <limits>

#include <opencv2/core.hpp>

#include "core/enhance/Amplifier.h"

using namespace nocturne::core;

namespace {

// The Eq. 6-7 weight of the bin holding x, computed from the paper's formulas directly.
double paperWeight(double x, int n)
{
    for (int k = 1; k <= n; ++k) {
        const double edge = std::pow(2.0, 8.0 * k / n) / 256.0;
        if (x <= edge)
            return std::pow(2.0, 8.0 * (n - k + 1) / n) / 256.0;
    }
    return std::pow(2.0, 8.0 / n) / 256.0;
}

cv::Mat uniform(float value, int rows = 64, int cols = 64)
{
    return cv::Mat(rows, cols, CV_32FC1, cv::Scalar(value));
}

AmplifierSettings settings(AmplifierMode mode, double m = 0.5)
{
    AmplifierSettings s;
    s.mode = mode;
    s.m = m;
    return s;
}

}  // namespace

class tst_Amplifier : public QObject {
    Q_OBJECT
private slots:
    void binEdgesMatchEq6_data();
    void binEdgesMatchEq6();
    void binWeightsMatchEq7();
    void uniformImageGivesMOverValue_data();
    void uniformImageGivesMOverValue();
    void twoLevelImage();
    void saturatedHighlightsDoNotCollapseWeightedGain();
    void gainIsClipped_data();
    void gainIsClipped();
    void blackFrameGivesMaxGain();
    void gainScalesWithM();
    void mosaicEstimateUsesNormalisedData();
    void rgbEstimateUsesAllChannels();
    void applyMultipliesUnclipped();
    void applyHandlesHighlightsAsAsked();
    void isDeterministicOnLargeImage();
};

void tst_Amplifier::binEdgesMatchEq6_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<double>("expected");
    QTest::newRow("b0") << 0 << 0.0;
    QTest::newRow("b1") << 1 << std::pow(2.0, 8.0 / 128) / 256.0;
    QTest::newRow("b64") << 64 << 0.0625;
    QTest::newRow("b128") << 128 << 1.0;
}

void tst_Amplifier::binEdgesMatchEq6()
{
    QFETCH(int, k);
    QFETCH(double, expected);
    const std::vector<double> edges = Amplifier::binEdges(128);
    QCOMPARE(edges.size(), size_t(129));
    QVERIFY(std::abs(edges[k] - expected) < 1e-12);
    if (k == 1)
        QVERIFY(std::abs(edges[1] - 4.08e-3) < 1e-5);
}

void tst_Amplifier::binWeightsMatchEq7()
{
    const std::vector<double> w = Amplifier::binWeights(128);
    QCOMPARE(w.size(), size_t(128));
    QVERIFY(std::abs(w[0] - 1.0) < 1e-12);
    QVERIFY(std::abs(w[127] - std::pow(2.0, 1.0 / 16) / 256.0) < 1e-12);
    QVERIFY(std::abs(w[127] - 4.08e-3) < 1e-5);
    for (size_t i = 1; i < w.size(); ++i)
        QVERIFY(w[i] < w[i - 1]);
}

void tst_Amplifier::uniformImageGivesMOverValue_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("eq4-mean") << int(AmplifierMode::Mean);
    QTest::newRow("eq5-weighted") << int(AmplifierMode::Weighted);
}

void tst_Amplifier::uniformImageGivesMOverValue()
{
    QFETCH(int, mode);
    const Amplifier amp(settings(AmplifierMode(mode)));
    const GainEstimate e = amp.estimate(uniform(0.01f));
    QVERIFY(std::abs(e.gain - 50.0) < 1e-3);
    QVERIFY(std::abs(e.unclippedGain - 50.0) < 1e-3);
    QVERIFY(std::abs(e.weightedMean - 0.01) < 1e-8);
}

void tst_Amplifier::twoLevelImage()
{
    cv::Mat img = uniform(0.01f);
    img.rowRange(0, 32).setTo(0.02f);
    const double x1 = 0.01f;   // the float values the class actually sees
    const double x2 = 0.02f;

    const GainEstimate mean = Amplifier(settings(AmplifierMode::Mean)).estimate(img);
    QVERIFY(std::abs(mean.gain - 0.5 / (0.5 * (x1 + x2))) < 1e-4);

    const double w1 = paperWeight(x1, 128);
    const double w2 = paperWeight(x2, 128);
    QVERIFY(w1 > w2);   // different bins, so the weights matter
    const double weightedMean = (w1 * x1 + w2 * x2) / (w1 + w2);
    const GainEstimate weighted = Amplifier(settings(AmplifierMode::Weighted)).estimate(img);
    QVERIFY(std::abs(weighted.weightedMean - weightedMean) < 1e-9);
    QVERIFY(std::abs(weighted.gain - 0.5 / weightedMean) < 1e-4);
    QVERIFY(weighted.gain > mean.gain);   // dark pixels count more
}

void tst_Amplifier::saturatedHighlightsDoNotCollapseWeightedGain()
{
    cv::Mat img = uniform(0.005f, 100, 100);
    img.rowRange(0, 5).setTo(1.0f);   // 5 % saturated

    const GainEstimate mean = Amplifier(settings(AmplifierMode::Mean)).estimate(img);
    QVERIFY(std::abs(mean.gain - 0.5 / (0.95 * 0.005 + 0.05)) < 1e-3);
    QVERIFY(mean.gain < 10.0);

    const GainEstimate weighted = Amplifier(settings(AmplifierMode::Weighted)).estimate(img);
    QVERIFY2(std::abs(weighted.gain - 100.0) < 25.0, qPrintable(QString::number(weighted.gain)));
}

void tst_Amplifier::gainIsClipped_data()
{
    QTest::addColumn<float>("value");
    QTest::addColumn<double>("expected");
    QTest::addColumn<double>("unclipped");
    QTest::newRow("very-dark") << 1e-4f << 300.0 << 5000.0;
    QTest::newRow("bright") << 0.8f << 1.0 << 0.625;
}

void tst_Amplifier::gainIsClipped()
{
    QFETCH(float, value);
    QFETCH(double, expected);
    QFETCH(double, unclipped);
    for (AmplifierMode mode : {AmplifierMode::Mean, AmplifierMode::Weighted}) {
        const GainEstimate e = Amplifier(settings(mode)).estimate(uniform(value));
        QCOMPARE(e.gain, expected);
        QVERIFY(std::abs(e.unclippedGain - unclipped) < 1e-3 * unclipped);
    }
}

void tst_Amplifier::blackFrameGivesMaxGain()
{
    const GainEstimate e = Amplifier().estimate(uniform(0.0f));
    QCOMPARE(e.gain, 300.0);
    QVERIFY(std::isinf(e.unclippedGain));
    QCOMPARE(e.weightedMean, 0.0);
}

void tst_Amplifier::gainScalesWithM()
{
    cv::Mat img(80, 80, CV_32FC1);
    cv::randu(img, 0.0f, 0.02f);
    const double g1 = Amplifier(settings(AmplifierMode::Weighted, 0.2)).estimate(img).gain;
    const double g2 = Amplifier(settings(AmplifierMode::Weighted, 0.4)).estimate(img).gain;
    QVERIFY(g1 > 1.0 && g2 < 300.0);
    QVERIFY(std::abs(g2 / g1 - 2.0) < 1e-9);
}

void tst_Amplifier::mosaicEstimateUsesNormalisedData()
{
    RawMosaic mosaic;
    mosaic.data = cv::Mat(40, 60, CV_16UC1);
    cv::randu(mosaic.data, 500, 1200);
    mosaic.blackLevel = {512, 510, 514, 508};
    mosaic.whiteLevel = 16383;
    const Amplifier amp;
    const GainEstimate fromMosaic = amp.estimate(mosaic);
    const GainEstimate fromMatrix = amp.estimate(mosaic.normalized());
    QCOMPARE(fromMosaic.gain, fromMatrix.gain);
    QCOMPARE(fromMosaic.weightedMean, fromMatrix.weightedMean);
    QVERIFY(fromMosaic.gain > 1.0 && fromMosaic.gain < 300.0);
}

void tst_Amplifier::rgbEstimateUsesAllChannels()
{
    // R = 0.01, G = 0.02, B = 0.03: the mean over all channel values is 0.02.
    ImageBuffer rgb(cv::Mat(30, 30, CV_32FC3, cv::Scalar(0.01f, 0.02f, 0.03f)));
    const GainEstimate e = Amplifier(settings(AmplifierMode::Mean)).estimate(rgb);
    QVERIFY(std::abs(e.weightedMean - 0.02) < 1e-6);
    QVERIFY(std::abs(e.gain - 25.0) < 1e-3);
}

void tst_Amplifier::applyHandlesHighlightsAsAsked()
{
    ImageBuffer rgb(cv::Mat(2, 2, CV_32FC3, cv::Scalar(0.01f, 0.05f, 0.5f)));
    const cv::Vec3f clip = Amplifier::apply(rgb, 10.0, Highlights::Clip).mat().at<cv::Vec3f>(1, 1);
    QVERIFY(std::abs(clip[0] - 0.1f) < 1e-6f && std::abs(clip[1] - 0.5f) < 1e-6f);
    QCOMPARE(clip[2], 1.0f);
    // The shoulder: unchanged below the knee, above it short of white and still rising.
    const cv::Vec3f shoulder = Amplifier::apply(rgb, 10.0, Highlights::Shoulder).mat().at<cv::Vec3f>(0, 0);
    QVERIFY(std::abs(shoulder[1] - 0.5f) < 1e-6f);
    QVERIFY(shoulder[2] > Exposure::kKnee && shoulder[2] < 1.0f);
    QCOMPARE(shoulder[2], Exposure::shoulder(5.0f));
    const cv::Vec3f brighter = Amplifier::apply(rgb, 20.0, Highlights::Shoulder).mat().at<cv::Vec3f>(0, 0);
    QVERIFY(brighter[2] > shoulder[2]);

    cv::Mat mosaic(2, 2, CV_32FC1, cv::Scalar(0.2f));
    mosaic.at<float>(0, 0) = 0.01f;
    const cv::Mat kept = Amplifier::apply(mosaic, 10.0, Highlights::Keep);
    const cv::Mat clipped = Amplifier::apply(mosaic, 10.0, Highlights::Clip);
    QVERIFY(std::abs(kept.at<float>(0, 1) - 2.0f) < 1e-6f && std::abs(kept.at<float>(0, 0) - 0.1f) < 1e-6f);
    QCOMPARE(clipped.at<float>(0, 1), 1.0f);
    QVERIFY(std::abs(clipped.at<float>(0, 0) - 0.1f) < 1e-6f);
}

void tst_Amplifier::applyMultipliesUnclipped()
{
    ImageBuffer rgb(cv::Mat(4, 4, CV_32FC3, cv::Scalar(0.01f, 0.2f, 0.5f)));
    const ImageBuffer out = Amplifier::apply(rgb, 10.0, Highlights::Keep);
    QCOMPARE(out.encoding(), ColorEncoding::Linear);
    const cv::Vec3f px = out.mat().at<cv::Vec3f>(2, 3);
    QVERIFY(std::abs(px[0] - 0.1f) < 1e-6f);
    QVERIFY(std::abs(px[1] - 2.0f) < 1e-6f);
    QVERIFY(std::abs(px[2] - 5.0f) < 1e-6f);
    // The input is untouched.
    QVERIFY(std::abs(rgb.mat().at<cv::Vec3f>(0, 0)[2] - 0.5f) < 1e-7f);
}

void tst_Amplifier::isDeterministicOnLargeImage()
{
    cv::Mat img(1000, 1500, CV_32FC1);
    cv::randu(img, 0.0f, 0.05f);
    const Amplifier amp;
    const GainEstimate a = amp.estimate(img);
    const GainEstimate b = amp.estimate(img);
    QCOMPARE(a.weightedMean, b.weightedMean);
    QCOMPARE(a.gain, b.gain);
}

QTEST_GUILESS_MAIN(tst_Amplifier)
#include "tst_Amplifier.moc"
