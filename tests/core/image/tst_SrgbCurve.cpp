#include <QtTest>

#include <cmath>

#include <opencv2/core.hpp>

#include "core/image/SrgbCurve.h"

using namespace nocturne::core;

class tst_SrgbCurve : public QObject {
    Q_OBJECT
private slots:
    void knownValues_data();
    void knownValues();
    void encodeInvertsDecodeForEveryEightBitLevel();
    void bufferEncodingClampsAndTags();
};

void tst_SrgbCurve::knownValues_data()
{
    QTest::addColumn<float>("encoded");
    QTest::addColumn<float>("linear");
    QTest::newRow("black") << 0.0f << 0.0f;
    QTest::newRow("white") << 1.0f << 1.0f;
    QTest::newRow("mid grey") << 0.5f << 0.21404f;
    QTest::newRow("linear toe") << 0.04f << (0.04f / 12.92f);
    QTest::newRow("8-bit 10") << (10.0f / 255) << 0.0030353f;
}

void tst_SrgbCurve::knownValues()
{
    QFETCH(float, encoded);
    QFETCH(float, linear);
    QVERIFY(std::abs(srgbToLinear(encoded) - linear) < 2e-5f);
    QVERIFY(std::abs(linearToSrgb(linear) - encoded) < 2e-5f);
}

void tst_SrgbCurve::encodeInvertsDecodeForEveryEightBitLevel()
{
    // What makes a JPEG reach an sRGB network unchanged: decode then encode is the identity.
    for (int level = 0; level <= 255; ++level) {
        const float v = level / 255.0f;
        QVERIFY2(std::abs(linearToSrgb(srgbToLinear(v)) * 255.0f - level) < 1e-3f, qPrintable(QString::number(level)));
    }
}

void tst_SrgbCurve::bufferEncodingClampsAndTags()
{
    ImageBuffer lin(2, 1);
    lin.mat().at<cv::Vec3f>(0, 0) = cv::Vec3f(-0.5f, 0.21404f, 3.0f);
    const ImageBuffer enc = encodeSrgb(lin);
    QCOMPARE(enc.encoding(), ColorEncoding::Display);
    const cv::Vec3f px = enc.mat().at<cv::Vec3f>(0, 0);
    QCOMPARE(px[0], 0.0f);
    QVERIFY(std::abs(px[1] - 0.5f) < 1e-4f);
    QCOMPARE(px[2], 1.0f);
}

QTEST_GUILESS_MAIN(tst_SrgbCurve)
#include "tst_SrgbCurve.moc"
