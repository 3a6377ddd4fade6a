#include <QtTest>

#include <cmath>

#include <opencv2/core.hpp>

#include "core/enhance/Gamma.h"

using namespace nocturne::core;

class tst_Gamma : public QObject {
    Q_OBJECT
private slots:
    void encodeValues_data();
    void encodeValues();
    void roundTrip_data();
    void roundTrip();
    void gammaOneIsIdentityInRange();
    void encodeIsMonotonic();
    void clampsOutOfRange();
    void buffersAreTaggedAndMatchValues();
    void encodeDoesNotTouchInput();
};

void tst_Gamma::encodeValues_data()
{
    QTest::addColumn<float>("linear");
    QTest::addColumn<float>("gamma");
    QTest::addColumn<float>("display");
    QTest::newRow("zero") << 0.0f << 2.2f << 0.0f;
    QTest::newRow("one") << 1.0f << 2.2f << 1.0f;
    QTest::newRow("quarter-g2") << 0.25f << 2.0f << 0.5f;
    QTest::newRow("mid-g2.2") << 0.18f << 2.2f << static_cast<float>(std::pow(0.18, 1 / 2.2));
    QTest::newRow("g4") << 0.0625f << 4.0f << 0.5f;
}

void tst_Gamma::encodeValues()
{
    QFETCH(float, linear);
    QFETCH(float, gamma);
    QFETCH(float, display);
    QVERIFY(std::abs(Gamma::encodeValue(linear, gamma) - display) < 1e-6f);
    QVERIFY(std::abs(Gamma::decodeValue(display, gamma) - linear) < 1e-6f);
}

void tst_Gamma::roundTrip_data()
{
    QTest::addColumn<float>("gamma");
    QTest::newRow("1.0") << 1.0f;
    QTest::newRow("reference") << Gamma::kReference;
    QTest::newRow("4.0") << 4.0f;
}

void tst_Gamma::roundTrip()
{
    QFETCH(float, gamma);
    cv::Mat m(16, 16, CV_32FC3);
    cv::randu(m, 0.0f, 1.0f);
    const ImageBuffer linear(m);
    const ImageBuffer back = Gamma::decode(Gamma::encode(linear, gamma), gamma);
    QVERIFY(cv::norm(back.mat(), m, cv::NORM_INF) < 1e-5);
    for (float v : {0.0f, 0.001f, 0.3f, 0.999f})
        QVERIFY(std::abs(Gamma::decodeValue(Gamma::encodeValue(v, gamma), gamma) - v) < 1e-6f);
}

void tst_Gamma::gammaOneIsIdentityInRange()
{
    cv::Mat m(8, 8, CV_32FC3);
    cv::randu(m, 0.0f, 1.0f);
    const ImageBuffer out = Gamma::encode(ImageBuffer(m), 1.0f);
    QCOMPARE(cv::norm(out.mat(), m, cv::NORM_INF), 0.0);
}

void tst_Gamma::encodeIsMonotonic()
{
    float previous = -1.0f;
    for (int i = 0; i <= 1000; ++i) {
        const float v = Gamma::encodeValue(i / 1000.0f, Gamma::kReference);
        QVERIFY(v > previous);
        previous = v;
    }
    // Gamma > 1 lifts: display >= linear.
    QVERIFY(Gamma::encodeValue(0.1f, 2.2f) > 0.1f);
    QVERIFY(Gamma::encodeValue(0.1f, 3.0f) > Gamma::encodeValue(0.1f, 2.2f));
}

void tst_Gamma::clampsOutOfRange()
{
    QCOMPARE(Gamma::encodeValue(-0.5f), 0.0f);
    QCOMPARE(Gamma::encodeValue(7.0f), 1.0f);
    QCOMPARE(Gamma::decodeValue(-1.0f), 0.0f);
    QCOMPARE(Gamma::decodeValue(2.0f), 1.0f);
    const ImageBuffer out = Gamma::encode(
        ImageBuffer(cv::Mat(2, 2, CV_32FC3, cv::Scalar(-1.0f, 5.0f, 0.25f))), 2.0f);
    const cv::Vec3f px = out.mat().at<cv::Vec3f>(1, 1);
    QCOMPARE(px[0], 0.0f);
    QCOMPARE(px[1], 1.0f);
    QVERIFY(std::abs(px[2] - 0.5f) < 1e-6f);
}

void tst_Gamma::buffersAreTaggedAndMatchValues()
{
    cv::Mat m(5, 7, CV_32FC3);
    cv::randu(m, 0.0f, 1.0f);
    const ImageBuffer display = Gamma::encode(ImageBuffer(m), 2.2f);
    QCOMPARE(display.encoding(), ColorEncoding::Display);
    QCOMPARE(Gamma::decode(display).encoding(), ColorEncoding::Linear);
    const cv::Vec3f in = m.at<cv::Vec3f>(3, 4);
    const cv::Vec3f out = display.mat().at<cv::Vec3f>(3, 4);
    for (int c = 0; c < 3; ++c)
        QVERIFY(std::abs(out[c] - Gamma::encodeValue(in[c], 2.2f)) < 1e-5f);
}

void tst_Gamma::encodeDoesNotTouchInput()
{
    cv::Mat m(3, 3, CV_32FC3, cv::Scalar(0.25f, 2.0f, -1.0f));
    const ImageBuffer linear(m);
    (void)Gamma::encode(linear, 2.0f);
    QCOMPARE(m.at<cv::Vec3f>(0, 0)[1], 2.0f);
    QCOMPARE(m.at<cv::Vec3f>(0, 0)[2], -1.0f);
}

QTEST_GUILESS_MAIN(tst_Gamma)
#include "tst_Gamma.moc"
