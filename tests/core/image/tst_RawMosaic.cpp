#include <QtTest>

#include <cmath>

#include <opencv2/core.hpp>

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
    void binningAveragesSameColourSites_data();
    void binningAveragesSameColourSites();
    void resamplingKeepsEachSiteItsColour_data();
    void resamplingKeepsEachSiteItsColour();
    void resamplingTwoToOneIsBinning();
    void resamplingAveragesAndKeepsLevels();
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

void tst_RawMosaic::binningAveragesSameColourSites_data()
{
    QTest::addColumn<CfaPattern>("pattern");
    QTest::newRow("RGGB") << CfaPattern::RGGB;
    QTest::newRow("GBRG") << CfaPattern::GBRG;
}

void tst_RawMosaic::binningAveragesSameColourSites()
{
    QFETCH(CfaPattern, pattern);
    // Each site holds 1000 * (colour + 1) + its row*10 + col: binning must mix same-colour
    // sites only, so the colour part survives exactly.
    RawMosaic m;
    m.pattern = pattern;
    m.blackLevel = {64, 64, 64, 64};
    m.whiteLevel = 4095;
    m.data = cv::Mat(10, 9, CV_16UC1);   // odd trailing row pair / column dropped
    for (int y = 0; y < m.data.rows; ++y)
        for (int x = 0; x < m.data.cols; ++x)
            m.data.at<uint16_t>(y, x) = uint16_t(1000 * (int(cfaColorAt(pattern, y, x)) + 1) + y * 10 + x);
    const RawMosaic b = m.binned();
    QCOMPARE(b.width(), 4);
    QCOMPARE(b.height(), 4);
    QVERIFY(b.pattern == pattern);
    QCOMPARE(b.whiteLevel, m.whiteLevel);
    for (int y = 0; y < b.height(); ++y) {
        for (int x = 0; x < b.width(); ++x) {
            const int colour = int(cfaColorAt(pattern, y, x));
            const int top = 2 * (y - (y & 1)) + (y & 1);
            const int left = 2 * (x - (x & 1)) + (x & 1);
            // Mean of rows top, top+2 and columns left, left+2: position part is (top+1)*10 + left+1.
            const int expected = 1000 * (colour + 1) + (top + 1) * 10 + (left + 1);
            QCOMPARE(int(b.data.at<uint16_t>(y, x)), expected);
        }
    }
}

void tst_RawMosaic::resamplingKeepsEachSiteItsColour_data()
{
    QTest::addColumn<CfaPattern>("pattern");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("expectedWidth");
    QTest::addColumn<int>("expectedHeight");
    QTest::newRow("RGGB 0.81x") << CfaPattern::RGGB << 346 << 232 << 346 << 232;
    QTest::newRow("BGGR odd size rounds down") << CfaPattern::BGGR << 301 << 199 << 300 << 198;
    QTest::newRow("GRBG 0.3x") << CfaPattern::GRBG << 128 << 86 << 128 << 86;
    QTest::newRow("GBRG larger than the mosaic: unchanged") << CfaPattern::GBRG << 900 << 600 << 426 << 286;
}

void tst_RawMosaic::resamplingKeepsEachSiteItsColour()
{
    QFETCH(CfaPattern, pattern);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, expectedWidth);
    QFETCH(int, expectedHeight);
    // Each colour holds its own constant (plus sensor noise): a resampled site must hold only
    // its own colour's values, whatever the scale.
    RawMosaic m;
    m.pattern = pattern;
    m.whiteLevel = 16383;
    m.data = cv::Mat(286, 426, CV_16UC1);
    cv::RNG rng(3);
    for (int y = 0; y < m.data.rows; ++y)
        for (int x = 0; x < m.data.cols; ++x)
            m.data.at<uint16_t>(y, x) = uint16_t(2000 * (int(cfaColorAt(pattern, y, x)) + 1) + rng.uniform(0, 50));
    const RawMosaic r = m.resampled(width, height);
    QCOMPARE(r.width(), expectedWidth);
    QCOMPARE(r.height(), expectedHeight);
    QVERIFY(r.pattern == pattern);
    for (int y = 0; y < r.height(); ++y)
        for (int x = 0; x < r.width(); ++x) {
            const int base = 2000 * (int(cfaColorAt(pattern, y, x)) + 1);
            const int v = r.data.at<uint16_t>(y, x);
            QVERIFY2(v >= base && v < base + 50, qPrintable(QString("site %1,%2: %3").arg(x).arg(y).arg(v)));
        }
}

void tst_RawMosaic::resamplingTwoToOneIsBinning()
{
    RawMosaic m;
    m.data = cv::Mat(64, 96, CV_16UC1);
    cv::randu(m.data, 0, 4096);
    const RawMosaic binned = m.binned();
    const RawMosaic resampled = m.resampled(48, 32);
    QCOMPARE(resampled.width(), binned.width());
    cv::Mat diff;
    cv::absdiff(resampled.data, binned.data, diff);
    double worst = 0;
    cv::minMaxLoc(diff, nullptr, &worst);
    QVERIFY2(worst <= 1.0, qPrintable(QString::number(worst)));   // rounding only
}

void tst_RawMosaic::resamplingAveragesAndKeepsLevels()
{
    // A noisy flat field: resampling averages same-colour sites, so the mean stays and the
    // noise drops; levels and colour data are carried over.
    RawMosaic m;
    m.blackLevel = {512, 510, 514, 511};
    m.whiteLevel = 15000;
    m.whiteBalance = {2.0f, 1.0f, 1.5f, 1.0f};
    m.data = cv::Mat(400, 600, CV_16UC1);
    cv::randn(m.data, 3000, 200);
    const RawMosaic r = m.resampled(240, 160);
    cv::Scalar meanIn, sdIn, meanOut, sdOut;
    cv::meanStdDev(m.data, meanIn, sdIn);
    cv::meanStdDev(r.data, meanOut, sdOut);
    QVERIFY(std::abs(meanOut[0] - meanIn[0]) < 5.0);
    QVERIFY2(sdOut[0] < 0.6 * sdIn[0], qPrintable(QString("%1 vs %2").arg(sdOut[0]).arg(sdIn[0])));
    QCOMPARE(r.blackLevel, m.blackLevel);
    QCOMPARE(r.whiteLevel, m.whiteLevel);
    QCOMPARE(r.whiteBalance, m.whiteBalance);
}

QTEST_GUILESS_MAIN(tst_RawMosaic)
#include "tst_RawMosaic.moc"
