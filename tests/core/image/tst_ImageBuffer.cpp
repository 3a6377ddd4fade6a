#include <QtTest>

#include <opencv2/core.hpp>

#include "core/image/ImageBuffer.h"

using namespace nocturne::core;

class tst_ImageBuffer : public QObject {
    Q_OBJECT
private slots:
    void constructsBlackFloatRgb();
    void cloneIsDeep();
    void copiesShareData();
    void luminanceUsesRec709Weights_data();
    void luminanceUsesRec709Weights();
};

void tst_ImageBuffer::constructsBlackFloatRgb()
{
    const ImageBuffer img(7, 5);
    QCOMPARE(img.width(), 7);
    QCOMPARE(img.height(), 5);
    QCOMPARE(img.pixelCount(), 35LL);
    QCOMPARE(img.mat().type(), CV_32FC3);
    QCOMPARE(img.encoding(), ColorEncoding::Linear);
    QCOMPARE(cv::countNonZero(img.mat().reshape(1)), 0);
    QVERIFY(ImageBuffer().empty());
}

void tst_ImageBuffer::cloneIsDeep()
{
    ImageBuffer a(4, 4, ColorEncoding::Display);
    ImageBuffer b = a.clone();
    b.mat().at<cv::Vec3f>(0, 0) = cv::Vec3f(1, 1, 1);
    QCOMPARE(a.mat().at<cv::Vec3f>(0, 0)[0], 0.0f);
    QCOMPARE(b.encoding(), ColorEncoding::Display);
}

void tst_ImageBuffer::copiesShareData()
{
    ImageBuffer a(4, 4);
    ImageBuffer b = a;   // documented: copies share pixels
    b.mat().at<cv::Vec3f>(1, 1) = cv::Vec3f(0.5f, 0.5f, 0.5f);
    QCOMPARE(a.mat().at<cv::Vec3f>(1, 1)[1], 0.5f);
}

void tst_ImageBuffer::luminanceUsesRec709Weights_data()
{
    QTest::addColumn<float>("r");
    QTest::addColumn<float>("g");
    QTest::addColumn<float>("b");
    QTest::addColumn<float>("expected");
    QTest::newRow("pure red") << 1.0f << 0.0f << 0.0f << kLumaR;
    QTest::newRow("pure green") << 0.0f << 1.0f << 0.0f << kLumaG;
    QTest::newRow("pure blue") << 0.0f << 0.0f << 1.0f << kLumaB;
    QTest::newRow("white") << 1.0f << 1.0f << 1.0f << 1.0f;
    QTest::newRow("mixed") << 0.2f << 0.4f << 0.8f << (0.2f * kLumaR + 0.4f * kLumaG + 0.8f * kLumaB);
}

void tst_ImageBuffer::luminanceUsesRec709Weights()
{
    QFETCH(float, r);
    QFETCH(float, g);
    QFETCH(float, b);
    QFETCH(float, expected);
    ImageBuffer img(3, 2);
    img.mat().setTo(cv::Scalar(r, g, b));
    const cv::Mat y = img.luminance();
    QCOMPARE(y.type(), CV_32FC1);
    QCOMPARE(y.size(), img.mat().size());
    QVERIFY(std::abs(y.at<float>(1, 2) - expected) < 1e-6f);
}

QTEST_GUILESS_MAIN(tst_ImageBuffer)
#include "tst_ImageBuffer.moc"
