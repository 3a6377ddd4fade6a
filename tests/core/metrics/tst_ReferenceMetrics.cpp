// ReferenceMetrics: PSNR / SSIM / MS-SSIM against closed forms and an independent NumPy
// implementation (tests/core/metrics/metric_reference.py, which builds the same images).
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <limits>

#include <opencv2/core.hpp>

#include "core/metrics/ReferenceMetrics.h"

using nocturne::core::ReferenceMetrics;
using nocturne::core::SsimChannels;

namespace {

constexpr int kW = 40;
constexpr int kH = 32;

// The three images of metric_reference.py, as float32.
cv::Mat makeImage(int which)
{
    cv::Mat m(kH, kW, CV_32FC3);
    for (int y = 0; y < kH; ++y) {
        for (int x = 0; x < kW; ++x) {
            auto& px = m.at<cv::Vec3f>(y, x);
            for (int c = 0; c < 3; ++c) {
                double v = 0.0;
                if (which == 0)
                    v = 0.5 + 0.4 * std::sin(0.3 * x + 0.2 * y + c);
                else if (which == 1)
                    v = std::clamp(0.45 + 0.35 * std::sin(0.3 * x + 0.25 * y + c)
                                       + 0.05 * std::cos(1.3 * x - 0.9 * y), 0.0, 1.0);
                else
                    v = ((x * 37 + y * 101 + c * 53) % 97) / 96.0;
                px[c] = static_cast<float>(v);
            }
        }
    }
    return m;
}

cv::Mat constant(float v, int w = kW, int h = kH)
{
    return cv::Mat(h, w, CV_32FC3, cv::Scalar(v, v, v));
}

}  // namespace

class tst_ReferenceMetrics : public QObject {
    Q_OBJECT

private slots:
    void identicalImagesArePerfect()
    {
        const cv::Mat a = makeImage(0);
        QVERIFY(std::isinf(*ReferenceMetrics::psnr(a, a)));
        QCOMPARE(*ReferenceMetrics::ssim(a, a), 1.0);
        QVERIFY(std::abs(*ReferenceMetrics::msSsim(a, a) - 1.0) < 1e-12);
        QVERIFY(std::abs(*ReferenceMetrics::ssim(a, a, SsimChannels::Luminance) - 1.0) < 1e-12);
    }

    void psnrOfKnownMse_data()
    {
        QTest::addColumn<float>("offset");
        QTest::addColumn<double>("expected");
        QTest::newRow("offset 0.1 -> 20 dB") << 0.1f << 20.0;
        QTest::newRow("offset 0.01 -> 40 dB") << 0.01f << 40.0;
        QTest::newRow("offset 0.5 -> 6.02 dB") << 0.5f << 10.0 * std::log10(4.0);
    }
    void psnrOfKnownMse()
    {
        QFETCH(float, offset);
        QFETCH(double, expected);
        const cv::Mat a = constant(0.2f);
        const cv::Mat b = constant(0.2f + offset);
        // float32 rounding of 0.2 + offset moves the MSE by ~1e-7 relative
        QVERIFY2(std::abs(*ReferenceMetrics::psnr(b, a) - expected) < 1e-4,
                 qPrintable(QString::number(*ReferenceMetrics::psnr(b, a), 'f', 6)));
    }

    // Flat images: variances and covariance vanish, so cs = C2 / C2 = 1 and SSIM reduces to
    // the luminance term (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1); MS-SSIM to its last
    // scale, raised to 0.1333.
    void ssimOfConstantOffsetMatchesFormula_data()
    {
        QTest::addColumn<float>("base");
        QTest::addColumn<float>("offset");
        QTest::newRow("0.3 vs 0.35") << 0.3f << 0.05f;
        QTest::newRow("0.1 vs 0.3") << 0.1f << 0.2f;
        QTest::newRow("0.02 vs 0.8") << 0.02f << 0.78f;
    }
    void ssimOfConstantOffsetMatchesFormula()
    {
        QFETCH(float, base);
        QFETCH(float, offset);
        const float other = base + offset;
        const double mx = base;
        const double my = other;
        const double c1 = 1e-4;
        const double expected = (2 * mx * my + c1) / (mx * mx + my * my + c1);
        const cv::Mat a = constant(base);
        const cv::Mat b = constant(other);
        QVERIFY(std::abs(*ReferenceMetrics::ssim(a, b) - expected) < 1e-9);
        QVERIFY(std::abs(*ReferenceMetrics::ssim(a, b, SsimChannels::Luminance) - expected) < 1e-6);
        QVERIFY(std::abs(*ReferenceMetrics::msSsim(a, b) - std::pow(expected, 0.1333)) < 1e-9);
    }

    void matchesNumpyReference_data()
    {
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("second");
        QTest::addColumn<double>("psnr");
        QTest::addColumn<double>("ssimPerChannel");
        QTest::addColumn<double>("msSsimPerChannel");
        QTest::addColumn<double>("ssimLuma");
        QTest::addColumn<double>("msSsimLuma");
        // Printed by metric_reference.py
        QTest::newRow("smooth vs shifted+ripple") << 0 << 1 << 12.558670215 << 0.521417254
                                                  << 0.640290527 << 0.535391205 << 0.684230942;
        QTest::newRow("smooth vs modular pattern") << 0 << 2 << 7.806075350 << 0.008565378
                                                   << 0.023777332 << 0.017962253 << 0.027197328;
        QTest::newRow("ripple vs modular pattern") << 1 << 2 << 8.211886600 << 0.007285106
                                                   << 0.018423940 << 0.011945648 << 0.019201879;
    }
    void matchesNumpyReference()
    {
        QFETCH(int, first);
        QFETCH(int, second);
        QFETCH(double, psnr);
        QFETCH(double, ssimPerChannel);
        QFETCH(double, msSsimPerChannel);
        QFETCH(double, ssimLuma);
        QFETCH(double, msSsimLuma);
        const cv::Mat a = makeImage(first);
        const cv::Mat b = makeImage(second);
        const double tol = 2e-6;  // printed with 9 decimals; luma is formed in float vs double
        QVERIFY(std::abs(*ReferenceMetrics::psnr(a, b) - psnr) < 1e-6);
        QVERIFY(std::abs(*ReferenceMetrics::ssim(a, b) - ssimPerChannel) < tol);
        QVERIFY(std::abs(*ReferenceMetrics::msSsim(a, b) - msSsimPerChannel) < tol);
        QVERIFY2(std::abs(*ReferenceMetrics::ssim(a, b, SsimChannels::Luminance) - ssimLuma) < tol,
                 qPrintable(QString::number(*ReferenceMetrics::ssim(a, b, SsimChannels::Luminance), 'f', 9)));
        QVERIFY(std::abs(*ReferenceMetrics::msSsim(a, b, SsimChannels::Luminance) - msSsimLuma) < tol);
        // symmetric
        QVERIFY(std::abs(*ReferenceMetrics::ssim(b, a) - ssimPerChannel) < tol);
    }

    void rejectsMismatchedOrTinyImages()
    {
        const auto bad = ReferenceMetrics::psnr(constant(0.1f), constant(0.1f, 20, 20));
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.find("size") != std::string::npos);
        const auto tiny = ReferenceMetrics::msSsim(constant(0.1f, 12, 12), constant(0.2f, 12, 12));
        QVERIFY(!tiny.ok());
        QVERIFY(tiny.error().message.find("16") != std::string::npos);
        cv::Mat u8(8, 8, CV_8UC3, cv::Scalar(1, 1, 1));
        QVERIFY(!ReferenceMetrics::ssim(u8, u8).ok());
    }

    void worseImagesScoreLower()
    {
        const cv::Mat a = makeImage(0);
        cv::Mat mild = a.clone();
        cv::Mat strong = a.clone();
        cv::randn(mild, 0.0, 0.02);
        cv::randn(strong, 0.0, 0.1);
        mild += a;
        strong += a;
        QVERIFY(*ReferenceMetrics::psnr(mild, a) > *ReferenceMetrics::psnr(strong, a));
        QVERIFY(*ReferenceMetrics::ssim(mild, a) > *ReferenceMetrics::ssim(strong, a));
        QVERIFY(*ReferenceMetrics::msSsim(mild, a) > *ReferenceMetrics::msSsim(strong, a));
    }
};

QTEST_GUILESS_MAIN(tst_ReferenceMetrics)
#include "tst_ReferenceMetrics.moc"
