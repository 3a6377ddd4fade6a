#include <QtTest>

#include <opencv2/core.hpp>

#include "core/enhance/Gamma.h"
#include "ui/convert/ImageConversion.h"

using namespace nocturne;

class tst_ImageConversion : public QObject {
    Q_OBJECT
private slots:
    void keepsChannelOrderAndRounds_data();
    void keepsChannelOrderAndRounds();
    void linearBuffersAreEncodedFirst();
    void sixteenBitKeepsPrecision();
    void roundTripsThroughQImage_data();
    void roundTripsThroughQImage();
    void emptyStaysEmpty();
};

void tst_ImageConversion::keepsChannelOrderAndRounds_data()
{
    QTest::addColumn<float>("r");
    QTest::addColumn<float>("g");
    QTest::addColumn<float>("b");
    QTest::addColumn<QColor>("expected");
    QTest::newRow("red") << 1.0f << 0.0f << 0.0f << QColor(255, 0, 0);
    QTest::newRow("green") << 0.0f << 1.0f << 0.0f << QColor(0, 255, 0);
    QTest::newRow("blue") << 0.0f << 0.0f << 1.0f << QColor(0, 0, 255);
    QTest::newRow("rounding") << 0.5f << (1.4f / 255) << (1.6f / 255) << QColor(128, 1, 2);
    QTest::newRow("out of range clamps") << 1.7f << -0.3f << 0.0f << QColor(255, 0, 0);
}

void tst_ImageConversion::keepsChannelOrderAndRounds()
{
    QFETCH(float, r);
    QFETCH(float, g);
    QFETCH(float, b);
    QFETCH(QColor, expected);
    core::ImageBuffer buf(3, 2, core::ColorEncoding::Display);
    buf.mat().setTo(cv::Scalar(r, g, b));
    const QImage img = ui::toQImage(buf);
    QCOMPARE(img.size(), QSize(3, 2));
    QCOMPARE(img.pixelColor(2, 1), expected);
}

void tst_ImageConversion::linearBuffersAreEncodedFirst()
{
    core::ImageBuffer lin(1, 1, core::ColorEncoding::Linear);
    lin.mat().setTo(cv::Scalar::all(0.2));
    const int expected = std::lround(core::Gamma::encodeValue(0.2f) * 255.0f);
    QCOMPARE(ui::toQImage(lin).pixelColor(0, 0).red(), expected);
    QVERIFY(expected > 100);   // 0.2 linear is a light-mid grey on screen, not 51
}

void tst_ImageConversion::sixteenBitKeepsPrecision()
{
    core::ImageBuffer buf(1, 1, core::ColorEncoding::Display);
    buf.mat().setTo(cv::Scalar(1000.0 / 65535, 0.5, 1.0));
    const QImage img = ui::toQImage16(buf);
    QCOMPARE(img.format(), QImage::Format_RGBX64);
    const QRgba64 px = img.pixelColor(0, 0).rgba64();
    QCOMPARE(int(px.red()), 1000);
    QCOMPARE(int(px.green()), 32768);
    QCOMPARE(int(px.blue()), 65535);
}

void tst_ImageConversion::roundTripsThroughQImage_data()
{
    QTest::addColumn<bool>("deep");
    QTest::newRow("8-bit") << false;
    QTest::newRow("16-bit") << true;
}

void tst_ImageConversion::roundTripsThroughQImage()
{
    QFETCH(bool, deep);
    core::ImageBuffer buf(17, 9, core::ColorEncoding::Display);
    cv::randu(buf.mat(), 0.0, 1.0);
    const QImage img = deep ? ui::toQImage16(buf) : ui::toQImage(buf);
    const core::ImageBuffer back = ui::fromQImage(img);
    QCOMPARE(back.encoding(), core::ColorEncoding::Display);
    QCOMPARE(back.width(), 17);
    QCOMPARE(back.height(), 9);
    double maxErr = cv::norm(back.mat(), buf.mat(), cv::NORM_INF);
    QVERIFY2(maxErr <= (deep ? 0.5 / 65535 : 0.5 / 255) + 1e-6, qPrintable(QString::number(maxErr)));
}

void tst_ImageConversion::emptyStaysEmpty()
{
    QVERIFY(ui::toQImage(core::ImageBuffer()).isNull());
    QVERIFY(ui::fromQImage(QImage()).empty());
}

QTEST_GUILESS_MAIN(tst_ImageConversion)
#include "tst_ImageConversion.moc"
