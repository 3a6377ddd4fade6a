#include <QtTest>

#include <QTemporaryDir>

#include <algorithm>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/inference/NetworkInput.h"
#include "core/io/RawDecoder.h"
#include "tests/support/DngWriter.h"
#include "tests/support/ImageFixtures.h"

using namespace nocturne;
using core::CfaColor;
using core::CfaPattern;

namespace {

constexpr int kBlack = 512;
constexpr int kWhite = 16383;

// Camera RGB at half resolution from each 2x2 Bayer tile (R, mean of the greens, B): exact on
// flat areas, which is all the comparison below needs.
cv::Mat superpixels(const core::RawMosaic& mosaic)
{
    const cv::Mat norm = mosaic.normalized();
    cv::Mat out(norm.rows / 2, norm.cols / 2, CV_32FC3);
    for (int y = 0; y < out.rows; ++y)
        for (int x = 0; x < out.cols; ++x) {
            cv::Vec3f px(0, 0, 0);
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {
                    const float v = norm.at<float>(2 * y + dy, 2 * x + dx);
                    switch (core::cfaColorAt(mosaic.pattern, 2 * y + dy, 2 * x + dx)) {
                    case CfaColor::R: px[0] = v; break;
                    case CfaColor::B: px[2] = v; break;
                    default: px[1] += 0.5f * v; break;
                    }
                }
            out.at<cv::Vec3f>(y, x) = px;
        }
    return out;
}

// Median absolute difference of the colours at low frequency: the superpixels alias the
// scene's fine texture and lamp edges where LibRaw's demosaic does not, and colour rendering
// is what is compared.
double medianAbsDiff(const cv::Mat& a, const cv::Mat& b)
{
    cv::Mat sa, sb, d;
    cv::GaussianBlur(a, sa, cv::Size(), 3.0);
    cv::GaussianBlur(b, sb, cv::Size(), 3.0);
    cv::absdiff(sa, sb, d);
    const cv::Mat flat = d.reshape(1, 1);
    std::vector<float> values(flat.begin<float>(), flat.end<float>());
    std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
    return values[values.size() / 2];
}

}  // namespace

class tst_NetworkInput : public QObject {
    Q_OBJECT
private slots:
    void cameraRgbRendersLikeTheDecoder_data();
    void cameraRgbRendersLikeTheDecoder();
    void cameraRgbClipsLikeASensor();
    void saturationWeightCoversClippedSitesAndFades();
};

void tst_NetworkInput::cameraRgbRendersLikeTheDecoder_data()
{
    QTest::addColumn<int>("pattern");
    QTest::addColumn<double>("red");
    QTest::addColumn<double>("blue");
    QTest::newRow("RGGB daylight") << static_cast<int>(CfaPattern::RGGB) << 2.0 << 1.5;
    QTest::newRow("BGGR tungsten") << static_cast<int>(CfaPattern::BGGR) << 1.3 << 2.6;
    QTest::newRow("GRBG green-weak") << static_cast<int>(CfaPattern::GRBG) << 0.8 << 1.2;
}

// A network that returned the clean camera colours would give what LibRaw renders from the same
// file: the RAW networks trained on linear camera RGB then agree with "amplify only" in colour.
void tst_NetworkInput::cameraRgbRendersLikeTheDecoder()
{
    QFETCH(int, pattern);
    QFETCH(double, red);
    QFETCH(double, blue);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    testsupport::DngSpec spec;
    spec.pattern = static_cast<CfaPattern>(pattern);
    spec.mosaic = testsupport::makeSceneMosaic(160, 120, spec.pattern, kBlack, kWhite, 0.3, 5, false);
    spec.blackLevel = kBlack;
    spec.whiteLevel = kWhite;
    spec.wbMultipliers = {red, 1.0, blue};
    const std::string path = dir.filePath("scene.dng").toStdString();
    QCOMPARE(QString::fromStdString(testsupport::writeDng(path, spec)), QString());
    const auto decoded = core::RawDecoder::decode(testsupport::readBytes(path), path, {});
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().describe().c_str());
    QVERIFY(decoded->mosaic.has_value());

    const cv::Mat camera = superpixels(*decoded->mosaic);
    cv::Mat libraw;
    cv::resize(decoded->rgb.mat(), libraw, camera.size(), 0, 0, cv::INTER_AREA);
    const cv::Mat rendered = core::netinput::renderCameraRgb(camera, *decoded->mosaic);
    QCOMPARE(rendered.size(), camera.size());
    QCOMPARE(rendered.type(), CV_32FC3);

    // What forgetting the white balance or the matrix would give, for scale.
    core::RawMosaic unbalanced = *decoded->mosaic;
    unbalanced.whiteBalance = {1, 1, 1, 1};
    core::RawMosaic noMatrix = *decoded->mosaic;
    noMatrix.cameraToSrgb = cv::Matx33f::eye();
    const double err = medianAbsDiff(rendered, libraw);
    const double errNoWb = medianAbsDiff(core::netinput::renderCameraRgb(camera, unbalanced), libraw);
    const double errNoMatrix = medianAbsDiff(core::netinput::renderCameraRgb(camera, noMatrix), libraw);
    const double level = cv::mean(libraw)[1];
    QVERIFY2(err < 0.015 * level + 0.0005,
             qPrintable(QString("median abs diff %1 at a mean level of %2").arg(err).arg(level)));
    QVERIFY2(errNoWb > 4 * err && errNoMatrix > 2 * err,
             qPrintable(QString("%1 vs no WB %2, no matrix %3").arg(err).arg(errNoWb).arg(errNoMatrix)));
}

void tst_NetworkInput::cameraRgbClipsLikeASensor()
{
    core::RawMosaic mosaic;
    mosaic.whiteBalance = {2.0f, 1.0f, 1.5f, 1.0f};
    cv::Mat camera(1, 3, CV_32FC3);
    camera.at<cv::Vec3f>(0, 0) = {0.9f, 0.9f, 0.9f};   // red and blue clip after the balance
    camera.at<cv::Vec3f>(0, 1) = {0.2f, 0.3f, 0.25f};  // nothing clips
    camera.at<cv::Vec3f>(0, 2) = {-0.1f, 2.0f, 0.0f};  // out-of-range network output
    const cv::Mat out = core::netinput::renderCameraRgb(camera, mosaic);
    QCOMPARE(out.at<cv::Vec3f>(0, 0), cv::Vec3f(1.0f, 0.9f, 1.0f));
    const cv::Vec3f mid = out.at<cv::Vec3f>(0, 1);
    QVERIFY(std::abs(mid[0] - 0.4f) < 1e-6f && std::abs(mid[1] - 0.3f) < 1e-6f && std::abs(mid[2] - 0.375f) < 1e-6f);
    QCOMPARE(out.at<cv::Vec3f>(0, 2), cv::Vec3f(0.0f, 1.0f, 0.0f));
    // Multipliers are relative to the weakest channel, as LibRaw scales them.
    mosaic.whiteBalance = {0.5f, 1.0f, 0.75f, 1.0f};
    const cv::Vec3f weakRed = core::netinput::renderCameraRgb(camera, mosaic).at<cv::Vec3f>(0, 1);
    QVERIFY(std::abs(weakRed[0] - 0.2f) < 1e-6f && std::abs(weakRed[1] - 0.6f) < 1e-6f && std::abs(weakRed[2] - 0.375f) < 1e-6f);
}

void tst_NetworkInput::saturationWeightCoversClippedSitesAndFades()
{
    cv::Mat mosaic(64, 64, CV_32FC1, cv::Scalar(0.4f));
    mosaic(cv::Rect(31, 31, 3, 3)).setTo(1.0f);   // a lamp's clipped core
    const cv::Mat w = core::netinput::saturationWeight(mosaic);
    QCOMPARE(w.size(), mosaic.size());
    QCOMPARE(w.type(), CV_32FC1);
    QVERIFY(w.at<float>(32, 32) > 0.9f);
    QVERIFY(w.at<float>(32, 36) > 0.5f);    // the rim a network softens
    QVERIFY(w.at<float>(32, 50) < 0.01f);   // and nothing further out
    QVERIFY(w.at<float>(0, 0) == 0.0f);
    double lo = 0.0, hi = 0.0;
    cv::minMaxLoc(w, &lo, &hi);
    QVERIFY(lo >= 0.0 && hi <= 1.0);
    QCOMPARE(cv::countNonZero(core::netinput::saturationWeight(cv::Mat(16, 16, CV_32FC1, cv::Scalar(0.97f)))), 0);
}

QTEST_GUILESS_MAIN(tst_NetworkInput)
#include "tst_NetworkInput.moc"
