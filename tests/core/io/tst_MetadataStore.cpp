#include <QtTest>

#include <map>
#include <string>
#include <vector>

#include <exiv2/exiv2.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/io/ImageWriter.h"
#include "core/io/MetadataStore.h"
#include "tests/support/DngWriter.h"

using namespace nocturne::core;
using Tags = std::map<std::string, std::string>;

Q_DECLARE_METATYPE(nocturne::core::ExportFormat)

namespace {

// The source photo is 80x60 as stored with Orientation 6 (rotate 90° CW to view), so the
// decoded, upright image the export holds is 60x80.
constexpr int kStoredWidth = 80;
constexpr int kStoredHeight = 60;
constexpr int kUprightWidth = kStoredHeight;
constexpr int kUprightHeight = kStoredWidth;

std::string u8(const QString& s)
{
    return s.toStdString();
}

void addRational(Exiv2::ExifData& exif, const char* key, const char* text)
{
    Exiv2::Value::AutoPtr value = Exiv2::Value::create(Exiv2::unsignedRational);
    value->read(text);
    exif.add(Exiv2::ExifKey(key), value.get());
}

// A camera JPEG as a phone or camera would write it: EXIF (with GPS and a thumbnail), XMP and
// IPTC. Built with Exiv2 directly, independently of the code under test.
bool makeTaggedJpeg(const std::string& path)
{
    cv::Mat pixels(kStoredHeight, kStoredWidth, CV_8UC3, cv::Scalar(40, 30, 20));
    if (!cv::imwrite(path, pixels))
        return false;
    Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(path);
    image->readMetadata();

    Exiv2::ExifData exif;
    exif["Exif.Image.Make"] = std::string("Sony");
    exif["Exif.Image.Model"] = std::string("ILCE-7SM3");
    exif["Exif.Image.Orientation"] = static_cast<uint16_t>(6);
    exif["Exif.Image.Software"] = std::string("ILCE-7SM3 v3.01");
    exif["Exif.Photo.LensModel"] = std::string("FE 24mm F1.4 GM");
    exif["Exif.Photo.ExposureTime"] = Exiv2::URational(1, 10);
    exif["Exif.Photo.FNumber"] = Exiv2::URational(14, 10);
    exif["Exif.Photo.ISOSpeedRatings"] = static_cast<uint16_t>(6400);
    exif["Exif.Photo.DateTimeOriginal"] = std::string("2025:11:03 22:14:05");
    exif["Exif.Photo.PixelXDimension"] = static_cast<uint32_t>(kStoredWidth);
    exif["Exif.Photo.PixelYDimension"] = static_cast<uint32_t>(kStoredHeight);
    exif["Exif.GPSInfo.GPSLatitudeRef"] = std::string("N");
    addRational(exif, "Exif.GPSInfo.GPSLatitude", "48/1 51/1 2400/100");
    exif["Exif.GPSInfo.GPSLongitudeRef"] = std::string("E");
    addRational(exif, "Exif.GPSInfo.GPSLongitude", "2/1 21/1 900/100");
    std::vector<uchar> thumbnail;
    cv::imencode(".jpg", cv::Mat(16, 16, CV_8UC3, cv::Scalar::all(128)), thumbnail);
    Exiv2::ExifThumb(exif).setJpegThumbnail(thumbnail.data(), static_cast<long>(thumbnail.size()));
    image->setExifData(exif);

    Exiv2::XmpData xmp;
    xmp["Xmp.dc.title"] = std::string("lang=\"x-default\" Night sky over Paris");
    xmp["Xmp.tiff.Orientation"] = std::string("6");
    image->setXmpData(xmp);

    Exiv2::IptcData iptc;
    iptc["Iptc.Application2.Caption"] = std::string("The Seine at midnight");
    image->setIptcData(iptc);
    image->writeMetadata();
    return true;
}

ImageBuffer uprightImage(int width, int height)
{
    ImageBuffer image(width, height, ColorEncoding::Display);
    image.mat().setTo(cv::Scalar(0.2, 0.4, 0.6));
    return image;
}

ExportOptions optionsFor(ExportFormat format, bool copyMetadata = true)
{
    ExportOptions options;
    options.format = format;
    options.copyMetadata = copyMetadata;
    return options;
}

QString fileNameFor(ExportFormat format)
{
    return QString::fromStdString("export." + extensionFor(format));
}

// Exports `image` with ImageWriter and returns every tag of the result.
Tags exportAndRead(const ImageBuffer& image, const QString& destination, ExportFormat format,
                   const ImageMeta& meta, bool copyMetadata = true)
{
    const auto written =
        ImageWriter::write(image, u8(destination), optionsFor(format, copyMetadata), meta);
    if (!written.ok()) {
        qWarning("export failed: %s", written.error().describe().c_str());
        return {};
    }
    // Metadata editing must leave a decodable image of the right size.
    const cv::Mat pixels = cv::imread(u8(destination), cv::IMREAD_UNCHANGED);
    if (pixels.cols != image.width() || pixels.rows != image.height()) {
        qWarning("export does not decode to %dx%d", image.width(), image.height());
        return {};
    }
    auto tags = MetadataStore::readAll(u8(destination));
    if (!tags.ok()) {
        qWarning("readAll failed: %s", tags.error().describe().c_str());
        return {};
    }
    return tags.value();
}

QString tag(const Tags& tags, const std::string& key)
{
    const auto it = tags.find(key);
    return it == tags.end() ? QString("<missing>") : QString::fromStdString(it->second);
}

QStringList keysContaining(const Tags& tags, const QString& part)
{
    QStringList keys;
    for (const auto& [key, value] : tags) {
        if (QString::fromStdString(key).contains(part))
            keys << QString::fromStdString(key);
    }
    return keys;
}

void verifyExportMarkers(const Tags& tags, int width, int height)
{
    QCOMPARE(tag(tags, "Exif.Image.Orientation"), QString("1"));
    QCOMPARE(tag(tags, "Exif.Photo.PixelXDimension"), QString::number(width));
    QCOMPARE(tag(tags, "Exif.Photo.PixelYDimension"), QString::number(height));
    if (tags.count("Exif.Image.ImageWidth") != 0) {
        QCOMPARE(tag(tags, "Exif.Image.ImageWidth"), QString::number(width));
        QCOMPARE(tag(tags, "Exif.Image.ImageLength"), QString::number(height));
    }
    QVERIFY2(tag(tags, "Exif.Image.Software").startsWith("Nocturne "),
             qPrintable(tag(tags, "Exif.Image.Software")));
    QVERIFY(tag(tags, "Xmp.xmp.CreatorTool").startsWith("Nocturne "));
    QCOMPARE(keysContaining(tags, "Exif.Thumbnail."), QStringList());
}

}  // namespace

class tst_MetadataStore : public QObject {
    Q_OBJECT
private slots:
    void copiesFromJpegSource_data();
    void copiesFromJpegSource();
    void copiesFromDngSource();
    void copyOffWritesNoSourceTags();
    void fallsBackToImageMeta_data();
    void fallsBackToImageMeta();
    void readAllReportsMissingFile();
};

void tst_MetadataStore::copiesFromJpegSource_data()
{
    QTest::addColumn<ExportFormat>("format");
    QTest::newRow("to jpeg") << ExportFormat::Jpeg;
    QTest::newRow("to png") << ExportFormat::Png;
    QTest::newRow("to tiff") << ExportFormat::Tiff;
}

void tst_MetadataStore::copiesFromJpegSource()
{
    QFETCH(ExportFormat, format);
    QTemporaryDir dir;
    const QString source = dir.filePath("camera.jpg");
    QVERIFY(makeTaggedJpeg(u8(source)));
    ImageMeta meta;
    meta.sourcePath = u8(source);
    meta.orientation = 6;

    const Tags tags = exportAndRead(uprightImage(kUprightWidth, kUprightHeight),
                                    dir.filePath(fileNameFor(format)), format, meta);
    QVERIFY(!tags.empty());

    QCOMPARE(tag(tags, "Exif.Image.Make"), QString("Sony"));
    QCOMPARE(tag(tags, "Exif.Image.Model"), QString("ILCE-7SM3"));
    QCOMPARE(tag(tags, "Exif.Photo.LensModel"), QString("FE 24mm F1.4 GM"));
    QCOMPARE(tag(tags, "Exif.Photo.ExposureTime"), QString("1/10"));
    QCOMPARE(tag(tags, "Exif.Photo.FNumber"), QString("14/10"));
    QCOMPARE(tag(tags, "Exif.Photo.ISOSpeedRatings"), QString("6400"));
    QCOMPARE(tag(tags, "Exif.Photo.DateTimeOriginal"), QString("2025:11:03 22:14:05"));
    QCOMPARE(tag(tags, "Exif.GPSInfo.GPSLatitudeRef"), QString("N"));
    QCOMPARE(tag(tags, "Exif.GPSInfo.GPSLatitude"), QString("48/1 51/1 2400/100"));
    QCOMPARE(tag(tags, "Exif.GPSInfo.GPSLongitude"), QString("2/1 21/1 900/100"));
    QVERIFY2(tag(tags, "Xmp.dc.title").contains("Night sky over Paris"),
             qPrintable(tag(tags, "Xmp.dc.title")));
    QCOMPARE(tag(tags, "Xmp.tiff.Orientation"), QString("1"));
    QCOMPARE(tag(tags, "Iptc.Application2.Caption"), QString("The Seine at midnight"));
    verifyExportMarkers(tags, kUprightWidth, kUprightHeight);
}

void tst_MetadataStore::copiesFromDngSource()
{
    QTemporaryDir dir;
    const QString source = dir.filePath("night.dng");
    nocturne::testsupport::DngSpec spec;
    spec.mosaic = cv::Mat(48, 64, CV_16UC1, cv::Scalar(900));
    spec.make = "Nocturne Labs";
    spec.model = "NightCam One";
    spec.lens = "50mm f/1.2";
    spec.exposureTime = 0.25;
    spec.fNumber = 1.2;
    spec.iso = 12800;
    spec.dateTimeOriginal = "2026:01:02 03:04:05";
    spec.gps = std::array<double, 6>{48, 51, 24, 2, 21, 9};
    const std::string failure = nocturne::testsupport::writeDng(u8(source), spec);
    QVERIFY2(failure.empty(), failure.c_str());
    ImageMeta meta;
    meta.sourcePath = u8(source);
    meta.format = "DNG";
    meta.sensor = SensorKind::Bayer;

    const Tags tags = exportAndRead(uprightImage(64, 48), dir.filePath("night.jpg"),
                                    ExportFormat::Jpeg, meta);
    QVERIFY(!tags.empty());

    QCOMPARE(tag(tags, "Exif.Image.Make"), QString("Nocturne Labs"));
    QCOMPARE(tag(tags, "Exif.Image.Model"), QString("NightCam One"));
    QCOMPARE(tag(tags, "Exif.Photo.LensModel"), QString("50mm f/1.2"));
    QCOMPARE(tag(tags, "Exif.Photo.ExposureTime"), QString("1/4"));
    QCOMPARE(tag(tags, "Exif.Photo.ISOSpeedRatings"), QString("12800"));
    QCOMPARE(tag(tags, "Exif.Photo.DateTimeOriginal"), QString("2026:01:02 03:04:05"));
    QCOMPARE(tag(tags, "Exif.GPSInfo.GPSLatitudeRef"), QString("N"));
    QVERIFY(tags.count("Exif.GPSInfo.GPSLatitude") == 1);
    QVERIFY(tags.count("Exif.GPSInfo.GPSLongitude") == 1);
    verifyExportMarkers(tags, 64, 48);

    // Nothing describing the raw data's layout or rendering may survive.
    for (const char* part : {"CFA", "Strip", "Tile", "SubIFD", "DNG", "SubImage", "BitsPerSample",
                             "Compression", "PhotometricInterpretation", "SamplesPerPixel",
                             "ColorMatrix", "AsShotNeutral", "BlackLevel", "WhiteLevel",
                             "NewSubfileType"}) {
        QVERIFY2(keysContaining(tags, part).isEmpty(),
                 qPrintable(keysContaining(tags, part).join(", ")));
    }
}

void tst_MetadataStore::copyOffWritesNoSourceTags()
{
    QTemporaryDir dir;
    const QString source = dir.filePath("camera.jpg");
    QVERIFY(makeTaggedJpeg(u8(source)));
    ImageMeta meta;
    meta.sourcePath = u8(source);
    meta.cameraMake = "Sony";   // known to the decoder, but metadata copying is off

    const QString destination = dir.filePath("plain.jpg");
    QVERIFY(ImageWriter::write(uprightImage(kUprightWidth, kUprightHeight), u8(destination),
                               optionsFor(ExportFormat::Jpeg, false), meta)
                .ok());
    const auto tags = MetadataStore::readAll(u8(destination));
    QVERIFY(tags.ok());
    for (const char* part : {"Exif.Image.Make", "Exif.Image.Model", "LensModel", "ExposureTime",
                             "ISOSpeedRatings", "DateTimeOriginal", "GPS", "Xmp.dc.title",
                             "Iptc.", "Software", "Orientation"}) {
        QVERIFY2(keysContaining(*tags, part).isEmpty(),
                 qPrintable(keysContaining(*tags, part).join(", ")));
    }
}

void tst_MetadataStore::fallsBackToImageMeta_data()
{
    QTest::addColumn<QString>("sourceKind");
    QTest::newRow("jpeg without exif") << "plain";
    QTest::newRow("file exiv2 cannot parse") << "garbage";
    QTest::newRow("no source path") << "none";
}

void tst_MetadataStore::fallsBackToImageMeta()
{
    QFETCH(QString, sourceKind);
    QTemporaryDir dir;
    ImageMeta meta;
    if (sourceKind == "plain") {
        meta.sourcePath = u8(dir.filePath("plain.jpg"));
        QVERIFY(cv::imwrite(meta.sourcePath, cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(5))));
    } else if (sourceKind == "garbage") {
        meta.sourcePath = u8(dir.filePath("odd.raw"));
        QFile file(QString::fromStdString(meta.sourcePath));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, '\x5a'));
    }
    meta.cameraMake = "Fujifilm";
    meta.cameraModel = "X-T5";
    meta.lens = "XF23mmF1.4 R LM WR";
    meta.exposureTime = 1.0 / 250.0;
    meta.aperture = 2.8;
    meta.isoSpeed = 3200;
    meta.focalLength = 23.0;
    meta.dateTimeOriginal = "2024:07:14 23:59:30";

    const Tags tags = exportAndRead(uprightImage(40, 30), dir.filePath("out.jpg"),
                                    ExportFormat::Jpeg, meta);
    QVERIFY(!tags.empty());
    QCOMPARE(tag(tags, "Exif.Image.Make"), QString("Fujifilm"));
    QCOMPARE(tag(tags, "Exif.Image.Model"), QString("X-T5"));
    QCOMPARE(tag(tags, "Exif.Photo.LensModel"), QString("XF23mmF1.4 R LM WR"));
    QCOMPARE(tag(tags, "Exif.Photo.ExposureTime"), QString("1/250"));
    QCOMPARE(tag(tags, "Exif.Photo.FNumber"), QString("28/10"));
    QCOMPARE(tag(tags, "Exif.Photo.ISOSpeedRatings"), QString("3200"));
    QCOMPARE(tag(tags, "Exif.Photo.FocalLength"), QString("230/10"));
    QCOMPARE(tag(tags, "Exif.Photo.DateTimeOriginal"), QString("2024:07:14 23:59:30"));
    verifyExportMarkers(tags, 40, 30);
}

void tst_MetadataStore::readAllReportsMissingFile()
{
    QTemporaryDir dir;
    const std::string path = u8(dir.filePath("nothing-here.jpg"));
    const auto tags = MetadataStore::readAll(path);
    QVERIFY(!tags.ok());
    QCOMPARE(tags.error().code, ErrorCode::NotFound);
    QCOMPARE(tags.error().context, path);
}

QTEST_GUILESS_MAIN(tst_MetadataStore)
#include "tst_MetadataStore.moc"
