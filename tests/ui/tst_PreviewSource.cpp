// PreviewSource::fromDecoded: the proxy a photo is edited on. A RAW's mosaic is brought to the
// proxy's size (binned, then area-resampled), in the sensor's orientation, so RAW networks
// preview on as many sites as the proxy has pixels.
#include <QtTest>

#include <opencv2/core.hpp>

#include "core/image/DecodedImage.h"
#include "ui/services/PreviewSource.h"

using namespace nocturne;

namespace {

core::DecodedImage rawPhoto(int sensorW, int sensorH, int orientation)
{
    core::DecodedImage image;
    const bool swapped = orientation >= 5;
    image.rgb = core::ImageBuffer(cv::Mat(swapped ? sensorW : sensorH, swapped ? sensorH : sensorW, CV_32FC3,
                                          cv::Scalar(0.1, 0.1, 0.1)),
                                  core::ColorEncoding::Linear);
    image.meta.orientation = orientation;
    image.meta.sourcePath = "photo.dng";
    core::RawMosaic mosaic;
    mosaic.data = cv::Mat(sensorH, sensorW, CV_16UC1, cv::Scalar(1000));
    image.mosaic = mosaic;
    return image;
}

}  // namespace

class tst_PreviewSource : public QObject {
    Q_OBJECT
private slots:
    void mosaicMatchesTheProxy_data();
    void mosaicMatchesTheProxy();
    void keyNamesTheProxy();
};

void tst_PreviewSource::mosaicMatchesTheProxy_data()
{
    QTest::addColumn<int>("sensorW");
    QTest::addColumn<int>("sensorH");
    QTest::addColumn<int>("orientation");
    QTest::addColumn<qlonglong>("maxPixels");
    QTest::newRow("landscape, 1.23x binned size") << 4256 << 2848 << 1 << qlonglong(2'000'000);
    QTest::newRow("portrait (rotated 90)") << 4256 << 2848 << 6 << qlonglong(2'000'000);
    QTest::newRow("portrait (rotated 270)") << 3000 << 2000 << 8 << qlonglong(500'000);
    QTest::newRow("draft size") << 2128 << 1424 << 1 << qlonglong(320'000);
    QTest::newRow("under the limit: full sensor") << 1200 << 800 << 1 << qlonglong(2'000'000);
}

void tst_PreviewSource::mosaicMatchesTheProxy()
{
    QFETCH(int, sensorW);
    QFETCH(int, sensorH);
    QFETCH(int, orientation);
    QFETCH(qlonglong, maxPixels);
    const ui::PreviewSource source = ui::PreviewSource::fromDecoded(rawPhoto(sensorW, sensorH, orientation), "k", maxPixels);
    const core::DecodedImage& proxy = *source.image;
    QVERIFY(proxy.mosaic.has_value());
    const bool swapped = orientation >= 5;
    // The proxy's size in the sensor's orientation.
    const int needW = swapped ? proxy.rgb.height() : proxy.rgb.width();
    const int needH = swapped ? proxy.rgb.width() : proxy.rgb.height();
    QVERIFY(qint64(proxy.rgb.width()) * proxy.rgb.height() <= std::max<qint64>(maxPixels, qint64(sensorW) * sensorH));
    // At least the proxy's size, and at most 5 % (or one site) more.
    QVERIFY2(proxy.mosaic->width() >= needW && proxy.mosaic->height() >= needH,
             qPrintable(QString("%1x%2 for %3x%4").arg(proxy.mosaic->width()).arg(proxy.mosaic->height()).arg(needW).arg(needH)));
    QVERIFY2(proxy.mosaic->width() <= std::max(needW + 1, needW * 21 / 20)
                 && proxy.mosaic->height() <= std::max(needH + 1, needH * 21 / 20),
             qPrintable(QString("%1x%2 for %3x%4").arg(proxy.mosaic->width()).arg(proxy.mosaic->height()).arg(needW).arg(needH)));
    QCOMPARE(proxy.mosaic->width() % 2, 0);
    QCOMPARE(proxy.mosaic->height() % 2, 0);
    // The full size stays the photo's.
    QCOMPARE(source.fullSize, QSize(swapped ? sensorH : sensorW, swapped ? sensorW : sensorH));
}

void tst_PreviewSource::keyNamesTheProxy()
{
    const auto a = ui::PreviewSource::fromDecoded(rawPhoto(4256, 2848, 1), "photo", 2'000'000);
    const auto b = ui::PreviewSource::fromDecoded(rawPhoto(4256, 2848, 1), "photo", 320'000);
    QVERIFY(a.key != b.key);
    QVERIFY(QString::fromStdString(a.key).contains(QString("mosaic %1").arg(a.image->mosaic->width())));
}

QTEST_GUILESS_MAIN(tst_PreviewSource)
#include "tst_PreviewSource.moc"
