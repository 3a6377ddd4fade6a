#include <cmath>

#include <QtTest>

#include <opencv2/core.hpp>

#include "ui/services/ImageMetrics.h"

using namespace nocturne;

namespace {

core::ImageBuffer constant(int w, int h, float r, float g, float b)
{
    return core::ImageBuffer(cv::Mat(h, w, CV_32FC3, cv::Scalar(r, g, b)), core::ColorEncoding::Display);
}

}  // namespace

class tst_ImageMetrics : public QObject {
    Q_OBJECT
private slots:
    void psnrOfKnownDifferences_data();
    void psnrOfKnownDifferences();
    void ssimOfConstantImages_data();
    void ssimOfConstantImages();
    void ssimOfCheckerboardAgainstFlatGrey();
    void identicalImagesArePerfect();
    void ssimIsSymmetricAndDropsWithNoise();
    void sizeMismatchIsAnError();
    void matchSizeResizesTheReference();
};

void tst_ImageMetrics::psnrOfKnownDifferences_data()
{
    QTest::addColumn<float>("dr");
    QTest::addColumn<float>("dg");
    QTest::addColumn<float>("db");
    QTest::addColumn<double>("expected");
    QTest::newRow("all channels +0.1 -> 20 dB") << 0.1f << 0.1f << 0.1f << 20.0;
    QTest::newRow("all channels +0.01 -> 40 dB") << 0.01f << 0.01f << 0.01f << 40.0;
    // MSE = 0.01 / 3 -> 10 log10(300)
    QTest::newRow("red only +0.1") << 0.1f << 0.0f << 0.0f << 10.0 * std::log10(300.0);
}

void tst_ImageMetrics::psnrOfKnownDifferences()
{
    QFETCH(float, dr);
    QFETCH(float, dg);
    QFETCH(float, db);
    QFETCH(double, expected);
    const auto ref = constant(32, 24, 0.3f, 0.4f, 0.5f);
    const auto img = constant(32, 24, 0.3f + dr, 0.4f + dg, 0.5f + db);
    const auto psnr = ui::ImageMetrics::psnr(img, ref);
    QVERIFY(psnr.ok());
    QVERIFY2(std::abs(*psnr - expected) < 1e-3, qPrintable(QString::number(*psnr)));
}

void tst_ImageMetrics::ssimOfConstantImages_data()
{
    QTest::addColumn<float>("a");
    QTest::addColumn<float>("b");
    QTest::addColumn<double>("expected");
    // Flat images: sigma terms vanish, SSIM = (2ab + C1) / (a^2 + b^2 + C1), C1 = 1e-4.
    QTest::newRow("0.2 vs 0.4") << 0.2f << 0.4f << (2 * 0.2 * 0.4 + 1e-4) / (0.04 + 0.16 + 1e-4);
    QTest::newRow("0.5 vs 0.5") << 0.5f << 0.5f << 1.0;
    QTest::newRow("0.1 vs 0.9") << 0.1f << 0.9f << (2 * 0.1 * 0.9 + 1e-4) / (0.01 + 0.81 + 1e-4);
    QTest::newRow("black vs 0.5") << 0.0f << 0.5f << 1e-4 / (0.25 + 1e-4);
}

void tst_ImageMetrics::ssimOfConstantImages()
{
    QFETCH(float, a);
    QFETCH(float, b);
    QFETCH(double, expected);
    const auto ssim = ui::ImageMetrics::ssim(constant(40, 30, a, a, a), constant(40, 30, b, b, b));
    QVERIFY(ssim.ok());
    QVERIFY2(std::abs(*ssim - expected) < 1e-5, qPrintable(QString::number(*ssim, 'g', 10)));
}

void tst_ImageMetrics::ssimOfCheckerboardAgainstFlatGrey()
{
    // x: 0/1 checkerboard (local mean 0.5, variance 0.25); y: flat 0.5 (variance 0, covariance 0):
    // SSIM = 1 * C2 / (0.25 + C2) with C2 = 9e-4.
    cv::Mat checker(40, 40, CV_32FC3);
    for (int y = 0; y < 40; ++y)
        for (int x = 0; x < 40; ++x) {
            const float v = ((x + y) % 2) ? 1.0f : 0.0f;
            checker.at<cv::Vec3f>(y, x) = cv::Vec3f(v, v, v);
        }
    const auto ssim = ui::ImageMetrics::ssim(core::ImageBuffer(checker, core::ColorEncoding::Display),
                                             constant(40, 40, 0.5f, 0.5f, 0.5f));
    QVERIFY(ssim.ok());
    const double expected = 9e-4 / (0.25 + 9e-4);
    QVERIFY2(std::abs(*ssim - expected) < 2e-4, qPrintable(QString::number(*ssim, 'g', 10)));
}

void tst_ImageMetrics::identicalImagesArePerfect()
{
    cv::Mat noise(30, 50, CV_32FC3);
    cv::randu(noise, 0.0, 1.0);
    const core::ImageBuffer img(noise, core::ColorEncoding::Display);
    QVERIFY(std::isinf(*ui::ImageMetrics::psnr(img, img)));
    QVERIFY(std::abs(*ui::ImageMetrics::ssim(img, img) - 1.0) < 1e-9);
}

void tst_ImageMetrics::ssimIsSymmetricAndDropsWithNoise()
{
    cv::Mat base(48, 64, CV_32FC3);
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x)
            base.at<cv::Vec3f>(y, x) = cv::Vec3f(x / 64.0f, y / 48.0f, 0.5f);
    cv::Mat light = base.clone();
    cv::Mat heavy = base.clone();
    cv::Mat n(48, 64, CV_32FC3);
    cv::randn(n, 0.0, 0.02);
    light += n;
    cv::randn(n, 0.0, 0.2);
    heavy += n;
    const core::ImageBuffer ref(base, core::ColorEncoding::Display);
    const core::ImageBuffer a(light, core::ColorEncoding::Display);
    const core::ImageBuffer b(heavy, core::ColorEncoding::Display);
    QCOMPARE(*ui::ImageMetrics::ssim(a, ref), *ui::ImageMetrics::ssim(ref, a));
    QVERIFY(*ui::ImageMetrics::ssim(a, ref) > *ui::ImageMetrics::ssim(b, ref));
    QVERIFY(*ui::ImageMetrics::psnr(a, ref) > *ui::ImageMetrics::psnr(b, ref));
}

void tst_ImageMetrics::sizeMismatchIsAnError()
{
    const auto r = ui::ImageMetrics::psnr(constant(10, 10, 0, 0, 0), constant(11, 10, 0, 0, 0));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, core::ErrorCode::InvalidArgument);
    QVERIFY(!ui::ImageMetrics::ssim(core::ImageBuffer(), constant(4, 4, 0, 0, 0)).ok());
}

void tst_ImageMetrics::matchSizeResizesTheReference()
{
    const auto ref = constant(80, 60, 0.25f, 0.5f, 0.75f);
    const auto img = constant(40, 30, 0, 0, 0);
    const auto matched = ui::ImageMetrics::matchSize(ref, img);
    QCOMPARE(matched.width(), 40);
    QCOMPARE(matched.height(), 30);
    QVERIFY(std::abs(matched.mat().at<cv::Vec3f>(10, 10)[1] - 0.5f) < 1e-5f);
}

QTEST_MAIN(tst_ImageMetrics)
#include "tst_ImageMetrics.moc"
