#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/io/ImageLoader.h"
#include "tests/support/CoreTestPrinters.h"
#include "tests/support/DngWriter.h"
#include "tests/support/ImageFixtures.h"

using namespace nocturne;
using core::ErrorCode;
using core::ImageLoader;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(nocturne::core::ErrorCode)

namespace {

std::string randomBytes(size_t count, unsigned seed)
{
    std::mt19937 rng(seed);
    std::string bytes(count, '\0');
    for (auto& b : bytes)
        b = static_cast<char>(rng() & 0xFF);
    return bytes;
}

testsupport::DngSpec smallDngSpec()
{
    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(96, 64, core::CfaPattern::RGGB, 512, 16383, 0.3, 3);
    return spec;
}

}  // namespace

class tst_ImageLoader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void badInputGivesClearErrors_data();
    void badInputGivesClearErrors();
    void opensGoodFiles_data();
    void opensGoodFiles();
    void contentWinsOverExtension();
    void supportedExtensions();
    void embeddedPreviewOnly_data();
    void embeddedPreviewOnly();

private:
    std::string path(const std::string& name) const
    {
        return m_dir.path().toStdString() + "/" + name;   // UTF-8 throughout on Linux
    }
    // Creates the fixture named by `kind` and returns its path.
    std::string makeFixture(const QString& kind, const std::string& name);

    QTemporaryDir m_dir;
};

void tst_ImageLoader::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

std::string tst_ImageLoader::makeFixture(const QString& kind, const std::string& name)
{
    const std::string file = path(name);
    if (kind == "empty") {
        testsupport::writeBytes(file, "");
    } else if (kind == "dng" || kind == "truncated dng") {
        testsupport::writeDng(file, smallDngSpec());
        if (kind == "truncated dng")
            testsupport::writeTruncatedCopy(file, file, fs::file_size(file) / 2);
    } else if (kind == "jpeg" || kind == "truncated jpeg") {
        cv::imwrite(file, testsupport::makeQuadrants(160, 120, CV_8U));
        if (kind == "truncated jpeg")
            testsupport::writeTruncatedCopy(file, file, fs::file_size(file) / 2);
    } else if (kind == "png") {
        cv::imwrite(file, testsupport::makeQuadrants(160, 120, CV_16U));
    } else if (kind == "random") {
        testsupport::writeBytes(file, randomBytes(64 * 1024, 42));
    } else if (kind == "text") {
        testsupport::writeBytes(file, "This is not a picture, just some notes.\n");
    } else if (kind == "folder") {
        fs::create_directories(fs::u8path(file));
    } else if (kind == "unreadable") {
        testsupport::writeDng(file, smallDngSpec());
        fs::permissions(fs::u8path(file), fs::perms::none);
    }
    return file;
}

void tst_ImageLoader::badInputGivesClearErrors_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<qint64>("maxPixels");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("mentions");   // a phrase the message must contain

    const qint64 noLimit = 0;
    QTest::newRow("missing file") << "none" << "nowhere.jpg" << noLimit << ErrorCode::NotFound
                                  << "does not exist";
    QTest::newRow("zero-byte file") << "empty" << "empty.jpg" << noLimit
                                    << ErrorCode::CorruptData << "is empty (0 bytes)";
    QTest::newRow("truncated DNG") << "truncated dng" << "cut.dng" << noLimit
                                   << ErrorCode::CorruptData << "truncated";
    QTest::newRow("truncated JPEG") << "truncated jpeg" << "cut.jpg" << noLimit
                                    << ErrorCode::CorruptData << "truncated";
    QTest::newRow("random bytes named .ARW") << "random" << "noise.ARW" << noLimit
                                             << ErrorCode::UnsupportedFormat << "supported";
    QTest::newRow("text named .jpg") << "text" << "notes.jpg" << noLimit
                                     << ErrorCode::UnsupportedFormat << "supported";
    QTest::newRow("random bytes without extension") << "random" << "blob" << noLimit
                                                    << ErrorCode::UnsupportedFormat
                                                    << "supported";
    QTest::newRow("a folder") << "folder" << "photos.jpg" << noLimit
                              << ErrorCode::InvalidArgument << "is a folder, not an image";
    QTest::newRow("unreadable file") << "unreadable" << "locked.dng" << noLimit
                                     << ErrorCode::PermissionDenied << "permission denied";
    QTest::newRow("DNG above pixel limit") << "dng" << "big.dng" << qint64(5000)
                                           << ErrorCode::TooLarge << "96 x 64";
    QTest::newRow("PNG above pixel limit") << "png" << "big.png" << qint64(5000)
                                           << ErrorCode::TooLarge << "160 x 120";
    QTest::newRow("non-ASCII name, truncated") << "truncated jpeg" << "été-夜-cut.jpg" << noLimit
                                               << ErrorCode::CorruptData << "truncated";
}

void tst_ImageLoader::badInputGivesClearErrors()
{
    QFETCH(QString, kind);
    QFETCH(QString, name);
    QFETCH(qint64, maxPixels);
    QFETCH(ErrorCode, code);
    QFETCH(QString, mentions);

    if (kind == "unreadable" && geteuid() == 0)
        QSKIP("running as root: chmod 000 does not stop root from reading");

    const std::string file = makeFixture(kind, name.toStdString());
    core::DecodeOptions options;
    options.maxPixels = maxPixels;
    const auto result = ImageLoader::load(file, options);
    if (kind == "unreadable")
        fs::permissions(fs::u8path(file), fs::perms::owner_all);   // let QTemporaryDir clean up

    QVERIFY2(!result.ok(), "bad input was accepted");
    const std::string text = result.error().describe();
    QVERIFY2(result.error().code == code,
             qPrintable(QString("got %1: %2")
                            .arg(core::toString(result.error().code), QString::fromStdString(text))));
    QVERIFY2(text.find(name.toStdString()) != std::string::npos, text.c_str());
    QVERIFY2(text.find(mentions.toStdString()) != std::string::npos, text.c_str());
}

void tst_ImageLoader::opensGoodFiles_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("format");
    QTest::newRow("DNG") << "dng" << "scene.dng" << "DNG";
    QTest::newRow("DNG, non-ASCII name") << "dng" << "nuit-étoilée-夜.dng" << "DNG";
    QTest::newRow("JPEG, non-ASCII name") << "jpeg" << "ночь.JPG" << "JPEG";
    QTest::newRow("PNG 16-bit") << "png" << "ramp.png" << "PNG";
}

void tst_ImageLoader::opensGoodFiles()
{
    QFETCH(QString, kind);
    QFETCH(QString, name);
    QFETCH(QString, format);
    const std::string file = makeFixture(kind, name.toStdString());
    const auto result = ImageLoader::load(file);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().describe().c_str());
    QCOMPARE(result->meta.format, format.toStdString());
    QCOMPARE(result->meta.sourcePath, file);
    QVERIFY(!result->rgb.empty());
    QCOMPARE(result->rgb.width(), result->meta.width);
    QCOMPARE(result->mosaic.has_value(), format == "DNG");
}

void tst_ImageLoader::contentWinsOverExtension()
{
    // A PNG saved with a .jpg name opens as the PNG it is.
    const std::string png = makeFixture("png", "really-a-png.png");
    const std::string misnamed = path("really-a-png.jpg");
    fs::rename(fs::u8path(png), fs::u8path(misnamed));
    const auto asPng = ImageLoader::load(misnamed);
    QVERIFY2(asPng.ok(), asPng.ok() ? "" : asPng.error().describe().c_str());
    QCOMPARE(asPng->meta.format, std::string("PNG"));
    QCOMPARE(asPng->meta.bitsPerSample, 16);

    // A DNG named .tif is still a RAW (TIFF magic, LibRaw recognises it).
    const std::string dng = makeFixture("dng", "raw-in-disguise.tif");
    const auto asRaw = ImageLoader::load(dng);
    QVERIFY2(asRaw.ok(), asRaw.ok() ? "" : asRaw.error().describe().c_str());
    QVERIFY(asRaw->mosaic.has_value());
    QCOMPARE(core::toString(asRaw->meta.sensor), core::toString(core::SensorKind::Bayer));
}

void tst_ImageLoader::supportedExtensions()
{
    const auto& all = ImageLoader::supportedExtensions();
    for (const char* ext : {"arw", "cr2", "cr3", "nef", "nrw", "dng", "raf", "orf", "rw2", "pef",
                            "srw", "kdc", "jpg", "jpeg", "png", "tif", "tiff", "webp", "bmp"})
        QVERIFY2(std::find(all.begin(), all.end(), ext) != all.end(), ext);
    QVERIFY(ImageLoader::hasSupportedExtension("/photos/DSC0001.ARW"));
    QVERIFY(ImageLoader::hasSupportedExtension("nuit-étoilée.jpeg"));
    QVERIFY(!ImageLoader::hasSupportedExtension("notes.txt"));
    QVERIFY(!ImageLoader::hasSupportedExtension("README"));
}

void tst_ImageLoader::embeddedPreviewOnly_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("found");
    QTest::newRow("DNG with a camera preview") << "preview" << true;
    QTest::newRow("DNG without one") << "bare" << false;
    QTest::newRow("PNG") << "png" << false;
    QTest::newRow("missing file") << "missing" << false;
}

void tst_ImageLoader::embeddedPreviewOnly()
{
    // Only the camera's JPEG, never a decode of the raw data: the editor's first glimpse.
    QFETCH(QString, kind);
    QFETCH(bool, found);
    const std::string file = path("glimpse-" + kind.toStdString() + (kind == "png" ? ".png" : ".dng"));
    if (kind == "preview" || kind == "bare") {
        testsupport::DngSpec spec;
        spec.mosaic = testsupport::makeSceneMosaic(320, 240, core::CfaPattern::RGGB, spec.blackLevel,
                                                   spec.whiteLevel, 0.02, 3);
        if (kind == "preview") {
            spec.preview = cv::Mat(120, 160, CV_8UC3, cv::Scalar(200, 30, 30));   // red, RGB order
            spec.preview(cv::Rect(80, 0, 80, 120)).setTo(cv::Scalar(30, 30, 200));
        }
        QCOMPARE(QString::fromStdString(testsupport::writeDng(file, spec)), QString());
    } else if (kind == "png") {
        QVERIFY(cv::imwrite(file, cv::Mat(40, 60, CV_8UC3, cv::Scalar(10, 10, 10))));
    }
    const auto preview = ImageLoader::loadEmbeddedPreview(file, 80);
    QCOMPARE(preview.ok(), found);
    if (!found) {
        QVERIFY(preview.error().describe().find(file) != std::string::npos);
        return;
    }
    QCOMPARE(preview->width(), 80);   // fitted into 80 px, aspect kept
    QCOMPARE(preview->height(), 60);
    const cv::Vec3f left = preview->mat().at<cv::Vec3f>(30, 10);
    const cv::Vec3f right = preview->mat().at<cv::Vec3f>(30, 70);
    QVERIFY2(left[0] > 5 * left[2] && right[2] > 5 * right[0], "left red, right blue, as written");
}

QTEST_GUILESS_MAIN(tst_ImageLoader)
#include "tst_ImageLoader.moc"
