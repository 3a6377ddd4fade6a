#include <QtTest>

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

#include "core/enhance/DynamicHistogramEqualization.h"
#include "core/enhance/Gamma.h"
#include "core/enhance/HistogramEqualization.h"

using namespace nocturne::core;
using Histogram = DynamicHistogramEqualization::Histogram;

namespace {

// Adds round(mass * normal pdf) counts around `mean` with deviation `sigma`.
void addMode(Histogram& h, double mean, double sigma, double mass)
{
    for (int l = 0; l < 256; ++l) {
        const double z = (l - mean) / sigma;
        h[l] += std::round(mass * std::exp(-0.5 * z * z) / (sigma * std::sqrt(2.0 * M_PI)));
    }
}

Histogram bimodal()
{
    Histogram h{};
    addMode(h, 40.0, 6.0, 80000.0);
    addMode(h, 190.0, 8.0, 20000.0);
    return h;
}

// A grey image given in display values, handed over as linear like a decoder would.
DecodedImage fromDisplay(const cv::Mat& displayGrey)
{
    cv::Mat rgb;
    cv::merge(std::vector<cv::Mat>{displayGrey, displayGrey, displayGrey}, rgb);
    DecodedImage img;
    img.rgb = Gamma::decode(ImageBuffer(rgb, ColorEncoding::Display));
    return img;
}

cv::Mat displayGreen(const EnhanceOutput& out)
{
    std::vector<cv::Mat> ch;
    cv::split(Gamma::encode(out.image).mat(), ch);
    return ch[1];
}

}  // namespace

class tst_DynamicHistogramEqualization : public QObject {
    Q_OBJECT
private slots:
    void mappingIsMonotonic_data();
    void mappingIsMonotonic();
    void partitionCoversAllLevels();
    void bimodalModesStaySeparateAndShareRange();
    void nonNormalPartIsSplitAtMeanPlusMinusSigma();
    void washesOutLessThanHe();
    void isDeterministic();
};

void tst_DynamicHistogramEqualization::mappingIsMonotonic_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("bimodal") << 0;
    QTest::newRow("uniform") << 1;
    QTest::newRow("random") << 2;
    QTest::newRow("single-spike") << 3;
    QTest::newRow("empty") << 4;
}

void tst_DynamicHistogramEqualization::mappingIsMonotonic()
{
    QFETCH(int, kind);
    Histogram h{};
    cv::RNG rng(11);
    switch (kind) {
    case 0: h = bimodal(); break;
    case 1: h.fill(100.0); break;
    case 2: for (double& v : h) v = rng.uniform(0, 1000); break;
    case 3: h[77] = 5000.0; break;
    default: break;
    }
    const auto t = DynamicHistogramEqualization::mapping(h);
    for (int l = 1; l < 256; ++l)
        QVERIFY2(t[l] >= t[l - 1], qPrintable(QString("level %1").arg(l)));
    QVERIFY(t[0] >= 0.0f && t[255] <= 1.0f);
}

void tst_DynamicHistogramEqualization::partitionCoversAllLevels()
{
    cv::RNG rng(5);
    Histogram h{};
    for (double& v : h)
        v = rng.uniform(0, 300);
    const auto parts = DynamicHistogramEqualization::partition(h);
    QVERIFY(!parts.empty());
    QCOMPARE(parts.front().low, 0);
    QCOMPARE(parts.back().high, 255);
    double total = 0.0;
    for (size_t i = 0; i < parts.size(); ++i) {
        QVERIFY(parts[i].low <= parts[i].high);
        QVERIFY(parts[i].outLow <= parts[i].outHigh);
        if (i > 0) {
            QCOMPARE(parts[i].low, parts[i - 1].high + 1);
            QVERIFY(std::abs(parts[i].outLow - parts[i - 1].outHigh) < 1e-9);
        }
        total += parts[i].count;
    }
    QCOMPARE(total, std::accumulate(h.begin(), h.end(), 0.0));
    QCOMPARE(parts.front().outLow, 0.0);
    QVERIFY(std::abs(parts.back().outHigh - 255.0) < 1e-9);
}

void tst_DynamicHistogramEqualization::bimodalModesStaySeparateAndShareRange()
{
    const Histogram h = bimodal();
    const auto parts = DynamicHistogramEqualization::partition(h);
    QVERIFY(parts.size() >= 2);
    for (const SubHistogram& p : parts)
        QVERIFY2(p.outHigh - p.outLow <= 0.6 * 255.0,
                 qPrintable(QString("[%1,%2] takes %3").arg(p.low).arg(p.high).arg(p.outHigh - p.outLow)));
    // The two modes fall into different parts, in order.
    const auto partOf = [&](int level) {
        return std::find_if(parts.begin(), parts.end(),
                            [&](const SubHistogram& p) { return level >= p.low && level <= p.high; });
    };
    QVERIFY(partOf(40) < partOf(190));

    const auto t = DynamicHistogramEqualization::mapping(h);
    const float darkTop = t[40 + 18];      // mean + 3 sigma of the dark mode
    const float brightBottom = t[190 - 24];
    QVERIFY(darkTop <= brightBottom);
    QVERIFY(t[40] < t[190]);

    // Plain HE hands the 80 % dark mode about 80 % of the range; DHE gives it much less.
    std::vector<double> counts(h.begin(), h.end());
    const std::vector<float> he = HistogramEqualization::mapping(counts);
    QVERIFY(he[58] > 0.75f);
    QVERIFY(darkTop < 0.6f);
}

void tst_DynamicHistogramEqualization::nonNormalPartIsSplitAtMeanPlusMinusSigma()
{
    // A flat block of levels 100..159 is not normal-like (57.7 % within one sigma) and is
    // split into three; a narrow Gaussian is kept whole.
    Histogram flat{};
    for (int l = 100; l < 160; ++l)
        flat[l] = 1000.0;
    const auto parts = DynamicHistogramEqualization::partition(flat);
    int nonEmpty = 0;
    for (const SubHistogram& p : parts)
        nonEmpty += p.count > 0.0 ? 1 : 0;
    QVERIFY(nonEmpty >= 3);

    // A peaked (Laplace) mode has 76 % within one sigma: normal-like, kept whole.
    Histogram peaked{};
    for (int l = 0; l < 256; ++l)
        peaked[l] = std::round(10000.0 * std::exp(-std::abs(l - 128.0) / 8.0));
    int peakedParts = 0;
    for (const SubHistogram& p : DynamicHistogramEqualization::partition(peaked))
        peakedParts += p.count > 0.0 ? 1 : 0;
    QCOMPARE(peakedParts, 1);

    // A Gaussian sits on the threshold; it is cut at most once (its core is never shredded).
    Histogram gauss{};
    addMode(gauss, 128.0, 10.0, 100000.0);
    int gaussParts = 0;
    for (const SubHistogram& p : DynamicHistogramEqualization::partition(gauss))
        gaussParts += p.count > 0.0 ? 1 : 0;
    QVERIFY2(gaussParts == 1 || gaussParts == 3, qPrintable(QString::number(gaussParts)));
}

void tst_DynamicHistogramEqualization::washesOutLessThanHe()
{
    // 95 % dark background (display ~20/255) and a small bright object (display ~150/255).
    cv::Mat display(200, 200, CV_32FC1);
    cv::RNG rng(9);
    rng.fill(display, cv::RNG::NORMAL, 20.0 / 255.0, 3.0 / 255.0);
    cv::Mat object = display(cv::Rect(80, 80, 45, 45));   // ~5 % of the pixels
    rng.fill(object, cv::RNG::NORMAL, 150.0 / 255.0, 5.0 / 255.0);
    cv::Mat mask = cv::Mat::zeros(display.size(), CV_8UC1);
    mask(cv::Rect(80, 80, 45, 45)).setTo(255);
    const DecodedImage img = fromDisplay(display);

    const auto contrast = [&](const Enhancer& e, double& background) {
        Result<EnhanceOutput> out = e.enhance(EnhanceInput{img, 1.0f}, RunContext());
        if (!out)
            qFatal("%s", out.error().describe().c_str());
        const cv::Mat y = displayGreen(out.value());
        background = cv::mean(y, ~mask)[0];
        return cv::mean(y, mask)[0] / background;
    };
    double heBackground = 0.0;
    double dheBackground = 0.0;
    const double heRatio = contrast(HistogramEqualization(), heBackground);
    const double dheRatio = contrast(DynamicHistogramEqualization(), dheBackground);
    const QByteArray msg = QString("HE ratio %1 bg %2, DHE ratio %3 bg %4")
                               .arg(heRatio).arg(heBackground).arg(dheRatio).arg(dheBackground).toUtf8();
    QVERIFY2(dheRatio > 1.3 * heRatio, msg.constData());
    QVERIFY2(dheBackground < 0.75 * heBackground, msg.constData());
}

void tst_DynamicHistogramEqualization::isDeterministic()
{
    cv::Mat display(120, 160, CV_32FC1);
    cv::randu(display, 0.0f, 0.4f);
    const DecodedImage img = fromDisplay(display);
    const DynamicHistogramEqualization dhe;
    Result<EnhanceOutput> a = dhe.enhance(EnhanceInput{img, 1.0f}, RunContext());
    Result<EnhanceOutput> b = dhe.enhance(EnhanceInput{img, 1.0f}, RunContext());
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(cv::norm(a->image.mat(), b->image.mat(), cv::NORM_INF), 0.0);
    QCOMPARE(a->image.encoding(), ColorEncoding::Linear);
    QCOMPARE(a->image.mat().size(), display.size());
}

QTEST_GUILESS_MAIN(tst_DynamicHistogramEqualization)
#include "tst_DynamicHistogramEqualization.moc"
