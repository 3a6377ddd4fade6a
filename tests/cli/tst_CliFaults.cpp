// Fault injection on the real nocturne-cli: killed mid-export, a full disk, a read-only output
// folder, a corrupt model file and a 1,000-file batch with 5 % bad inputs. In every case
// nothing a user had is modified and no partial file appears under a final name.
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>

#include "core/io/ImageLoader.h"
#include "tests/cli/CliTestSupport.h"
#include "tests/support/DngWriter.h"
#include "tests/support/ImageFixtures.h"

using namespace nocturne;
using namespace nocturne::clitest;

namespace {

bool makeDng(const QString& path, int width, int height, unsigned seed)
{
    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(width, height, core::CfaPattern::RGGB, spec.blackLevel,
                                               spec.whiteLevel, 0.03, seed);
    return testsupport::writeDng(path.toStdString(), spec).empty();
}

bool makePng(const QString& path, int width, int height)
{
    return cv::imwrite(path.toStdString(), testsupport::makeQuadrants(width, height, CV_8U, 0.2));
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A tmpfs of `megabytes` over `dir` (root only; false where mounting is not allowed).
bool mountTmpfs(const QString& dir, int megabytes, bool readOnly)
{
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    return ::mount("tmpfs", dir.toLocal8Bit().constData(), "tmpfs", readOnly ? MS_RDONLY : 0, options.c_str()) == 0;
}

}  // namespace

class tst_CliFaults : public QObject {
    Q_OBJECT
private slots:
    // First: getrusage(RUSAGE_CHILDREN) reports the largest child waited for so far.
    void thousandFilesWithFivePercentCorrupt();
    void killedDuringExportLeavesNoPartialFile();
    void fullDiskFailsCleanlyAndTheBatchGoesOn();
    void readOnlyOutputFolderIsReportedPerFile();
    void corruptModelIsRefusedAndOtherMethodsWork();
};

void tst_CliFaults::killedDuringExportLeavesNoPartialFile()
{
    QTemporaryDir tmp;
    const QString input = tmp.filePath("night.dng");
    QVERIFY(makeDng(input, 4000, 3000, 11));
    const QByteArray before = sha256(input);
    const QString out = tmp.filePath("out");
    QVERIFY(QDir().mkpath(out));

    // A linear DNG is written straight into its temporary file (~0.3 s for 12 MP), so the
    // kill lands while a half-written file exists.
    QProcess cli;
    cli.start(QStringLiteral(NOCTURNE_CLI_PATH), {input, "-o", out, "--format", "dng", "--noise-reduction", "0"});
    QVERIFY(cli.waitForStarted());
    QString temp;
    QElapsedTimer clock;
    clock.start();
    while (temp.isEmpty() && cli.state() == QProcess::Running && clock.elapsed() < 120000) {
        for (const QString& name : entries(out))
            if (name.contains(QLatin1String(".nocturne-tmp-")))
                temp = name;
        if (temp.isEmpty())
            QThread::usleep(500);
    }
    if (temp.isEmpty())
        QFAIL("the export finished before its temporary file was seen; nothing was killed");
    cli.kill();   // SIGKILL: no handler, no cleanup
    QVERIFY(cli.waitForFinished());

    const QStringList left = entries(out);
    QVERIFY2(!left.contains("night_nocturne.dng"), "a partial file appeared under the final name");
    QCOMPARE(left.size(), 1);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\.night_nocturne\\.dng\\.nocturne-tmp-\\d+-[0-9a-f]{8}$"))
                 .match(left.first()).hasMatch(),
             qPrintable(left.first()));
    QCOMPARE(sha256(input), before);

    // The next run writes the real file and removes the dead run's leftover.
    const CliRun again = runCli({input, "-o", out, "--format", "dng", "--noise-reduction", "0"});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(entries(out), QStringList{"night_nocturne.dng"});
    const auto reopened = core::ImageLoader::load(QDir(out).filePath("night_nocturne.dng").toStdString());
    QVERIFY2(reopened.ok(), reopened ? "" : reopened.error().describe().c_str());
    QCOMPARE(reopened->rgb.width(), 4000);
    QCOMPARE(sha256(input), before);
}

void tst_CliFaults::fullDiskFailsCleanlyAndTheBatchGoesOn()
{
    if (::geteuid() != 0)
        QSKIP("needs root to mount a small tmpfs");
    QTemporaryDir tmp;
    const QString in = tmp.filePath("in");
    const QString out = tmp.filePath("out");
    QVERIFY(QDir().mkpath(in) && QDir().mkpath(out));
    // a.dng's 16-bit PNG (~9 MB) cannot fit in 4 MB; b and c (~0.1 MB) can.
    QVERIFY(makeDng(in + "/a.dng", 1600, 1200, 1));
    QVERIFY(makeDng(in + "/b.dng", 200, 150, 2));
    QVERIFY(makePng(in + "/c.png", 200, 150));
    if (!mountTmpfs(out, 4, false))
        QSKIP("mounting a tmpfs is not allowed here (no CAP_SYS_ADMIN)");
    auto unmount = qScopeGuard([&] { ::umount(out.toLocal8Bit().constData()); });

    const CliRun run = runCli({in, "-o", out, "--format", "png", "--bits", "16", "--jobs", "1"});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("a.dng") && run.err.contains("disk is full"), qPrintable(run.err));
    QVERIFY2(run.err.contains("2 written, 0 skipped, 1 failed"), qPrintable(run.err));
    QCOMPARE(entries(out), (QStringList{"b_nocturne.png", "c_nocturne.png"}));   // no partial a, no temp
}

void tst_CliFaults::readOnlyOutputFolderIsReportedPerFile()
{
    QTemporaryDir tmp;
    const QString in = tmp.filePath("in");
    const QString out = tmp.filePath("out");
    QVERIFY(QDir().mkpath(in) && QDir().mkpath(out));
    QVERIFY(makePng(in + "/a.png", 64, 48));
    QVERIFY(makePng(in + "/b.png", 64, 48));
    std::function<void()> restore;
    if (::geteuid() == 0) {
        // Root ignores permission bits: only a read-only file system stops it.
        if (!mountTmpfs(out, 1, true))
            QSKIP("mounting a tmpfs is not allowed here (no CAP_SYS_ADMIN)");
        restore = [out] { ::umount(out.toLocal8Bit().constData()); };
    } else {
        QVERIFY(QFile::setPermissions(out, QFile::ReadOwner | QFile::ExeOwner));
        restore = [out] { QFile::setPermissions(out, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner); };
    }
    auto undo = qScopeGuard(restore);

    const CliRun run = runCli({in, "-o", out, "--jobs", "1"});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("a.png") && run.err.contains("b.png"), qPrintable(run.err));
    QVERIFY2(run.err.contains("read-only") || run.err.contains("not writable"), qPrintable(run.err));
    QVERIFY(entries(out).isEmpty());
}

void tst_CliFaults::corruptModelIsRefusedAndOtherMethodsWork()
{
    QTemporaryDir tmp;
    const QString models = tmp.filePath("models");
    QVERIFY(QDir().mkpath(models));
    const QString source = QStringLiteral(NOCTURNE_SOURCE_DIR "/models/");
    QVERIFY(QFile::copy(source + "lamba-mitra.json", models + "/lamba-mitra.json"));
    QVERIFY(QFile::copy(source + "lamba-mitra.pt", models + "/lamba-mitra.pt"));
    QFile pt(models + "/lamba-mitra.pt");
    QVERIFY(pt.open(QIODevice::ReadWrite));
    QByteArray bytes = pt.readAll();
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);   // one flipped bit
    QVERIFY(pt.seek(0) && pt.write(bytes) == bytes.size());
    pt.close();

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("NOCTURNE_MODEL_PATH", models);
    const CliRun list = runCli({"--list-methods", "-v", "--experimental"}, 120000, env);
    const QString text = list.out + list.err;
    QCOMPARE(list.exitCode, 0);
    QVERIFY2(text.contains("checksum mismatch") && text.contains("lamba-mitra.pt"), qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("\\bhe\\b"))), qPrintable(text));

    QVERIFY(makePng(tmp.filePath("a.png"), 64, 48));
    const CliRun run = runCli({tmp.filePath("a.png"), "-o", tmp.filePath("out"), "--method", "he"}, 120000, env);
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QFile::exists(tmp.filePath("out/a_nocturne.jpg")));
}

void tst_CliFaults::thousandFilesWithFivePercentCorrupt()
{
    QTemporaryDir tmp;
    const QString in = tmp.filePath("in");
    const QString out = tmp.filePath("out");
    QVERIFY(QDir().mkpath(in));
    QVERIFY(makePng(in + "/seed.png", 96, 64));
    QFile seedFile(in + "/seed.png");
    QVERIFY(seedFile.open(QIODevice::ReadOnly));
    const QByteArray png = seedFile.readAll();
    seedFile.close();
    QVERIFY(QFile::remove(in + "/seed.png"));

    // 950 good photos; 50 bad ones of four kinds, spread through the batch.
    QStringList bad;
    for (int i = 0; i < 1000; ++i) {
        const QString stem = QStringLiteral("img%1").arg(i, 4, 10, QLatin1Char('0'));
        QString name = stem + ".png";
        QByteArray content = png;
        if (i % 20 == 7) {
            switch ((i / 20) % 4) {
            case 0: content = png.left(png.size() / 2); break;                         // truncated
            case 1: name = stem + ".jpg"; content.clear(); break;                       // zero bytes
            case 2: name = stem + ".jpg"; content = "just some text, not a photo\n"; break;  // wrong extension
            default:                                                                     // random bytes as RAW
                name = stem + ".nef";
                content.resize(8192);
                for (int b = 0; b < content.size(); ++b)
                    content[b] = static_cast<char>((b * 2654435761u + i) >> 11);
            }
            bad << name;
        }
        QVERIFY(writeBytes(in + "/" + name, content));
    }
    QCOMPARE(bad.size(), 50);

    QElapsedTimer clock;
    clock.start();
    const CliRun run = runCli({in, "-o", out, "--jobs", "2", "-q"});
    const double seconds = clock.elapsed() / 1000.0;
    struct rusage usage {};
    QCOMPARE(::getrusage(RUSAGE_CHILDREN, &usage), 0);

    QCOMPARE(run.exitCode, 1);
    QStringList reported;
    const QRegularExpression failed(QStringLiteral("([^/\\s]+): FAILED"));
    for (auto it = failed.globalMatch(run.err); it.hasNext();)
        reported << it.next().captured(1);
    reported.sort();
    bad.sort();
    QCOMPARE(reported, bad);
    QVERIFY2(run.err.contains("950 written, 0 skipped, 50 failed"), qPrintable(run.err.right(300)));
    QCOMPARE(entries(out).size(), 950);
    // ru_maxrss is in KiB, of the largest child waited for so far: this batch (it runs first).
    const double peakMiB = usage.ru_maxrss / 1024.0;
    qInfo("1,000 files (--jobs 2): %.1f s, %.1f ms per file, peak RSS %.0f MiB", seconds, 1000.0 * seconds / 1000, peakMiB);
    QVERIFY2(peakMiB < 1024, qPrintable(QStringLiteral("peak RSS %1 MiB").arg(peakMiB)));
}

QTEST_GUILESS_MAIN(tst_CliFaults)
#include "tst_CliFaults.moc"
