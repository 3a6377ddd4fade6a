#include <QtTest>

#include "core/image/RawMosaic.h"

using namespace nocturne::core;

Q_DECLARE_METATYPE(CfaPattern)
Q_DECLARE_METATYPE(CfaColor)

class tst_RawMosaic : public QObject {
    Q_OBJECT
private slots:
    void colourAtSite_data();
    void colourAtSite();
    void normalisesPerColourBlackLevel();
    void clampsBelowBlackAndKeepsAboveWhite();
};

void tst_RawMosaic::colourAtSite_data()
{
    QTest::addColumn<CfaPattern>("pattern");
    QTest::addColumn<CfaColor>("topLeft");
    QTest::addColumn<CfaColor>("topRight");
    QTest::addColumn<CfaColor>("bottomLeft");
    QTest::addColumn<CfaColor>("bottomRight");
    QTest::newRow("RGGB") << CfaPattern::RGGB << CfaColor::R << CfaColor::G1 << CfaColor::G2 << CfaColor::B;
    QTest::newRow("BGGR") << CfaPattern::BGGR << CfaColor::B << CfaColor::G2 << CfaColor::G1 << CfaColor::R;
    QTest::newRow("GRBG") << CfaPattern::GRBG << CfaColor::G1 << CfaColor::R << CfaColor::B << CfaColor::G2;
    QTest::newRow("GBRG") << CfaPattern::GBRG << CfaColor::G2 << CfaColor::B << CfaColor::R << CfaColor::G1;
}

void tst_RawMosaic::colourAtSite()
{
    QFETCH(CfaPattern, pattern);
    QFETCH(CfaColor, topLeft);
    QFETCH(CfaColor, topRight);
    QFETCH(CfaColor, bottomLeft);
    QFETCH(CfaColor, bottomRight);
    // The tile repeats: check an odd offset too.
    for (int dy : {0, 6}) {
        for (int dx : {0, 10}) {
            QCOMPARE(cfaColorAt(pattern, dy + 0, dx + 0), topLeft);
            QCOMPARE(cfaColorAt(pattern, dy + 0, dx + 1), topRight);
            QCOMPARE(cfaColorAt(pattern, dy + 1, dx + 0), bottomLeft);
            QCOMPARE(cfaColorAt(pattern, dy + 1, dx + 1), bottomRight);
        }
    }
}

void tst_RawMosaic::normalisesPerColourBlackLevel()
{
    RawMosaic m;
    m.pattern = CfaPattern::GRBG;
    m.data = cv::Mat(2, 2, CV_16UC1, cv::Scalar(1100));
    m.blackLevel = {100, 200, 300, 400};   // R, G1, B, G2
    m.whiteLevel = 4100;
    const cv::Mat n = m.normalized();
    // GRBG: (0,0)=G1, (0,1)=R, (1,0)=B, (1,1)=G2
    QCOMPARE(n.at<float>(0, 0), (1100.0f - 200) / (4100 - 200));
    QCOMPARE(n.at<float>(0, 1), (1100.0f - 100) / (4100 - 100));
    QCOMPARE(n.at<float>(1, 0), (1100.0f - 300) / (4100 - 300));
    QCOMPARE(n.at<float>(1, 1), (1100.0f - 400) / (4100 - 400));
}

void tst_RawMosaic::clampsBelowBlackAndKeepsAboveWhite()
{
    RawMosaic m;
    m.data = (cv::Mat_<uint16_t>(1, 2) << 10, 20000);
    m.blackLevel = {512, 512, 512, 512};
    m.whiteLevel = 16383;
    const cv::Mat n = m.normalized();
    QCOMPARE(n.at<float>(0, 0), 0.0f);             // read noise below black is not negative light
    QVERIFY(n.at<float>(0, 1) > 1.0f);            // not clipped: the caller decides
}

QTEST_GUILESS_MAIN(tst_RawMosaic)
#include "tst_RawMosaic.moc"
