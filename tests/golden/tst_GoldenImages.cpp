// Golden images: each case in tests/golden/images/NNNN-name/ runs the real nocturne-cli on a
// bundled sample with the case's saved settings (params.json, read by --params) and compares the
// result with the committed expected images, within a PSNR and colour-difference threshold
// rather than bit-exactly (other CPUs round differently). Two views, as a photographer checks:
// the whole frame at 256 px and a 128 px crop at 100 %.
//
// Regenerate on purpose, after a change meant to alter the pictures (then look at them):
//   NOCTURNE_GOLDEN_UPDATE=1 build/tests/golden/tst_GoldenImages
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/metrics/ReferenceMetrics.h"

namespace {

constexpr int kFrameSide = 256;
constexpr int kCropSide = 128;

struct Views {
    cv::Mat frame;   // CV_8UC3 BGR, long side kFrameSide
    cv::Mat crop;    // CV_8UC3 BGR, kCropSide^2 from the centre at 100 %
};

Views viewsOf(const cv::Mat& bgr)
{
    Views v;
    const double scale = static_cast<double>(kFrameSide) / std::max(bgr.cols, bgr.rows);
    cv::resize(bgr, v.frame, cv::Size(), scale, scale, cv::INTER_AREA);
    const cv::Rect centre((bgr.cols - kCropSide) / 2, (bgr.rows - kCropSide) / 2, kCropSide, kCropSide);
    v.crop = bgr(centre).clone();
    return v;
}

cv::Mat toFloat(const cv::Mat& bgr8)
{
    cv::Mat f;
    bgr8.convertTo(f, CV_32FC3, 1.0 / 255.0);
    return f;
}

// Mean CIE76 colour difference (OpenCV's L*a*b*, D65).
double meanDeltaE(const cv::Mat& a8, const cv::Mat& b8)
{
    cv::Mat la, lb;
    cv::cvtColor(toFloat(a8), la, cv::COLOR_BGR2Lab);
    cv::cvtColor(toFloat(b8), lb, cv::COLOR_BGR2Lab);
    cv::Mat diff = la - lb;
    cv::Mat sq;
    cv::multiply(diff, diff, sq);
    std::vector<cv::Mat> ch;
    cv::split(sq, ch);
    cv::Mat de;
    cv::sqrt(ch[0] + ch[1] + ch[2], de);
    return cv::mean(de)[0];
}

}  // namespace

class tst_GoldenImages : public QObject {
    Q_OBJECT
private slots:
    void matchesTheExpectedImages_data();
    void matchesTheExpectedImages();
};

void tst_GoldenImages::matchesTheExpectedImages_data()
{
    QTest::addColumn<QString>("caseDir");
    const QDir root(QStringLiteral(NOCTURNE_GOLDEN_IMAGES));
    const QStringList cases = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY2(cases.size() >= 8, "the golden cases are missing");
    for (const QString& c : cases)
        QTest::newRow(qPrintable(c)) << root.filePath(c);
}

void tst_GoldenImages::matchesTheExpectedImages()
{
    QFETCH(QString, caseDir);
    const QDir dir(caseDir);
    QFile caseFile(dir.filePath(QStringLiteral("case.json")));
    QVERIFY2(caseFile.open(QIODevice::ReadOnly), qPrintable(caseFile.fileName()));
    const QJsonObject spec = QJsonDocument::fromJson(caseFile.readAll()).object();
    const QString input = QStringLiteral(NOCTURNE_SAMPLES_DIR "/") + spec.value(QStringLiteral("input")).toString();
    QVERIFY2(QFile::exists(input), qPrintable(input));

    QTemporaryDir out;
    QStringList args{input, QStringLiteral("-o"), out.path(), QStringLiteral("--format"), QStringLiteral("png"),
                     QStringLiteral("--params"), dir.filePath(QStringLiteral("params.json")), QStringLiteral("-q")};
    for (const QJsonValue& extra : spec.value(QStringLiteral("args")).toArray())
        args << extra.toString();
    QProcess cli;
    cli.start(QStringLiteral(NOCTURNE_CLI_PATH), args);
    QVERIFY(cli.waitForFinished(300000));
    QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0,
             qPrintable(QString::fromUtf8(cli.readAllStandardError())));
    const QString written = QString::fromUtf8(cli.readAllStandardOutput()).trimmed();
    const cv::Mat result = cv::imread(written.toStdString(), cv::IMREAD_COLOR);
    QVERIFY2(!result.empty(), qPrintable(written));
    const Views actual = viewsOf(result);

    const QString framePath = dir.filePath(QStringLiteral("expected-frame.png"));
    const QString cropPath = dir.filePath(QStringLiteral("expected-crop.png"));
    if (qEnvironmentVariableIntValue("NOCTURNE_GOLDEN_UPDATE") == 1) {
        QVERIFY(cv::imwrite(framePath.toStdString(), actual.frame));
        QVERIFY(cv::imwrite(cropPath.toStdString(), actual.crop));
        QSKIP("expected images rewritten: look at them before committing");
    }

    const double minPsnr = spec.value(QStringLiteral("min_psnr")).toDouble(40.0);
    const double maxDeltaE = spec.value(QStringLiteral("max_delta_e")).toDouble(1.0);
    const struct {
        const char* name;
        const cv::Mat& got;
        QString expectedPath;
    } views[] = {{"frame", actual.frame, framePath}, {"crop", actual.crop, cropPath}};
    for (const auto& v : views) {
        const cv::Mat expected = cv::imread(v.expectedPath.toStdString(), cv::IMREAD_COLOR);
        QVERIFY2(!expected.empty(), qPrintable(v.expectedPath + " is missing: see the command at the top of this test"));
        QCOMPARE(v.got.size(), expected.size());
        const double psnr = *nocturne::core::ReferenceMetrics::psnr(toFloat(v.got), toFloat(expected));
        const double deltaE = meanDeltaE(v.got, expected);
        if (psnr < minPsnr || deltaE > maxDeltaE) {
            const QString kept = QDir::temp().filePath(QStringLiteral("nocturne-golden-%1-%2.png")
                                                           .arg(dir.dirName(), QLatin1String(v.name)));
            cv::imwrite(kept.toStdString(), v.got);
            QFAIL(qPrintable(QStringLiteral("%1 %2: PSNR %3 dB (min %4), mean dE %5 (max %6); the result is in %7")
                                 .arg(dir.dirName(), QLatin1String(v.name))
                                 .arg(psnr, 0, 'f', 2).arg(minPsnr)
                                 .arg(deltaE, 0, 'f', 3).arg(maxDeltaE)
                                 .arg(kept)));
        }
    }
}

QTEST_GUILESS_MAIN(tst_GoldenImages)
#include "tst_GoldenImages.moc"
