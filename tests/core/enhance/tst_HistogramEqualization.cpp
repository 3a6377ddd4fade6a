#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/core.hpp>

#include "core/enhance/Gamma.h"
#include "core/enhance/HistogramEqualization.h"

using namespace nocturne::core;

namespace {

// A dark grey image whose linear values are strongly skewed toward black (u^4 * 0.05).
DecodedImage skewedDarkGrey(int size = 256)
{
    cv::RNG rng(7);
    cv::Mat m(size, size, CV_32FC3);
    for (int r = 0; r < size; ++r) {
        for (int c = 0; c < size; ++c) {
            const float u = rng.uniform(0.0f, 1.0f);
            const float v = 0.05f * u * u * u * u;
            m.at<cv::Vec3f>(r, c) = cv::Vec3f(v, v, v);
        }
    }
    DecodedImage img;
    img.rgb = ImageBuffer(m);
    return img;
}

EnhanceOutput run(const DecodedImage& img, float gain = 1.0f)
{
    const HistogramEqualization he;
    Result<EnhanceOutput> out = he.enhance(EnhanceInput{img, gain}, RunContext());
    if (!out)
        qFatal("%s", out.error().describe().c_str());
    return std::move(out).value();
}

}  // namespace

class tst_HistogramEqualization : public QObject {
    Q_OBJECT
private slots:
    void mappingIsClassicHe();
    void mappingOfEmptyHistogramIsIdentity();
    void outputLuminanceHistogramIsFlat();
    void mappingPreservesPixelOrder();
    void chromaRatiosArePreserved();
    void outputIsLinearSameSizeInRange();
    void gainIsApplied();
};

void tst_HistogramEqualization::mappingIsClassicHe()
{
    // Counts 0, 2, 0, 6, 2 over five levels: cdf 0, 2, 2, 8, 10, cdf_min = 2, N = 10.
    const std::vector<float> t = HistogramEqualization::mapping({0, 2, 0, 6, 2});
    QCOMPARE(t.size(), size_t(5));
    QCOMPARE(t[1], 0.0f);
    QCOMPARE(t[2], 0.0f);
    QVERIFY(std::abs(t[3] - 0.75f) < 1e-6f);
    QCOMPARE(t[4], 1.0f);
}

void tst_HistogramEqualization::mappingOfEmptyHistogramIsIdentity()
{
    const std::vector<float> t = HistogramEqualization::mapping(std::vector<double>(5, 0.0));
    QVERIFY(std::abs(t[2] - 0.5f) < 1e-6f);
    const std::vector<float> single = HistogramEqualization::mapping({0, 0, 7, 0, 0});
    QVERIFY(std::abs(single[2] - 0.5f) < 1e-6f);
}

void tst_HistogramEqualization::outputLuminanceHistogramIsFlat()
{
    const DecodedImage img = skewedDarkGrey();
    const EnhanceOutput out = run(img);
    const ImageBuffer display = Gamma::encode(out.image);
    constexpr int kBins = 16;
    std::vector<double> hist(kBins, 0.0);
    std::vector<cv::Mat> channels;
    cv::split(display.mat(), channels);
    for (int r = 0; r < channels[1].rows; ++r) {
        for (int c = 0; c < channels[1].cols; ++c) {
            const float y = channels[1].at<float>(r, c);
            hist[std::min(kBins - 1, static_cast<int>(y * kBins))] += 1.0;
        }
    }
    const double expected = static_cast<double>(display.pixelCount()) / kBins;
    for (int b = 0; b < kBins; ++b) {
        QVERIFY2(std::abs(hist[b] - expected) < 0.4 * expected,
                 qPrintable(QString("bin %1 holds %2, expected %3").arg(b).arg(hist[b]).arg(expected)));
    }
    // Before: nearly everything sits in the darkest bins.
    const ImageBuffer before = Gamma::encode(img.rgb);
    QVERIFY(cv::mean(before.mat())[1] < 0.25);
}

void tst_HistogramEqualization::mappingPreservesPixelOrder()
{
    const DecodedImage img = skewedDarkGrey(96);
    const EnhanceOutput out = run(img);
    std::vector<std::pair<float, float>> pairs;
    for (int r = 0; r < img.rgb.height(); ++r) {
        for (int c = 0; c < img.rgb.width(); ++c)
            pairs.emplace_back(img.rgb.mat().at<cv::Vec3f>(r, c)[1], out.image.mat().at<cv::Vec3f>(r, c)[1]);
    }
    std::sort(pairs.begin(), pairs.end());
    for (size_t i = 1; i < pairs.size(); ++i)
        QVERIFY(pairs[i].second >= pairs[i - 1].second);
    QVERIFY(pairs.back().second > pairs.front().second);
}

void tst_HistogramEqualization::chromaRatiosArePreserved()
{
    cv::RNG rng(3);
    cv::Mat m(64, 64, CV_32FC3);
    for (int r = 0; r < m.rows; ++r) {
        for (int c = 0; c < m.cols; ++c) {
            const float k = rng.uniform(0.001f, 0.03f);
            m.at<cv::Vec3f>(r, c) = cv::Vec3f(k * rng.uniform(0.3f, 1.0f), k * 0.7f, k * rng.uniform(0.2f, 0.8f));
        }
    }
    DecodedImage img;
    img.rgb = ImageBuffer(m);
    const EnhanceOutput out = run(img);
    int checked = 0;
    for (int r = 0; r < m.rows; ++r) {
        for (int c = 0; c < m.cols; ++c) {
            const cv::Vec3f in = m.at<cv::Vec3f>(r, c);
            const cv::Vec3f o = out.image.mat().at<cv::Vec3f>(r, c);
            if (o[1] < 1e-3f)
                continue;   // the darkest pixel maps to black; ratios are meaningless there
            QVERIFY(std::abs(o[0] / o[1] - in[0] / in[1]) < 2e-3f * in[0] / in[1]);
            QVERIFY(std::abs(o[2] / o[1] - in[2] / in[1]) < 2e-3f * in[2] / in[1]);
            ++checked;
        }
    }
    QVERIFY(checked > m.rows * m.cols * 9 / 10);
}

void tst_HistogramEqualization::outputIsLinearSameSizeInRange()
{
    const DecodedImage img = skewedDarkGrey(50);
    const EnhanceOutput out = run(img, 40.0f);
    QCOMPARE(out.image.width(), 50);
    QCOMPARE(out.image.height(), 50);
    QCOMPARE(out.image.encoding(), ColorEncoding::Linear);
    double lo = 0.0;
    double hi = 0.0;
    cv::minMaxLoc(out.image.mat().reshape(1), &lo, &hi);
    QVERIFY(lo >= 0.0 && hi <= 1.0);
    QVERIFY(hi > 0.99);
    QVERIFY(out.attention.empty());
}

void tst_HistogramEqualization::gainIsApplied()
{
    // A gain that clips half the pixels to white changes the histogram, so the result differs.
    const DecodedImage img = skewedDarkGrey(64);
    const EnhanceOutput a = run(img, 1.0f);
    const EnhanceOutput b = run(img, 2000.0f);
    QVERIFY(cv::norm(a.image.mat(), b.image.mat(), cv::NORM_INF) > 0.1);
}

QTEST_GUILESS_MAIN(tst_HistogramEqualization)
#include "tst_HistogramEqualization.moc"
