#include <QtTest>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <zlib.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/io/ColorProfile.h"
#include "core/io/ImageWriter.h"
#include "core/io/MetadataStore.h"

using namespace nocturne::core;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(nocturne::core::ExportFormat)
Q_DECLARE_METATYPE(nocturne::core::OutputSpace)

namespace {

constexpr int kWidth = 96;
constexpr int kHeight = 64;
// A pure-colour patch per primary, so a swapped channel order cannot go unnoticed.
const cv::Rect kRedPatch(4, 4, 16, 16);
const cv::Rect kGreenPatch(24, 4, 16, 16);
const cv::Rect kBluePatch(44, 4, 16, 16);

// Smooth ramps in every channel (so every code value is exercised) plus the three patches.
ImageBuffer makeTestImage()
{
    ImageBuffer image(kWidth, kHeight, ColorEncoding::Display);
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            const float fx = static_cast<float>(x) / (kWidth - 1);
            const float fy = static_cast<float>(y) / (kHeight - 1);
            image.mat().at<cv::Vec3f>(y, x) = cv::Vec3f(fx, fy, 0.5f * (fx + 1.0f - fy));
        }
    }
    image.mat()(kRedPatch).setTo(cv::Scalar(1, 0, 0));
    image.mat()(kGreenPatch).setTo(cv::Scalar(0, 1, 0));
    image.mat()(kBluePatch).setTo(cv::Scalar(0, 0, 1));
    return image;
}

// What a perfect writer stores: BGR, rounded to the nearest code value.
cv::Mat expectedBgr(const ImageBuffer& image, int depth)
{
    cv::Mat clamped;
    cv::min(image.mat(), 1.0, clamped);
    cv::max(clamped, 0.0, clamped);
    std::vector<cv::Mat> rgb;
    cv::split(clamped, rgb);
    cv::Mat bgr;
    cv::merge(std::vector<cv::Mat>{rgb[2], rgb[1], rgb[0]}, bgr);
    cv::Mat quantised;
    bgr.convertTo(quantised, depth, depth == CV_16U ? 65535.0 : 255.0);
    return quantised;
}

double psnr8(const cv::Mat& a, const cv::Mat& b)
{
    return cv::PSNR(a, b, 255.0);
}

std::string u8(const QString& s)
{
    return s.toStdString();   // QString::toStdString is UTF-8
}

QStringList folderEntries(const QString& folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System
                                  | QDir::NoDotAndDotDot);
}

std::string readBytes(const QString& path)
{
    std::ifstream in(fs::path(path.toStdU16String()), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

ExportOptions optionsFor(ExportFormat format, int bits, int quality = 92)
{
    ExportOptions options;
    options.format = format;
    options.bitsPerChannel = bits;
    options.jpegQuality = quality;
    return options;
}

}  // namespace

class tst_ImageWriter : public QObject {
    Q_OBJECT
private slots:
    void writesFormat_data();
    void writesFormat();
    void clampsOutOfRangeValues();
    void jpegQualityAffectsSize();
    void rejectsInvalidOptions_data();
    void rejectsInvalidOptions();
    void missingFolderIsNotFound();
    void readOnlyFolderIsPermissionDenied();
    void refusesToOverwriteSource_data();
    void refusesToOverwriteSource();
    void replacesExistingDestinationAtomically();
    void nonAsciiPathWorks();
    void formatNamesAndExtensions();
    void staleTempFilesOfDeadWritersAreRemoved();
    void linearWideGamutTiffCarriesItsProfile_data();
    void linearWideGamutTiffCarriesItsProfile();
    void linearSpacesAreFor16BitTiffOnly();
    void pngProfileFollowsThePngSpecification_data();
    void pngProfileFollowsThePngSpecification();
};

void tst_ImageWriter::writesFormat_data()
{
    QTest::addColumn<ExportFormat>("format");
    QTest::addColumn<int>("bits");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<bool>("copyMetadata");   // the colour profile comes either way

    QTest::newRow("jpeg q92 8-bit") << ExportFormat::Jpeg << 8 << "out.jpg" << true;
    QTest::newRow("png 8-bit") << ExportFormat::Png << 8 << "out.png" << true;
    QTest::newRow("png 16-bit") << ExportFormat::Png << 16 << "out.png" << true;
    QTest::newRow("tiff 8-bit") << ExportFormat::Tiff << 8 << "out.tif" << true;
    QTest::newRow("tiff 16-bit") << ExportFormat::Tiff << 16 << "out.tif" << true;
    QTest::newRow("jpeg, no metadata copy") << ExportFormat::Jpeg << 8 << "out.jpg" << false;
    QTest::newRow("png 16-bit, no metadata copy") << ExportFormat::Png << 16 << "out.png" << false;
    QTest::newRow("tiff 8-bit, no metadata copy") << ExportFormat::Tiff << 8 << "out.tif" << false;
}

void tst_ImageWriter::writesFormat()
{
    QFETCH(ExportFormat, format);
    QFETCH(int, bits);
    QFETCH(QString, fileName);
    QFETCH(bool, copyMetadata);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(fileName);
    const ImageBuffer image = makeTestImage();

    ExportOptions options = optionsFor(format, bits);
    options.copyMetadata = copyMetadata;
    const auto result = ImageWriter::write(image, u8(path), options, ImageMeta{});
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().describe().c_str());

    const cv::Mat read = cv::imread(u8(path), cv::IMREAD_UNCHANGED);
    QVERIFY(!read.empty());
    const int depth = bits == 16 ? CV_16U : CV_8U;
    QCOMPARE(read.depth(), depth);
    QCOMPARE(read.channels(), 3);
    QCOMPARE(read.cols, kWidth);
    QCOMPARE(read.rows, kHeight);

    // Channel order: OpenCV reads BGR, so a red patch must have its maximum in channel 2.
    const double full = bits == 16 ? 65535.0 : 255.0;
    const double tolerance = format == ExportFormat::Jpeg ? 0.08 * full : 1.0;
    const cv::Scalar red = cv::mean(read(kRedPatch));
    QVERIFY2(std::abs(red[2] - full) <= tolerance && red[0] <= tolerance && red[1] <= tolerance,
             qPrintable(QString("red patch reads back as B=%1 G=%2 R=%3")
                            .arg(red[0]).arg(red[1]).arg(red[2])));
    const cv::Scalar blue = cv::mean(read(kBluePatch));
    QVERIFY(std::abs(blue[0] - full) <= tolerance && blue[2] <= tolerance);

    const cv::Mat expected = expectedBgr(image, depth);
    if (format == ExportFormat::Jpeg) {
        // Below the patches: their saturated edges are where 4:2:0 chroma subsampling is meant
        // to lose detail, which says nothing about the writer.
        const cv::Rect smooth(0, 24, kWidth, kHeight - 24);
        const double quality = psnr8(read(smooth), expected(smooth));
        QVERIFY2(quality > 35.0, qPrintable(QString("JPEG PSNR %1 dB").arg(quality)));
    } else {
        cv::Mat diff;
        cv::absdiff(read, expected, diff);
        double maxDiff = 0;
        cv::minMaxLoc(diff.reshape(1), nullptr, &maxDiff);
        QVERIFY2(maxDiff <= 1.0, qPrintable(QString("max difference %1 LSB").arg(maxDiff)));
    }

    // Colour-managed: the sRGB profile is embedded and EXIF says sRGB.
    const auto icc = MetadataStore::iccProfile(u8(path));
    QVERIFY2(icc.ok(), icc.ok() ? "" : icc.error().describe().c_str());
    QVERIFY2(QString::fromStdString(ColorProfile::describe(*icc)).contains("sRGB"),
             qPrintable(QString("profile: '%1'").arg(QString::fromStdString(ColorProfile::describe(*icc)))));
    QCOMPARE(*icc, ColorProfile::srgb());
    const auto tags = MetadataStore::readAll(u8(path));
    QVERIFY(tags.ok());
    QCOMPARE(QString::fromStdString(tags->at("Exif.Photo.ColorSpace")), QStringLiteral("1"));   // 1 = sRGB

    // Only the finished file remains: the temporary was renamed, not copied.
    QCOMPARE(folderEntries(dir.path()), QStringList{fileName});
}

void tst_ImageWriter::clampsOutOfRangeValues()
{
    QTemporaryDir dir;
    ImageBuffer image(8, 8, ColorEncoding::Display);
    image.mat().setTo(cv::Scalar(1.7, -0.3, 0.5));
    image.mat().at<cv::Vec3f>(0, 0) = cv::Vec3f(std::nanf(""), 0.0f, 0.0f);
    const QString path = dir.filePath("clamped.png");

    QVERIFY(ImageWriter::write(image, u8(path), optionsFor(ExportFormat::Png, 16), {}).ok());
    const cv::Mat read = cv::imread(u8(path), cv::IMREAD_UNCHANGED);
    QCOMPARE(read.at<cv::Vec3w>(4, 4), cv::Vec3w(32768, 0, 65535));   // BGR
    QCOMPARE(read.at<cv::Vec3w>(0, 0)[2], ushort(0));                 // NaN written as black
}

void tst_ImageWriter::jpegQualityAffectsSize()
{
    QTemporaryDir dir;
    // Noise keeps the encoder from compressing everything away at both settings.
    ImageBuffer image(128, 128, ColorEncoding::Display);
    cv::RNG rng(7);
    rng.fill(image.mat(), cv::RNG::UNIFORM, 0.0, 1.0);

    const QString low = dir.filePath("q30.jpg");
    const QString high = dir.filePath("q95.jpg");
    QVERIFY(ImageWriter::write(image, u8(low), optionsFor(ExportFormat::Jpeg, 8, 30), {}).ok());
    QVERIFY(ImageWriter::write(image, u8(high), optionsFor(ExportFormat::Jpeg, 8, 95), {}).ok());
    QVERIFY2(QFileInfo(high).size() > QFileInfo(low).size() * 3 / 2,
             qPrintable(QString("q95 %1 bytes, q30 %2 bytes")
                            .arg(QFileInfo(high).size()).arg(QFileInfo(low).size())));
}

void tst_ImageWriter::rejectsInvalidOptions_data()
{
    QTest::addColumn<ExportFormat>("format");
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("quality");
    QTest::addColumn<bool>("linear");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("16-bit jpeg") << ExportFormat::Jpeg << 16 << 92 << false << "8 bits";
    QTest::newRow("jpeg quality 0") << ExportFormat::Jpeg << 8 << 0 << false << "quality";
    QTest::newRow("jpeg quality 101") << ExportFormat::Jpeg << 8 << 101 << false << "quality";
    QTest::newRow("12-bit png") << ExportFormat::Png << 12 << 92 << false << "8 or 16";
    QTest::newRow("linear image") << ExportFormat::Png << 8 << 92 << true << "gamma";
}

void tst_ImageWriter::rejectsInvalidOptions()
{
    QFETCH(ExportFormat, format);
    QFETCH(int, bits);
    QFETCH(int, quality);
    QFETCH(bool, linear);
    QFETCH(QString, messagePart);

    QTemporaryDir dir;
    ImageBuffer image = makeTestImage();
    if (linear)
        image.setEncoding(ColorEncoding::Linear);
    const QString path = dir.filePath("bad.out");
    const auto result = ImageWriter::write(image, u8(path), optionsFor(format, bits, quality), {});
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(QString::fromStdString(result.error().message).contains(messagePart),
             result.error().message.c_str());
    QCOMPARE(QString::fromStdString(result.error().context), path);
    QVERIFY(folderEntries(dir.path()).isEmpty());
}

void tst_ImageWriter::missingFolderIsNotFound()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("no/such/folder/out.png");
    const auto result =
        ImageWriter::write(makeTestImage(), u8(path), optionsFor(ExportFormat::Png, 8), {});
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::NotFound);
    QVERIFY(QString::fromStdString(result.error().message).contains("output folder does not exist"));
    QCOMPARE(QString::fromStdString(result.error().context), path);
}

void tst_ImageWriter::readOnlyFolderIsPermissionDenied()
{
    if (::geteuid() == 0)
        QSKIP("running as root: file permissions are not enforced");
    QTemporaryDir dir;
    const QString folder = dir.filePath("locked");
    QVERIFY(QDir().mkdir(folder));
    QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
    const QString path = folder + "/out.jpg";

    const auto result =
        ImageWriter::write(makeTestImage(), u8(path), optionsFor(ExportFormat::Jpeg, 8), {});
    QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::PermissionDenied);
    QCOMPARE(QString::fromStdString(result.error().context), path);
    QVERIFY(folderEntries(folder).isEmpty());
}

void tst_ImageWriter::refusesToOverwriteSource_data()
{
    QTest::addColumn<QString>("sourceName");       // relative to the temp dir
    QTest::addColumn<QString>("destinationName");
    QTest::addColumn<bool>("sourceExists");

    QTest::newRow("same path") << "photo.png" << "photo.png" << true;
    QTest::newRow("dotted spelling") << "photo.png" << "./sub/../photo.png" << true;
    QTest::newRow("symlink to source") << "photo.png" << "link.png" << true;
    QTest::newRow("source not on disk") << "gone.png" << "sub/../gone.png" << false;
}

void tst_ImageWriter::refusesToOverwriteSource()
{
    QFETCH(QString, sourceName);
    QFETCH(QString, destinationName);
    QFETCH(bool, sourceExists);

    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkdir("sub"));
    const QString source = dir.filePath(sourceName);
    if (sourceExists) {
        QVERIFY(cv::imwrite(u8(source), cv::Mat(8, 8, CV_8UC3, cv::Scalar(10, 20, 30))));
        if (destinationName == "link.png")
            QVERIFY(QFile::link(source, dir.filePath("link.png")));
    }
    const std::string bytesBefore = sourceExists ? readBytes(source) : std::string();
    const auto timeBefore = sourceExists ? fs::last_write_time(u8(source)) : fs::file_time_type();

    ImageMeta meta;
    meta.sourcePath = u8(source);
    const QString destination = dir.path() + "/" + destinationName;
    const auto result =
        ImageWriter::write(makeTestImage(), u8(destination), optionsFor(ExportFormat::Png, 8), meta);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
    QVERIFY(QString::fromStdString(result.error().message).contains("refusing to overwrite the original"));
    if (sourceExists) {
        QCOMPARE(readBytes(source), bytesBefore);
        QVERIFY(fs::last_write_time(u8(source)) == timeBefore);
    } else {
        QVERIFY(!QFileInfo::exists(source));
    }
}

void tst_ImageWriter::replacesExistingDestinationAtomically()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("existing.tif");
    {
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write(QByteArray(100000, 'x'));   // bigger than the new file: truncation would show
    }
    struct stat before {};
    QCOMPARE(::stat(u8(path).c_str(), &before), 0);

    QVERIFY(ImageWriter::write(makeTestImage(), u8(path), optionsFor(ExportFormat::Tiff, 8), {}).ok());

    struct stat after {};
    QCOMPARE(::stat(u8(path).c_str(), &after), 0);
    // A new inode proves the file was renamed into place, not rewritten in place.
    QVERIFY(before.st_ino != after.st_ino);
    QVERIFY(!readBytes(path).starts_with("xxxx"));
    const cv::Mat read = cv::imread(u8(path), cv::IMREAD_UNCHANGED);
    QCOMPARE(read.cols, kWidth);
    QCOMPARE(read.rows, kHeight);
    QCOMPARE(folderEntries(dir.path()), QStringList{"existing.tif"});
}

void tst_ImageWriter::nonAsciiPathWorks()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QString::fromUtf8("Nächte ночь 夜"));
    QVERIFY(QDir().mkdir(folder));
    const QString path = folder + QString::fromUtf8("/étoile 星.jpg");

    ImageMeta meta;
    meta.sourcePath = u8(folder + QString::fromUtf8("/источник.dng"));   // absent: no metadata
    const auto result =
        ImageWriter::write(makeTestImage(), u8(path), optionsFor(ExportFormat::Jpeg, 8), meta);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().describe().c_str());
    QVERIFY(QFileInfo::exists(path));
    const cv::Mat read = cv::imread(u8(path), cv::IMREAD_UNCHANGED);
    QCOMPARE(read.cols, kWidth);
    QCOMPARE(folderEntries(folder), QStringList{QString::fromUtf8("étoile 星.jpg")});
}

void tst_ImageWriter::formatNamesAndExtensions()
{
    QCOMPARE(extensionFor(ExportFormat::Jpeg), std::string("jpg"));
    QCOMPARE(extensionFor(ExportFormat::Png), std::string("png"));
    QCOMPARE(extensionFor(ExportFormat::Tiff), std::string("tif"));
    QCOMPARE(toString(ExportFormat::Tiff), std::string("TIFF"));
    QCOMPARE(extensionFor(ExportFormat::Dng), std::string("dng"));
    ExportOptions dng;
    dng.format = ExportFormat::Dng;
    ExportOptions wide;
    wide.format = ExportFormat::Tiff;
    wide.space = OutputSpace::LinearRec2020;
    QVERIFY(takesLinearImage(dng) && takesLinearImage(wide) && !takesLinearImage(ExportOptions{}));
}

void tst_ImageWriter::staleTempFilesOfDeadWritersAreRemoved()
{
    // A pid that surely no longer runs: a child that has exited and been reaped.
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    QVERIFY(child > 0);
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);

    QTemporaryDir dir;
    const QString dead = dir.filePath(QStringLiteral(".out.jpg.nocturne-tmp-%1-0123abcd").arg(child));
    const QString live = dir.filePath(QStringLiteral(".out.jpg.nocturne-tmp-%1-4567cdef").arg(::getpid()));
    const QString other = dir.filePath(QStringLiteral(".other.jpg.nocturne-tmp-%1-89abcdef").arg(child));
    for (const QString& p : {dead, live, other}) {
        QFile f(p);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("half an image");
    }
    QVERIFY(ImageWriter::write(makeTestImage(), u8(dir.filePath("out.jpg")), optionsFor(ExportFormat::Jpeg, 8), {}).ok());
    QVERIFY2(!QFile::exists(dead), "a dead writer's temporary file was kept");
    QVERIFY2(QFile::exists(live), "a running writer's temporary file was removed");
    QVERIFY2(QFile::exists(other), "another name's temporary file was touched");
    QVERIFY(QFile::exists(dir.filePath("out.jpg")));
}

void tst_ImageWriter::linearWideGamutTiffCarriesItsProfile_data()
{
    QTest::addColumn<OutputSpace>("space");
    QTest::addColumn<QString>("description");
    QTest::addColumn<bool>("copyMetadata");
    QTest::newRow("linear Rec.2020") << OutputSpace::LinearRec2020 << "Rec.2020" << true;
    QTest::newRow("linear ProPhoto, no metadata copy") << OutputSpace::LinearProPhoto << "ProPhoto" << false;
}

void tst_ImageWriter::linearWideGamutTiffCarriesItsProfile()
{
    QFETCH(OutputSpace, space);
    QFETCH(QString, description);
    QFETCH(bool, copyMetadata);
    // Linear sRGB with saturated primaries: the wider spaces hold them without clipping.
    ImageBuffer linear = makeTestImage();
    linear.setEncoding(ColorEncoding::Linear);
    QTemporaryDir dir;
    const std::string path = u8(dir.filePath("wide.tif"));
    ExportOptions options = optionsFor(ExportFormat::Tiff, 16);
    options.space = space;
    options.copyMetadata = copyMetadata;
    const auto written = ImageWriter::write(linear, path, options, {});
    QVERIFY2(written.ok(), written ? "" : written.error().describe().c_str());

    const auto icc = MetadataStore::iccProfile(path);
    QVERIFY(icc.ok() && !icc->empty());
    QVERIFY2(QString::fromStdString(ColorProfile::describe(*icc)).contains(description),
             ColorProfile::describe(*icc).c_str());
    const auto tags = MetadataStore::readAll(path);
    QVERIFY(tags.ok());
    const QString colorSpace = QString::fromStdString(tags->at("Exif.Photo.ColorSpace"));
    QVERIFY2(colorSpace == QLatin1String("65535") || colorSpace == QLatin1String("Uncalibrated"), qPrintable(colorSpace));

    // Read back through the embedded profile, the file is the linear sRGB image it was given.
    cv::Mat bgr16 = cv::imread(path, cv::IMREAD_UNCHANGED);
    QCOMPARE(bgr16.depth(), CV_16U);
    cv::Mat rgb;
    cv::cvtColor(bgr16, rgb, cv::COLOR_BGR2RGB);
    rgb.convertTo(rgb, CV_32FC3, 1.0 / 65535.0);
    const cv::Mat back = ColorProfile::toLinearSrgb(rgb, *icc);
    QVERIFY(!back.empty());
    double worst = 0.0;
    const cv::Mat diff = cv::abs(back - linear.mat());
    cv::minMaxLoc(diff.reshape(1), nullptr, &worst);
    QVERIFY2(worst < 2e-3, qPrintable(QStringLiteral("largest error %1").arg(worst)));
    // And it is not simply sRGB numbers: the red patch is less than fully red in a wider gamut.
    QVERIFY(rgb.at<cv::Vec3f>(kRedPatch.y + 4, kRedPatch.x + 4)[0] < 0.9f);
}

void tst_ImageWriter::linearSpacesAreFor16BitTiffOnly()
{
    ImageBuffer linear = makeTestImage();
    linear.setEncoding(ColorEncoding::Linear);
    QTemporaryDir dir;
    ExportOptions options = optionsFor(ExportFormat::Png, 16);
    options.space = OutputSpace::LinearRec2020;
    const auto written = ImageWriter::write(linear, u8(dir.filePath("wide.png")), options, {});
    QVERIFY(!written.ok());
    QCOMPARE(written.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(written.error().message.find("16-bit TIFF") != std::string::npos, written.error().message.c_str());
    QVERIFY(folderEntries(dir.path()).isEmpty());
}

void tst_ImageWriter::pngProfileFollowsThePngSpecification_data()
{
    QTest::addColumn<bool>("copyMetadata");
    QTest::newRow("metadata copied") << true;
    QTest::newRow("metadata off") << false;
}

void tst_ImageWriter::pngProfileFollowsThePngSpecification()
{
    // libpng (and what is built on it) drops an iCCP chunk whose profile name is empty, as
    // Exiv2 0.27 writes it ("iCCP: bad keyword"): the chunk must carry a 1-79 character name,
    // a valid CRC, and the zlib-compressed profile.
    QFETCH(bool, copyMetadata);
    QTemporaryDir dir;
    const QString path = dir.filePath("managed.png");
    ExportOptions options = optionsFor(ExportFormat::Png, 8);
    options.copyMetadata = copyMetadata;
    QVERIFY(ImageWriter::write(makeTestImage(), u8(path), options, {}).ok());

    const std::string bytes = readBytes(path);
    const auto u32 = [&](size_t at) {
        return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16)
            | (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint8_t(bytes[at + 3]);
    };
    size_t pos = 8;
    int iccChunks = 0;
    while (pos + 12 <= bytes.size()) {
        const uint32_t length = u32(pos);
        const std::string type = bytes.substr(pos + 4, 4);
        QVERIFY(pos + 12 + length <= bytes.size());
        const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data() + pos + 4), length + 4);
        QCOMPARE(uint32_t(crc), u32(pos + 8 + length));
        if (type == "iCCP") {
            ++iccChunks;
            const std::string data = bytes.substr(pos + 8, length);
            const size_t nul = data.find('\0');
            QVERIFY(nul != std::string::npos);
            QVERIFY2(nul >= 1 && nul <= 79, qPrintable(QString("profile name of %1 bytes").arg(nul)));
            QCOMPARE(int(data[nul + 1]), 0);   // compression method: zlib
            std::vector<unsigned char> profile(1 << 20);
            uLongf size = profile.size();
            QCOMPARE(uncompress(profile.data(), &size, reinterpret_cast<const Bytef*>(data.data() + nul + 2),
                                data.size() - nul - 2),
                     Z_OK);
            profile.resize(size);
            QCOMPARE(profile, ColorProfile::srgb());
            // A fixed creation date, not the time of the export: the same photo with the same
            // settings gives the same bytes in every run (saved settings replay byte for byte).
            const std::vector<int> date{(profile[24] << 8) | profile[25], (profile[26] << 8) | profile[27],
                                        (profile[28] << 8) | profile[29]};
            QCOMPARE(date, (std::vector<int>{2026, 11, 30}));
        }
        pos += 12 + length;
    }
    QCOMPARE(iccChunks, 1);
}

QTEST_GUILESS_MAIN(tst_ImageWriter)
#include "tst_ImageWriter.moc"
