#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include <cmath>

// Runs nocturne-eval-pairs on a few real-dev pairs (../shared/data/real-dev, evaluation only)
// and checks that every figure is computed and physically sane; quality thresholds are the
// README's business, not a test's. Skips when the folder is absent.
class tst_EvalPairs : public QObject {
    Q_OBJECT
private slots:
    void scoresRealPairsWithTheCliDefaults();
    void refusesAFolderWithoutPairs();
};

namespace {

QString realDev()
{
    const QString shared = qEnvironmentVariable("NOCTURNE_SHARED_DATA");
    return shared.isEmpty() ? QString() : shared + "/real-dev";
}

}  // namespace

void tst_EvalPairs::scoresRealPairsWithTheCliDefaults()
{
    const QString root = realDev();
    if (root.isEmpty() || !QFileInfo(root).isDir())
        QSKIP("../shared/data/real-dev is absent");
    QTemporaryDir dir;
    QProcess p;
    p.start(NOCTURNE_EVAL_PAIRS, {"--pairs", root, "--per-set", "1", "--methods", "auto,none,he", "--json",
                                  dir.filePath("r.json"), "--sheet", dir.filePath("sheet.png")});
    QVERIFY(p.waitForFinished(300000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QFile f(dir.filePath("r.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonObject sets = doc.value("sets").toObject();
    QVERIFY(sets.contains("all"));
    const QJsonObject all = sets.value("all").toObject();
    for (const char* method : {"auto", "none", "he"}) {
        const QJsonObject m = all.value(method).toObject();
        QVERIFY2(!m.isEmpty(), method);
        QCOMPARE(m.value("n").toInt(), sets.size() - 1);   // one pair per set
        const double psnr = m.value("psnr").toDouble();
        QVERIFY2(psnr > 5.0 && psnr < 60.0, qPrintable(QString("%1 PSNR %2").arg(method).arg(psnr)));
        QVERIFY(m.value("ssim").toDouble() > 0.0 && m.value("ssim").toDouble() <= 1.0);
        // GT-mean removes the brightness error, so it is never much below plain PSNR.
        QVERIFY(m.value("psnr_gt_mean").toDouble() > psnr - 1.0);
        QVERIFY(m.value("brightness").toDouble() > 0.2 && m.value("brightness").toDouble() < 5.0);
        QVERIFY(m.value("newly_clipped").toDouble() >= 0.0 && m.value("newly_clipped").toDouble() <= 1.0);
        QVERIFY(m.value("seconds_per_image").toDouble() > 0.0);
    }
    // Every output's own scores: one frame per pair ("set/name"), each with every method, and
    // the summary is their mean.
    const QJsonObject frames = doc.value("frames").toObject();
    QCOMPARE(frames.size(), sets.size() - 1);
    for (const char* method : {"auto", "none", "he"}) {
        double sum = 0.0;
        for (auto it = frames.begin(); it != frames.end(); ++it) {
            QVERIFY2(sets.contains(it.key().section('/', 0, 0)), qPrintable(it.key()));
            const QJsonObject out = it.value().toObject().value(method).toObject();
            QVERIFY2(out.contains("ssim") && out.contains("psnr_gt_mean"), qPrintable(it.key() + " " + method));
            sum += out.value("psnr").toDouble();
        }
        QCOMPARE(sum / frames.size(), all.value(method).toObject().value("psnr").toDouble());
    }
    // "auto" is a real method choice: it scores exactly as the method it resolves to.
    QCOMPARE(all.value("auto").toObject().value("psnr").toDouble(), all.value("none").toObject().value("psnr").toDouble());
    QVERIFY(QFileInfo(dir.filePath("sheet.png")).size() > 1000);
}

void tst_EvalPairs::refusesAFolderWithoutPairs()
{
    QTemporaryDir dir;
    QProcess p;
    p.start(NOCTURNE_EVAL_PAIRS, {"--pairs", dir.path()});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(p.readAllStandardError().contains(dir.path().toUtf8()));
}

QTEST_GUILESS_MAIN(tst_EvalPairs)
#include "tst_EvalPairs.moc"
