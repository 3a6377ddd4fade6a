#include <QtTest>

#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/enhance/Retinex.h"

using namespace nocturne::core;

namespace {

EnhanceOutput run(const cv::Mat& linearRgb, float gain = 1.0f)
{
    DecodedImage img;
    img.rgb = ImageBuffer(linearRgb);
    Result<EnhanceOutput> out = Retinex().enhance(EnhanceInput{img, gain}, RunContext());
    if (!out)
        qFatal("%s", out.error().describe().c_str());
    return std::move(out).value();
}

// Uniform-reflectance texture (grey, reflectance 0.3..0.7) under a horizontal illumination ramp.
cv::Mat litTexture(int width, int height, float darkEnd, float brightEnd)
{
    cv::Mat reflectance(height, width, CV_32FC1);
    cv::randu(reflectance, 0.3f, 0.7f);
    cv::Mat grey(height, width, CV_32FC1);
    for (int r = 0; r < height; ++r) {
        for (int c = 0; c < width; ++c) {
            const float light = darkEnd + (brightEnd - darkEnd) * c / (width - 1);
            grey.at<float>(r, c) = reflectance.at<float>(r, c) * light;
        }
    }
    cv::Mat rgb;
    cv::merge(std::vector<cv::Mat>{grey, grey, grey}, rgb);
    return rgb;
}

double leftRightRatio(const cv::Mat& rgb)
{
    const int quarter = rgb.cols / 4;
    const double left = cv::mean(rgb.colRange(0, quarter))[1];
    const double right = cv::mean(rgb.colRange(rgb.cols - quarter, rgb.cols))[1];
    return left / right;
}

}  // namespace

class tst_Retinex : public QObject {
    Q_OBJECT
private slots:
    void removesIlluminationGradient();
    void outputIsLinearInRangeSameSize();
    void greyStaysNeutral();
    void downscaledSurroundMatchesFullResolutionBlur();
    void colourRestorationKeepsHueOrder();
};

void tst_Retinex::removesIlluminationGradient()
{
    const cv::Mat input = litTexture(1600, 100, 0.01f, 0.5f);
    const double before = leftRightRatio(input);
    const EnhanceOutput out = run(input);
    const double after = leftRightRatio(out.image.mat());
    const QByteArray msg = QString("before %1 after %2").arg(before).arg(after).toUtf8();
    QVERIFY2(before < 0.2, msg.constData());
    QVERIFY2(after > 0.6 && after < 1.6, msg.constData());
    QVERIFY2(std::abs(std::log(after)) < 0.3 * std::abs(std::log(before)), msg.constData());
}

void tst_Retinex::outputIsLinearInRangeSameSize()
{
    cv::Mat input(90, 130, CV_32FC3);
    cv::randu(input, 0.0f, 0.01f);
    const EnhanceOutput out = run(input, 50.0f);
    QCOMPARE(out.image.encoding(), ColorEncoding::Linear);
    QCOMPARE(out.image.width(), 130);
    QCOMPARE(out.image.height(), 90);
    double lo = 0.0;
    double hi = 0.0;
    cv::minMaxLoc(out.image.mat().reshape(1), &lo, &hi);
    QVERIFY(lo >= 0.0 && hi <= 1.0);
    QVERIFY(hi - lo > 0.5);   // stretched to use the range
}

void tst_Retinex::greyStaysNeutral()
{
    const EnhanceOutput out = run(litTexture(200, 120, 0.02f, 0.3f));
    std::vector<cv::Mat> ch;
    cv::split(out.image.mat(), ch);
    QVERIFY(cv::norm(ch[0], ch[1], cv::NORM_INF) < 1e-5);
    QVERIFY(cv::norm(ch[2], ch[1], cv::NORM_INF) < 1e-5);
    // A flat grey frame has nothing to stretch and comes out mid grey, still neutral.
    const EnhanceOutput flat = run(cv::Mat(40, 40, CV_32FC3, cv::Scalar::all(0.05f)));
    const cv::Vec3f px = flat.image.mat().at<cv::Vec3f>(20, 20);
    QCOMPARE(px[0], px[1]);
    QCOMPARE(px[2], px[1]);
}

void tst_Retinex::downscaledSurroundMatchesFullResolutionBlur()
{
    cv::Mat image(400, 600, CV_32FC3);
    cv::randu(image, 1.0f, 256.0f);
    cv::GaussianBlur(image, image, cv::Size(0, 0), 6.0);   // surrounds see smooth content
    for (double sigma : {15.0, 80.0}) {
        const cv::Mat fast = Retinex::surround(image, sigma);
        cv::Mat exact;
        cv::GaussianBlur(image, exact, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT);
        // Compare away from the borders, where resampling and border handling differ slightly.
        const cv::Rect inner(100, 100, 400, 200);
        const double err = cv::norm(fast(inner), exact(inner), cv::NORM_INF);
        QVERIFY2(err < 0.5, qPrintable(QString("sigma %1: %2").arg(sigma).arg(err)));   // of 0..256
    }
    // Constant in, constant out.
    const cv::Mat flat(300, 300, CV_32FC3, cv::Scalar::all(42.0f));
    QVERIFY(cv::norm(Retinex::surround(flat, 250.0), flat, cv::NORM_INF) < 1e-3);
}

void tst_Retinex::colourRestorationKeepsHueOrder()
{
    // A reddish textured patch stays reddish: R > G > B on average.
    cv::Mat grey(100, 100, CV_32FC1);
    cv::randu(grey, 0.002f, 0.01f);
    cv::Mat rgb;
    cv::merge(std::vector<cv::Mat>{grey * 1.0, grey * 0.6, grey * 0.3}, rgb);
    const EnhanceOutput out = run(rgb, 30.0f);
    const cv::Scalar mean = cv::mean(out.image.mat());
    QVERIFY(mean[0] > mean[1]);
    QVERIFY(mean[1] > mean[2]);
}

QTEST_GUILESS_MAIN(tst_Retinex)
#include "tst_Retinex.moc"
