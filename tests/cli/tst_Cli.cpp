// Runs the real nocturne-cli binary on fixtures made here: usage, batch semantics (names,
// formats, failures, exit codes), the overwrite policy, input safety and the m parameter.

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <csignal>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/Version.h"
#include "core/image/ImageBuffer.h"
#include "core/image/ImageMeta.h"
#include "core/io/ImageLoader.h"
#include "core/io/ImageWriter.h"
#include "core/pipeline/Pipeline.h"
#include "tests/cli/CliTestSupport.h"
#include "tests/support/DngWriter.h"

using namespace nocturne;
using namespace nocturne::clitest;

namespace {

// A dark synthetic RAW like a night shot: `exposure` of full well for scene value 1.
void makeDng(const QString& path, int width, int height, double exposure, unsigned seed)
{
    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(width, height, core::CfaPattern::RGGB,
                                               spec.blackLevel, spec.whiteLevel, exposure, seed);
    const std::string error = testsupport::writeDng(path.toStdString(), spec);
    QVERIFY2(error.empty(), error.c_str());
}

void makeJpeg(const QString& path)
{
    cv::Mat rgb(120, 160, CV_32FC3);
    for (int y = 0; y < rgb.rows; ++y)
        for (int x = 0; x < rgb.cols; ++x)
            rgb.at<cv::Vec3f>(y, x) = cv::Vec3f(0.02f + 0.1f * x / rgb.cols, 0.05f,
                                                0.02f + 0.1f * y / rgb.rows);
    core::ExportOptions options;
    options.copyMetadata = false;
    const auto written = core::ImageWriter::write(core::ImageBuffer(rgb, core::ColorEncoding::Display),
                                                  path.toStdString(), options, core::ImageMeta{});
    QVERIFY2(written.ok(), written.ok() ? "" : written.error().describe().c_str());
}

void writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

bool isJpeg(const QString& path)
{
    const QByteArray bytes = readBytes(path);
    return bytes.size() > 4 && bytes.startsWith("\xFF\xD8\xFF") && bytes.endsWith("\xFF\xD9");
}

double meanBrightness(const QString& path)
{
    const auto loaded = core::ImageLoader::load(path.toStdString());
    if (!loaded)
        return -1.0;
    const cv::Scalar mean = cv::mean(loaded->rgb.mat());
    return (mean[0] + mean[1] + mean[2]) / 3.0;
}

}  // namespace

class tst_Cli : public QObject {
    Q_OBJECT

private slots:
    void versionPrintsProjectVersion()
    {
        const CliRun run = runCli({"--version"});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.trimmed(), QStringLiteral("nocturne-cli ") + QString::fromLatin1(core::kVersion));
    }

    void helpExitsZero()
    {
        const CliRun run = runCli({"--help"});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("Usage: nocturne-cli"));
        QVERIFY(run.out.contains("--overwrite"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown option") << QStringList{"--frobnicate", "a.dng", "-o", "out"} << "--frobnicate";
        QTest::newRow("m not a number") << QStringList{"--m", "bright", "a.dng", "-o", "out"} << "--m";
        QTest::newRow("m out of range") << QStringList{"--m", "1.5", "a.dng", "-o", "out"} << "--m";
        QTest::newRow("gamma out of range") << QStringList{"--gamma", "9", "a.dng", "-o", "out"} << "--gamma";
        QTest::newRow("quality out of range") << QStringList{"--quality", "0", "a.dng", "-o", "out"} << "--quality";
        QTest::newRow("bad format") << QStringList{"--format", "bmp", "a.dng", "-o", "out"} << "--format";
        QTest::newRow("bad policy") << QStringList{"--overwrite", "maybe", "a.dng", "-o", "out"} << "--overwrite";
        QTest::newRow("16-bit jpeg") << QStringList{"--bits", "16", "a.dng", "-o", "out"} << "--bits";
        QTest::newRow("value missing") << QStringList{"a.dng", "-o"} << "-o";
        QTest::newRow("no inputs") << QStringList{"-o", "out"} << "no input";
        QTest::newRow("missing -o") << QStringList{"a.dng"} << "-o OUTDIR";
        QTest::newRow("unknown method") << QStringList{"--method", "magic", "a.dng", "-o", "out"} << "magic";
        QTest::newRow("noise reduction too strong") << QStringList{"--noise-reduction", "7", "a.dng", "-o", "out"}
                                                    << "--noise-reduction";
        QTest::newRow("bad white balance") << QStringList{"--white-balance", "daylight", "a.dng", "-o", "out"}
                                           << "--white-balance";
        QTest::newRow("temperature out of range") << QStringList{"--temperature", "150", "a.dng", "-o", "out"}
                                                  << "--temperature";
        QTest::newRow("tint not a number") << QStringList{"--tint", "green", "a.dng", "-o", "out"} << "--tint";
        QTest::newRow("bad exposure mode") << QStringList{"--exposure", "auto", "a.dng", "-o", "out"} << "--exposure";
        QTest::newRow("bad layout") << QStringList{"--layout", "nhwc", "a.dng", "-o", "out"} << "--layout";
        QTest::newRow("bad colour space") << QStringList{"--color-space", "adobe", "a.dng", "-o", "out"} << "--color-space";
        QTest::newRow("linear space in a jpeg") << QStringList{"--color-space", "linear-rec2020", "a.dng", "-o", "out"}
                                                << "16-bit TIFF";
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const CliRun run = runCli(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(expected), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
    }

    void listMethodsShowsClassicalMethods()
    {
        const CliRun run = runCli({"--list-methods"});
        QCOMPARE(run.exitCode, 0);
        const QStringList lines = run.out.split('\n', Qt::SkipEmptyParts);
        for (const char* id : {"none", "he", "dhe", "retinex"}) {
            const bool listed = std::any_of(lines.begin(), lines.end(), [id](const QString& line) {
                return line.section(' ', 0, 0, QString::SectionSkipEmpty) == QLatin1String(id);
            });
            QVERIFY2(listed, qPrintable(QStringLiteral("missing %1 in:\n%2").arg(id, run.out)));
        }
    }

    void experimentalNetworksAreListedOnlyOnRequest()
    {
        // The shipped manifests say which networks failed the real-photo ship rule.
        QDir models(QStringLiteral(NOCTURNE_SOURCE_DIR "/models"));
        QStringList experimental;
        for (const QString& name : models.entryList({"*.json"})) {
            QFile f(models.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject m = QJsonDocument::fromJson(f.readAll()).object();
            if (m.value("experimental").toBool())
                experimental << m.value("id").toString();
        }
        if (experimental.isEmpty())
            QSKIP("every shipped network passes the ship rule");
        const CliRun plain = runCli({"--list-methods"});
        const CliRun all = runCli({"--list-methods", "--experimental"});
        QCOMPARE(plain.exitCode, 0);
        QCOMPARE(all.exitCode, 0);
        for (const QString& id : experimental) {
            QVERIFY2(!plain.out.contains("\n" + id + " "), qPrintable(id + " offered without --experimental"));
            QVERIFY2(all.out.contains("\n" + id + " ") && all.out.contains("(experimental)"), qPrintable(all.out));
        }
        // And a method that is not offered cannot be run by accident.
        QTemporaryDir tmp;
        makeJpeg(tmp.filePath("a.jpg"));
        const CliRun run = runCli({"--method", experimental.first(), tmp.filePath("a.jpg"), "-o", tmp.filePath("out")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(experimental.first()), qPrintable(run.err));
    }

    void batchWritesGoodFilesAndReportsBadOnes()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString in = tmp.filePath("in");
        const QString out = tmp.filePath("out");   // does not exist yet: the CLI creates it
        QVERIFY(QDir().mkpath(in));
        makeDng(in + "/a.dng", 320, 240, 0.03, 1);
        makeDng(in + "/b.dng", 320, 240, 0.02, 2);
        makeJpeg(in + "/c.jpg");
        QByteArray garbage(64 * 1024, '\0');
        for (int i = 0; i < garbage.size(); ++i)
            garbage[i] = static_cast<char>((i * 2654435761u) >> 13);
        writeBytes(in + "/broken.ARW", garbage);
        const QStringList inputNames = entries(in);
        QMap<QString, QByteArray> before;
        for (const QString& name : inputNames)
            before[name] = sha256(in + "/" + name);

        const CliRun run = runCli({in, "-o", out, "--jobs", "2"});

        QCOMPARE(run.exitCode, 1);
        const QStringList expected{"a_nocturne.jpg", "b_nocturne.jpg", "c_nocturne.jpg"};
        QCOMPARE(entries(out), expected);   // nothing else: no temp files, nothing for broken
        for (const QString& name : expected)
            QVERIFY2(isJpeg(out + "/" + name), qPrintable(name));
        QVERIFY2(run.err.contains("broken.ARW: FAILED"), qPrintable(run.err));
        QVERIFY2(run.err.contains("3 written, 0 skipped, 1 failed"), qPrintable(run.err));
        QStringList printed = run.out.split('\n', Qt::SkipEmptyParts);
        printed.sort();
        QCOMPARE(printed.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(QFileInfo(printed[i]).fileName(), expected[i]);

        QCOMPARE(entries(in), inputNames);
        for (const QString& name : inputNames)
            QVERIFY2(sha256(in + "/" + name) == before[name], qPrintable(name + " changed"));
    }

    void overwritePolicy_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<bool>("existingReplaced");
        QTest::addColumn<bool>("renamedWritten");
        QTest::addColumn<QString>("message");
        QTest::newRow("skip keeps the existing output") << "skip" << false << false << "skipped";
        QTest::newRow("rename writes -1") << "rename" << false << true << "a_nocturne-1.jpg";
        QTest::newRow("overwrite replaces it") << "overwrite" << true << false << "a_nocturne.jpg";
    }

    void overwritePolicy()
    {
        QFETCH(QString, policy);
        QFETCH(bool, existingReplaced);
        QFETCH(bool, renamedWritten);
        QFETCH(QString, message);
        QTemporaryDir tmp;
        const QString out = tmp.filePath("out");
        QVERIFY(QDir().mkpath(out));
        makeDng(tmp.filePath("a.dng"), 256, 192, 0.03, 3);
        const QByteArray old("not the real output");
        writeBytes(out + "/a_nocturne.jpg", old);

        const CliRun run = runCli({tmp.filePath("a.dng"), "-o", out, "--overwrite", policy});

        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QCOMPARE(readBytes(out + "/a_nocturne.jpg") != old, existingReplaced);
        if (existingReplaced)
            QVERIFY(isJpeg(out + "/a_nocturne.jpg"));
        QCOMPARE(QFile::exists(out + "/a_nocturne-1.jpg"), renamedWritten);
        if (renamedWritten)
            QVERIFY(isJpeg(out + "/a_nocturne-1.jpg"));
        QCOMPARE(entries(out).size(), renamedWritten ? 2 : 1);
        QCOMPARE(run.out.trimmed().isEmpty(), policy == "skip");
    }

    void inputIsNeverOverwritten_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::newRow("skip") << "skip";
        QTest::newRow("rename") << "rename";
        QTest::newRow("overwrite") << "overwrite";
    }

    void inputIsNeverOverwritten()
    {
        QFETCH(QString, policy);
        QTemporaryDir tmp;
        const QString input = tmp.filePath("c.jpg");
        makeJpeg(input);
        const QByteArray hash = sha256(input);

        const CliRun run = runCli({input, "-o", tmp.path(), "--suffix", "", "--format", "jpeg",
                                   "--overwrite", policy});

        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("c.jpg: FAILED"), qPrintable(run.err));
        QVERIFY2(run.err.contains("overwrite the input"), qPrintable(run.err));
        QCOMPARE(sha256(input), hash);
        QCOMPARE(entries(tmp.path()), QStringList{"c.jpg"});
    }

    void png16WritesSixteenBitPng()
    {
        QTemporaryDir tmp;
        makeDng(tmp.filePath("a.dng"), 256, 192, 0.03, 4);
        const CliRun run = runCli({tmp.filePath("a.dng"), "-o", tmp.filePath("out"),
                                   "--format", "png", "--bits", "16", "--no-metadata"});
        QCOMPARE(run.exitCode, 0);
        const QByteArray png = readBytes(tmp.filePath("out/a_nocturne.png"));
        QVERIFY(png.size() > 33);
        QVERIFY(png.startsWith("\x89PNG\r\n\x1a\n"));
        QCOMPARE(png.mid(12, 4), QByteArray("IHDR"));
        QCOMPARE(static_cast<int>(static_cast<uchar>(png[24])), 16);   // bit depth
        QCOMPARE(static_cast<int>(static_cast<uchar>(png[25])), 2);    // colour type RGB
    }

    void dngFormatWritesLinearDngsForRawsOnly()
    {
        // A folder with a RAW and a JPEG: the RAW becomes a linear DNG at the same brightness as
        // the JPEG export of it; the JPEG is refused by name, before any processing.
        QTemporaryDir tmp;
        const QString in = tmp.filePath("in");
        QVERIFY(QDir().mkpath(in));
        makeDng(in + "/night.dng", 320, 240, 0.03, 6);
        makeJpeg(in + "/phone.jpg");
        const CliRun run = runCli({in, "-o", tmp.filePath("dng"), "--format", "dng"});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(entries(tmp.filePath("dng")), QStringList{"night_nocturne.dng"});
        QVERIFY2(run.err.contains("phone.jpg") && run.err.contains("DNG export is for RAW photos"), qPrintable(run.err));
        QVERIFY2(run.err.contains("1 written, 0 skipped, 1 failed"), qPrintable(run.err));

        const auto dng = core::ImageLoader::load(tmp.filePath("dng/night_nocturne.dng").toStdString());
        QVERIFY2(dng.ok(), dng ? "" : dng.error().describe().c_str());
        QCOMPARE(dng->meta.format, std::string("DNG"));
        QCOMPARE(dng->rgb.width(), 320);
        QCOMPARE(dng->rgb.height(), 240);
        // The DNG holds the linear result: encoded with the output gamma (2.2) it is the PNG
        // export's picture, to 8-bit precision.
        const CliRun jpeg = runCli({in + "/night.dng", "-o", tmp.filePath("jpg"), "--format", "png"});
        QCOMPARE(jpeg.exitCode, 0);
        const auto png = core::ImageLoader::load(tmp.filePath("jpg/night_nocturne.png").toStdString());
        QVERIFY(png.ok());
        // The loader undid the PNG's encoding with the sRGB curve: redo it to get the file's values.
        cv::Mat fromDng;
        cv::pow(cv::max(dng->rgb.mat(), 0.0), 1.0 / 2.2, fromDng);
        cv::Mat fromPng = png->rgb.mat().clone();
        fromPng.forEach<cv::Vec3f>([](cv::Vec3f& p, const int*) {
            for (int c = 0; c < 3; ++c)
                p[c] = p[c] <= 0.0031308f ? 12.92f * p[c] : 1.055f * std::pow(p[c], 1.0f / 2.4f) - 0.055f;
        });
        const double psnr = cv::PSNR(fromDng, fromPng, 1.0);
        QVERIFY2(psnr > 40.0, qPrintable(QStringLiteral("DNG vs PNG export: %1 dB").arg(psnr)));
    }

    void helpDocumentsTheDefaults()
    {
        const CliRun run = runCli({"--help"});
        QVERIFY(run.out.contains("Default: auto"));
        QVERIFY(run.out.contains(QStringLiteral("default %1").arg(core::kDefaultAmplifierTarget)));
        QVERIFY(run.out.contains("--noise-reduction"));
        QVERIFY(run.out.contains("--exposure"));
    }

    void defaultsGiveANaturalExposure()
    {
        // A dark capture with street-lamp highlights: the default result has a natural mid-tone
        // and leaves almost nothing blown out, where the paper's m = 0.5 is far brighter.
        QTemporaryDir tmp;
        makeDng(tmp.filePath("night.dng"), 400, 300, 0.02, 5);
        const auto display = [&](const QStringList& extra, const QString& name) {
            QStringList args{tmp.filePath("night.dng"), "-o", tmp.filePath(name), "--format", "png"};
            const CliRun run = runCli(args + extra);
            const cv::Mat bgr = cv::imread(tmp.filePath(name + "/night_nocturne.png").toStdString());
            return run.exitCode == 0 ? bgr : cv::Mat();
        };
        const cv::Mat def = display({}, "default");
        const cv::Mat paper = display({"--m", "0.5"}, "paper");
        QVERIFY(!def.empty() && !paper.empty());
        const double mean = cv::mean(def)[0] / 255.0;
        QVERIFY2(mean > 0.2 && mean < 0.6, qPrintable(QString::number(mean)));
        QVERIFY(cv::mean(paper)[0] > 1.2 * cv::mean(def)[0]);
        cv::Mat grey;
        cv::cvtColor(def, grey, cv::COLOR_BGR2GRAY);
        QVERIFY(cv::countNonZero(grey >= 255) < 0.02 * grey.total());
    }

    void noiseReductionSmoothsTheDefaultResult()
    {
        QTemporaryDir tmp;
        makeDng(tmp.filePath("night.dng"), 400, 300, 0.01, 9);
        const auto noise = [&](const QStringList& extra, const QString& name) {
            const CliRun run = runCli(QStringList{tmp.filePath("night.dng"), "-o", tmp.filePath(name), "--format", "png"} + extra);
            cv::Mat bgr = cv::imread(tmp.filePath(name + "/night_nocturne.png").toStdString());
            if (run.exitCode != 0 || bgr.empty())
                return -1.0;
            // Immerkaer's estimator: the noise, not the scene's edges and gradients.
            cv::Mat rgb;
            cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
            return core::NoiseReduction::estimateSigma(rgb);
        };
        const double off = noise({"--noise-reduction", "0"}, "off");
        const double on = noise({}, "on");
        QVERIFY(off > 0 && on > 0);
        QVERIFY2(on < 0.75 * off, qPrintable(QString("noise sigma %1 with, %2 without").arg(on).arg(off)));
    }

    void whiteBalanceCoolsALampLitPhoto()
    {
        // A dark photo under an orange lamp: auto white balance takes out half the cast (in
        // log), a cooler temperature more (ratios of display values, so through the gamma); the
        // brightness stays.
        QTemporaryDir tmp;
        cv::Mat bgr(120, 160, CV_8UC3);
        cv::RNG rng(3);
        for (int y = 0; y < bgr.rows; ++y)
            for (int x = 0; x < bgr.cols; ++x) {
                const double grey = rng.uniform(4.0, 30.0);
                bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(0.4 * grey), cv::saturate_cast<uchar>(grey),
                                                    cv::saturate_cast<uchar>(1.6 * grey));
            }
        QVERIFY(cv::imwrite(tmp.filePath("lamp.png").toStdString(), bgr));
        const auto render = [&](const QStringList& extra, const QString& name) {
            const CliRun run = runCli(QStringList{tmp.filePath("lamp.png"), "-o", tmp.filePath(name), "--format", "png"} + extra);
            return run.exitCode == 0 ? cv::imread(tmp.filePath(name + "/lamp_nocturne.png").toStdString()) : cv::Mat();
        };
        const cv::Mat asShot = render({}, "as-shot");
        const cv::Mat automatic = render({"--white-balance", "auto"}, "auto");
        const cv::Mat cooler = render({"--white-balance", "auto", "--temperature", "-50"}, "cooler");
        QVERIFY(!asShot.empty() && !automatic.empty() && !cooler.empty());
        const auto redOverBlue = [](const cv::Mat& m) {
            const cv::Scalar mean = cv::mean(m);   // B, G, R
            return mean[2] / mean[0];
        };
        const double before = redOverBlue(asShot);
        QVERIFY2(before > 2.0, qPrintable(QString::number(before)));
        const double balanced = redOverBlue(automatic);
        QVERIFY2(balanced < 0.8 * before && balanced > 1.0, qPrintable(QString("%1 -> %2").arg(before).arg(balanced)));
        QVERIFY2(redOverBlue(cooler) < 0.9 * balanced, qPrintable(QString::number(redOverBlue(cooler))));
        const auto brightness = [](const cv::Mat& m) {
            cv::Mat grey;
            cv::cvtColor(m, grey, cv::COLOR_BGR2GRAY);
            return cv::mean(grey)[0];
        };
        QVERIFY2(std::abs(brightness(automatic) / brightness(asShot) - 1.0) < 0.1,
                 qPrintable(QString("%1 -> %2").arg(brightness(asShot)).arg(brightness(automatic))));
    }

    void paramsFileReplaysTheSameResultAsTheOptions()
    {
        // A settings file with every processing field away from its default renders exactly
        // what the same options render; an option after it overrides that one field.
        QTemporaryDir tmp;
        makeDng(tmp.filePath("night.dng"), 320, 240, 0.02, 11);
        writeBytes(tmp.filePath("look.nocturne.json"), R"({"format": "nocturne-settings", "version": 2,
            "method": "dhe", "amplifier": {"m": 0.2, "mode": "mean", "bins": 64},
            "exposure": "input", "noise_reduction": 0.5, "gamma": 2.6,
            "white_balance": {"auto": true, "temperature": -20, "tint": 10}})");
        const auto png = [&](const QStringList& extra, const QString& name) {
            const CliRun run = runCli(QStringList{tmp.filePath("night.dng"), "-o", tmp.filePath(name), "--format", "png"} + extra);
            return run.exitCode == 0 ? cv::imread(tmp.filePath(name + "/night_nocturne.png").toStdString()) : cv::Mat();
        };
        const cv::Mat fromFile = png({"--params", tmp.filePath("look.nocturne.json")}, "file");
        const cv::Mat fromOptions = png({"--method", "dhe", "--m", "0.2", "--amplifier", "mean", "--exposure", "input",
                                         "--noise-reduction", "0.5", "--gamma", "2.6", "--white-balance", "auto",
                                         "--temperature", "-20", "--tint", "10"}, "options");
        const cv::Mat defaults = png({}, "defaults");
        QVERIFY(!fromFile.empty() && !fromOptions.empty() && !defaults.empty());
        QCOMPARE(cv::norm(fromFile, fromOptions, cv::NORM_INF), 0.0);
        QVERIFY(cv::norm(fromFile, defaults, cv::NORM_L1) > 0.0);
        // Written after, and before, --params: the option wins either way.
        const cv::Mat brighter = png({"--params", tmp.filePath("look.nocturne.json"), "--gamma", "3.5"}, "after");
        const cv::Mat brighterBefore = png({"--gamma", "3.5", "--params", tmp.filePath("look.nocturne.json")}, "before");
        QVERIFY(!brighter.empty());
        QVERIFY(cv::mean(brighter)[0] > cv::mean(fromFile)[0] + 5);
        QCOMPARE(cv::norm(brighter, brighterBefore, cv::NORM_INF), 0.0);
    }

    void badParamsFilesAreUsageErrorsNamingTheFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("a typo") << QByteArray(R"({"format": "nocturne-settings", "version": 1, "gama": 2})") << "\"gama\"";
        QTest::newRow("a newer version") << QByteArray(R"({"format": "nocturne-settings", "version": 7})") << "newer Nocturne";
        QTest::newRow("not settings") << QByteArray("\xff\xd8\xff\xe0 a JPEG") << "invalid JSON";
        QTest::newRow("an unknown method") << QByteArray(R"({"format": "nocturne-settings", "version": 1, "method": "magic"})")
                                          << "unknown method 'magic'";
    }

    void badParamsFilesAreUsageErrorsNamingTheFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        makeJpeg(tmp.filePath("dark.jpg"));
        writeBytes(tmp.filePath("bad.nocturne.json"), content);
        const CliRun run = runCli({tmp.filePath("dark.jpg"), "-o", tmp.filePath("out"), "--params", tmp.filePath("bad.nocturne.json")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("bad.nocturne.json") && run.err.contains(expected), qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(tmp.filePath("out/dark_nocturne.jpg")));
        const CliRun missing = runCli({tmp.filePath("dark.jpg"), "-o", tmp.filePath("out"), "--params", tmp.filePath("absent.json")});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains("absent.json"), qPrintable(missing.err));
    }

    void brighterWithLargerM()
    {
        QTemporaryDir tmp;
        makeDng(tmp.filePath("night.dng"), 400, 300, 0.02, 5);
        double previous = -1.0;
        for (const char* m : {"0.2", "0.5", "0.8"}) {
            const QString out = tmp.filePath(QStringLiteral("out-%1").arg(m));
            const CliRun run = runCli({tmp.filePath("night.dng"), "-o", out, "--m", m});
            QCOMPARE(run.exitCode, 0);
            const double mean = meanBrightness(out + "/night_nocturne.jpg");
            QVERIFY2(mean > previous, qPrintable(QStringLiteral("m=%1 mean %2 <= %3").arg(m).arg(mean).arg(previous)));
            previous = mean;
        }
    }

    void interruptStopsCleanly()
    {
        QTemporaryDir tmp;
        const QString in = tmp.filePath("in");
        const QString out = tmp.filePath("out");
        QVERIFY(QDir().mkpath(in));
        constexpr int kFiles = 8;
        for (int i = 0; i < kFiles; ++i)
            makeDng(QStringLiteral("%1/n%2.dng").arg(in).arg(i), 1200, 800, 0.02, 10 + i);

        QProcess process;
        process.start(QStringLiteral(NOCTURNE_CLI_PATH), {in, "-o", out, "--jobs", "1"});
        QVERIFY(process.waitForStarted());
        // Interrupt once the first file is written, while the rest are still pending.
        QByteArray err;
        while (!err.contains("[1/") && process.state() == QProcess::Running) {
            process.waitForReadyRead(100);
            err += process.readAllStandardError();
        }
        ::kill(static_cast<pid_t>(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(120000));
        err += process.readAllStandardError();

        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);
        const QStringList written = entries(out);
        QVERIFY2(!written.isEmpty() && written.size() < kFiles, qPrintable(written.join(',')));
        for (const QString& name : written) {
            QVERIFY2(name.endsWith("_nocturne.jpg"), qPrintable(name));   // no temp leftovers
            QVERIFY2(isJpeg(out + "/" + name), qPrintable(name));          // and nothing partial
        }
        QVERIFY2(err.contains("cancelled"), err.constData());
    }
};

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_Cli.moc"
