#include <QtTest>

#include <opencv2/core.hpp>

#include "app/eval/AttentionScore.h"

using namespace nocturne::eval;

class tst_AttentionScore : public QObject {
    Q_OBJECT

private slots:
    void correlationMatchesHandValues();
    void constantMapHasZeroCorrelation();
    void blockMeansRemovePixelNoiseButKeepLayout();
    void luminanceIsRec709AndFlatOutputsDoNotCorrelate();
};

void tst_AttentionScore::correlationMatchesHandValues()
{
    const cv::Mat a = (cv::Mat_<float>(1, 4) << 1, 2, 3, 4);
    const cv::Mat b = (cv::Mat_<float>(1, 4) << 2, 4, 6, 8);
    const cv::Mat c = (cv::Mat_<float>(1, 4) << 4, 3, 2, 1);
    const cv::Mat d = (cv::Mat_<float>(1, 4) << 1, 3, 2, 4);   // r = 0.8 by hand
    QVERIFY(qAbs(correlation(a, b) - 1.0) < 1e-9);
    QVERIFY(qAbs(correlation(a, c) + 1.0) < 1e-9);
    QVERIFY(qAbs(correlation(a, d) - 0.8) < 1e-9);
}

void tst_AttentionScore::constantMapHasZeroCorrelation()
{
    const cv::Mat flat(8, 8, CV_32FC1, cv::Scalar(0.7));
    cv::Mat ramp(8, 8, CV_32FC1);
    for (int i = 0; i < 64; ++i)
        ramp.at<float>(i / 8, i % 8) = static_cast<float>(i);
    QCOMPARE(correlation(flat, ramp), 0.0);
}

void tst_AttentionScore::blockMeansRemovePixelNoiseButKeepLayout()
{
    // A left-dark / right-bright layout plus strong pixel noise: the noisy map correlates only
    // moderately with the clean layout per pixel, almost perfectly on 8x8 block means.
    cv::Mat layout(64, 64, CV_32FC1);
    for (int r = 0; r < 64; ++r)
        for (int c = 0; c < 64; ++c)
            layout.at<float>(r, c) = c < 32 ? 0.2f : 0.8f;
    cv::Mat noise(64, 64, CV_32FC1);
    cv::RNG rng(7);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, 0.5);
    const cv::Mat noisy = layout + noise;
    const cv::Mat blocks = blockMeans(layout);
    QCOMPARE(blocks.size(), cv::Size(8, 8));
    QCOMPARE(blocks.at<float>(3, 1), 0.2f);
    QCOMPARE(blocks.at<float>(3, 6), 0.8f);
    QVERIFY(correlation(noisy, layout) < 0.6);
    QVERIFY(correlation(blockMeans(noisy), blocks) > 0.95);
}

void tst_AttentionScore::luminanceIsRec709AndFlatOutputsDoNotCorrelate()
{
    cv::Mat rgb(2, 2, CV_32FC3, cv::Scalar(0, 0, 0));
    rgb.at<cv::Vec3f>(0, 1) = cv::Vec3f(1, 0, 0);
    rgb.at<cv::Vec3f>(1, 0) = cv::Vec3f(0, 1, 0);
    rgb.at<cv::Vec3f>(1, 1) = cv::Vec3f(0.5f, 0.5f, 0.5f);
    const cv::Mat y = luminance(rgb);
    QCOMPARE(y.type(), CV_32FC1);
    QVERIFY(qAbs(y.at<float>(0, 1) - 0.2126f) < 1e-6f);
    QVERIFY(qAbs(y.at<float>(1, 0) - 0.7152f) < 1e-6f);
    QVERIFY(qAbs(y.at<float>(1, 1) - 0.5f) < 1e-6f);
    // A flat olive output against a textured target: zero correlation, the collapse the eval
    // guards against; the target against itself: 1.
    cv::Mat target(16, 16, CV_32FC3);
    cv::RNG(5).fill(target, cv::RNG::UNIFORM, 0.0, 1.0);
    const cv::Mat flat(16, 16, CV_32FC3, cv::Scalar(0.4, 0.45, 0.3));
    QCOMPARE(correlation(luminance(flat), luminance(target)), 0.0);
    QVERIFY(qAbs(correlation(luminance(target), luminance(target)) - 1.0) < 1e-9);
}

QTEST_APPLESS_MAIN(tst_AttentionScore)
#include "tst_AttentionScore.moc"
