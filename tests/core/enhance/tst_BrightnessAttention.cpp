// Eq. 4's brightness attention, shared by the editor's overlay, nocturne-eval and (in Python)
// the training targets.
#include <QtTest>

#include <opencv2/core.hpp>

#include "core/enhance/BrightnessAttention.h"

using namespace nocturne::core;

Q_DECLARE_METATYPE(cv::Vec3f)

class tst_BrightnessAttention : public QObject {
    Q_OBJECT

private slots:
    void targetIsEq4OnChannelMaxima_data();
    void targetIsEq4OnChannelMaxima();
    void mismatchedInputsGiveNothing();
};

void tst_BrightnessAttention::targetIsEq4OnChannelMaxima_data()
{
    QTest::addColumn<cv::Vec3f>("x");
    QTest::addColumn<cv::Vec3f>("y");
    QTest::addColumn<float>("expected");
    // max_c y = 0.8, max_c x = 0.2 (different channels): (0.8 - 0.2) / (0.8 + eps)
    QTest::newRow("quarter as bright") << cv::Vec3f(0.2f, 0.1f, 0.0f) << cv::Vec3f(0.1f, 0.8f, 0.3f) << 0.6f / 0.8001f;
    QTest::newRow("as bright") << cv::Vec3f(0.5f, 0.5f, 0.5f) << cv::Vec3f(0.5f, 0.1f, 0.1f) << 0.0f;
    QTest::newRow("brighter input clamps to 0") << cv::Vec3f(0.9f, 0.0f, 0.0f) << cv::Vec3f(0.3f, 0.3f, 0.3f) << 0.0f;
    QTest::newRow("black input") << cv::Vec3f(0.0f, 0.0f, 0.0f) << cv::Vec3f(0.0f, 0.0f, 0.6f) << 0.6f / 0.6001f;
    QTest::newRow("black target") << cv::Vec3f(0.0f, 0.0f, 0.0f) << cv::Vec3f(0.0f, 0.0f, 0.0f) << 0.0f;
}

void tst_BrightnessAttention::targetIsEq4OnChannelMaxima()
{
    QFETCH(cv::Vec3f, x);
    QFETCH(cv::Vec3f, y);
    QFETCH(float, expected);
    const cv::Mat a = brightnessAttention(cv::Mat(3, 2, CV_32FC3, x), cv::Mat(3, 2, CV_32FC3, y));
    QCOMPARE(a.type(), CV_32FC1);
    QCOMPARE(a.size(), cv::Size(2, 3));
    QVERIFY(qAbs(a.at<float>(2, 1) - expected) < 1e-5f);
}

void tst_BrightnessAttention::mismatchedInputsGiveNothing()
{
    QVERIFY(brightnessAttention(cv::Mat(2, 2, CV_32FC3, cv::Scalar::all(0.1)), cv::Mat(2, 3, CV_32FC3, cv::Scalar::all(0.5))).empty());
    QVERIFY(brightnessAttention(cv::Mat(2, 2, CV_32FC1, cv::Scalar::all(0.1)), cv::Mat(2, 2, CV_32FC1, cv::Scalar::all(0.5))).empty());
}

QTEST_GUILESS_MAIN(tst_BrightnessAttention)
#include "tst_BrightnessAttention.moc"
