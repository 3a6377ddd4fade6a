#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/ColorProfile.h"
#include "core/io/ImageLoader.h"
#include "core/io/MetadataStore.h"
#include "tests/support/DngWriter.h"
#include "tests/ui/UiTestSupport.h"
#include "ui/services/BatchExporter.h"
#include "ui/widgets/BatchExportDialog.h"

using namespace nocturne;
using ui::BatchSettings;

namespace {

QByteArray hashOf(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

}  // namespace

class tst_BatchExporter : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void oneCorruptFileFailsAndTheRestAreWritten();
    void cancelStopsTheBatch();
    void collisionPolicies_data();
    void collisionPolicies();
    void unusableOutputFolderIsReported();
    void dialogRunsABatchAndListsFailures();
    void dialogExportsLinearDngsForRawsOnly();
    void dialogReportsEveryKindOfBadInput();
    void dialogOffersLinearSpacesFor16BitTiffOnly();

private:
    BatchSettings baseSettings(const QString& outDir) const;
    std::shared_ptr<core::EnhancerRegistry> m_registry;
    QTemporaryDir m_dir;
    QStringList m_inputs;   // two good PNGs and one corrupt one
};

void tst_BatchExporter::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_registry = std::make_shared<core::EnhancerRegistry>(core::EnhancerRegistry::withClassicalMethods());
    m_registry->add(std::make_shared<uitest::CountingEnhancer>("slow", 150));
    const QString in = m_dir.filePath("in");
    QDir().mkpath(in);
    QVERIFY(uitest::writeDarkPng(in + "/one.png"));
    QFile corrupt(in + "/two.png");
    QVERIFY(corrupt.open(QIODevice::WriteOnly));
    corrupt.write("\x89PNG\r\n\x1a\n truncated garbage");
    corrupt.close();
    QVERIFY(uitest::writeDarkPng(in + "/three.png", 50, 40, 20));
    m_inputs = {in + "/one.png", in + "/two.png", in + "/three.png"};
}

BatchSettings tst_BatchExporter::baseSettings(const QString& outDir) const
{
    BatchSettings s;
    s.inputs = m_inputs;
    s.outputDir = outDir;
    s.params.method = "he";
    s.exportOptions.format = core::ExportFormat::Png;
    s.exportOptions.copyMetadata = false;
    return s;
}

void tst_BatchExporter::oneCorruptFileFailsAndTheRestAreWritten()
{
    QList<QByteArray> before;
    for (const QString& p : m_inputs)
        before << hashOf(p);
    const QString out = m_dir.filePath("out-corrupt");
    ui::BatchExporter exporter(m_registry);
    QSignalSpy finished(&exporter, &ui::BatchExporter::batchFinished);
    QSignalSpy progressed(&exporter, &ui::BatchExporter::overallProgressed);
    QVERIFY(exporter.start(baseSettings(out)));
    QVERIFY(finished.wait(20000));
    const auto summary = finished.at(0).at(0).value<ui::BatchSummary>();
    QCOMPARE(summary.total, 3);
    QCOMPARE(summary.written, 2);
    QCOMPARE(summary.failures.size(), 1);
    QVERIFY(summary.failures.at(0).source.endsWith("two.png"));
    QVERIFY2(summary.failures.at(0).message.contains("two.png"), qPrintable(summary.failures.at(0).message));
    QVERIFY(!summary.cancelled);
    QVERIFY(QFile::exists(out + "/one_nocturne.png"));
    QVERIFY(QFile::exists(out + "/three_nocturne.png"));
    QVERIFY(!QFile::exists(out + "/two_nocturne.png"));
    QCOMPARE(QDir(out).entryList(QDir::Files).size(), 2);   // no temporary leftovers
    for (int i = 0; i < m_inputs.size(); ++i)
        QCOMPARE(hashOf(m_inputs.at(i)), before.at(i));
    QVERIFY(!progressed.isEmpty());
    QCOMPARE(progressed.last().at(0).toDouble(), 3.0);
}

void tst_BatchExporter::cancelStopsTheBatch()
{
    BatchSettings s = baseSettings(m_dir.filePath("out-cancel"));
    s.params.method = "slow";
    s.inputs = {m_inputs[0], m_inputs[2], m_inputs[0], m_inputs[2], m_inputs[0], m_inputs[2]};
    s.overwrite = core::OverwritePolicy::Rename;
    ui::BatchExporter exporter(m_registry);
    QSignalSpy finished(&exporter, &ui::BatchExporter::batchFinished);
    connect(&exporter, &ui::BatchExporter::fileFinished, &exporter, &ui::BatchExporter::cancel);
    QVERIFY(exporter.start(s));
    QVERIFY(finished.wait(20000));
    const auto summary = finished.at(0).at(0).value<ui::BatchSummary>();
    QVERIFY(summary.cancelled);
    QVERIFY2(summary.written <= 2, qPrintable(QString::number(summary.written)));
    QVERIFY(summary.written >= 1);
    QVERIFY(summary.failures.isEmpty());   // cancelled is not a failure
    QVERIFY(!exporter.isRunning());
}

void tst_BatchExporter::collisionPolicies_data()
{
    QTest::addColumn<int>("policy");
    QTest::addColumn<QString>("expectedName");
    QTest::addColumn<bool>("existingKept");
    QTest::newRow("skip") << static_cast<int>(core::OverwritePolicy::Skip) << QString() << true;
    QTest::newRow("rename") << static_cast<int>(core::OverwritePolicy::Rename) << QStringLiteral("one_nocturne-1.png") << true;
    QTest::newRow("overwrite") << static_cast<int>(core::OverwritePolicy::Overwrite) << QStringLiteral("one_nocturne.png") << false;
}

void tst_BatchExporter::collisionPolicies()
{
    QFETCH(int, policy);
    QFETCH(QString, expectedName);
    QFETCH(bool, existingKept);
    const QString out = m_dir.filePath(QStringLiteral("out-collide-%1").arg(policy));
    QDir().mkpath(out);
    QFile existing(out + "/one_nocturne.png");
    QVERIFY(existing.open(QIODevice::WriteOnly));
    existing.write("old");
    existing.close();
    BatchSettings s = baseSettings(out);
    s.inputs = {m_inputs[0]};
    s.overwrite = static_cast<core::OverwritePolicy>(policy);
    ui::BatchExporter exporter(m_registry);
    QSignalSpy finished(&exporter, &ui::BatchExporter::batchFinished);
    QVERIFY(exporter.start(s));
    QVERIFY(finished.wait(10000));
    const auto summary = finished.at(0).at(0).value<ui::BatchSummary>();
    if (expectedName.isEmpty()) {
        QCOMPARE(summary.skipped, 1);
        QCOMPARE(summary.written, 0);
    } else {
        QCOMPARE(summary.written, 1);
        QCOMPARE(QFileInfo(summary.outputs.at(0)).fileName(), expectedName);
    }
    QFile check(out + "/one_nocturne.png");
    QVERIFY(check.open(QIODevice::ReadOnly));
    QCOMPARE(check.readAll() == "old", existingKept);
}

void tst_BatchExporter::unusableOutputFolderIsReported()
{
    // A regular file where the output folder should be: it can be neither created nor written.
    const QString blocker = m_dir.filePath("blocker");
    QFile f(blocker);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    ui::BatchExporter exporter(m_registry);
    QSignalSpy finished(&exporter, &ui::BatchExporter::batchFinished);
    QVERIFY(!exporter.start(baseSettings(blocker + "/sub")));
    QCOMPARE(finished.count(), 1);
    const auto summary = finished.at(0).at(0).value<ui::BatchSummary>();
    QVERIFY2(summary.fatalError.contains(blocker), qPrintable(summary.fatalError));
    QVERIFY(summary.fatalError.contains("Choose"));
}

void tst_BatchExporter::dialogRunsABatchAndListsFailures()
{
    ui::BatchExportDialog dialog(m_registry);
    dialog.setInputs({m_dir.filePath("in")});
    dialog.setOutputDir(m_dir.filePath("out-dialog"));
    dialog.setFormat(core::ExportFormat::Tiff, 16);
    dialog.setNamePattern("{name}-{method}");
    ui::EditorParams params;
    params.method = "dhe";
    params.noiseReduction = 2.5;     // no control in the dialog: the editor's value is used
    params.useExposureRatio = true;
    params.exposureRatio = 42.0;
    params.m = 0.123;                // finer than the dialog's spin box shows
    dialog.setParams(params);
    QCOMPARE(dialog.settings().params.noiseReduction, 2.5f);
    QCOMPARE(dialog.settings().params.exposureRatio.value_or(0.0), 42.0);
    QCOMPARE(dialog.settings().params.amplifier.m, 0.123);
    QCOMPARE(dialog.settings().inputs.size(), 3);
    QCOMPARE(dialog.settings().exportOptions.bitsPerChannel, 16);
    QSignalSpy finished(&dialog, &ui::BatchExportDialog::exportFinished);
    QVERIFY(dialog.startExport());
    QVERIFY(finished.wait(30000));
    QCOMPARE(dialog.failureLines().size(), 1);
    QVERIFY(dialog.failureLines().at(0).startsWith("two.png"));
    QVERIFY2(dialog.summaryText().contains("2 of 3"), qPrintable(dialog.summaryText()));
    QVERIFY(QFile::exists(m_dir.filePath("out-dialog/one-dhe.tif")));
}

void tst_BatchExporter::dialogExportsLinearDngsForRawsOnly()
{
    const QString in = m_dir.filePath("in-dng");
    QVERIFY(QDir().mkpath(in));
    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(160, 120, core::CfaPattern::RGGB, spec.blackLevel, spec.whiteLevel, 0.03, 8);
    QCOMPARE(QString::fromStdString(testsupport::writeDng((in + "/night.dng").toStdString(), spec)), QString());
    QVERIFY(uitest::writeDarkPng(in + "/phone.png"));

    ui::BatchExportDialog dialog(m_registry);
    dialog.setInputs({in});
    dialog.setOutputDir(m_dir.filePath("out-dng"));
    dialog.setFormat(core::ExportFormat::Dng, 16);
    QVERIFY(dialog.settings().exportOptions.format == core::ExportFormat::Dng);
    QSignalSpy finished(&dialog, &ui::BatchExportDialog::exportFinished);
    QVERIFY(dialog.startExport());
    QVERIFY(finished.wait(30000));
    QCOMPARE(dialog.failureLines().size(), 1);
    QVERIFY2(dialog.failureLines().at(0).startsWith("phone.png") && dialog.failureLines().at(0).contains("RAW"),
             qPrintable(dialog.failureLines().at(0)));
    const auto dng = core::ImageLoader::load(m_dir.filePath("out-dng/night_nocturne.dng").toStdString());
    QVERIFY2(dng.ok(), dng ? "" : dng.error().describe().c_str());
    QCOMPARE(dng->rgb.width(), 160);
    QCOMPARE(QDir(m_dir.filePath("out-dng")).entryList(QDir::Files).size(), 1);
}

void tst_BatchExporter::dialogReportsEveryKindOfBadInput()
{
    // The CLI fault tests' bad inputs, through the editor's batch dialog.
    const QString in = m_dir.filePath("in-bad");
    QVERIFY(QDir().mkpath(in));
    QVERIFY(uitest::writeDarkPng(in + "/good.png", 64, 48));
    QFile good(in + "/good.png");
    QVERIFY(good.open(QIODevice::ReadOnly));
    const QByteArray png = good.readAll();
    good.close();
    QByteArray random(8192, '\0');
    for (int i = 0; i < random.size(); ++i)
        random[i] = static_cast<char>((i * 2654435761u) >> 11);
    const QMap<QString, QByteArray> bad{{"truncated.png", png.left(png.size() / 2)},
                                        {"empty.jpg", QByteArray()},
                                        {"notes.jpg", QByteArray("just some text, not a photo\n")},
                                        {"random.nef", random}};
    for (auto it = bad.constBegin(); it != bad.constEnd(); ++it) {
        QFile f(in + "/" + it.key());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(it.value());
    }

    ui::BatchExportDialog dialog(m_registry);
    dialog.setInputs({in});
    dialog.setOutputDir(m_dir.filePath("out-bad"));
    QSignalSpy finished(&dialog, &ui::BatchExportDialog::exportFinished);
    QVERIFY(dialog.startExport());
    QVERIFY(finished.wait(30000));
    QStringList failed;
    for (const QString& line : dialog.failureLines())
        failed << line.section(QStringLiteral(" \u2014 "), 0, 0);
    failed.sort();
    QCOMPARE(failed, QStringList(bad.keys()));
    QCOMPARE(QDir(m_dir.filePath("out-bad")).entryList(QDir::Files), QStringList{"good_nocturne.jpg"});
}

void tst_BatchExporter::dialogOffersLinearSpacesFor16BitTiffOnly()
{
    ui::BatchExportDialog dialog(m_registry);
    dialog.setInputs({m_dir.filePath("in") + "/one.png"});
    dialog.setOutputDir(m_dir.filePath("out-wide"));
    dialog.setFormat(core::ExportFormat::Tiff, 16);
    dialog.setColorSpace(core::OutputSpace::LinearRec2020);
    QVERIFY(dialog.settings().exportOptions.space == core::OutputSpace::LinearRec2020);
    // An 8-bit TIFF or a JPEG cannot hold linear values: the choice does not apply.
    dialog.setFormat(core::ExportFormat::Tiff, 8);
    QVERIFY(dialog.settings().exportOptions.space == core::OutputSpace::Srgb);
    dialog.setFormat(core::ExportFormat::Jpeg);
    QVERIFY(dialog.settings().exportOptions.space == core::OutputSpace::Srgb);

    dialog.setFormat(core::ExportFormat::Tiff, 16);
    QSignalSpy finished(&dialog, &ui::BatchExportDialog::exportFinished);
    QVERIFY(dialog.startExport());
    QVERIFY(finished.wait(30000));
    QVERIFY2(dialog.failureLines().isEmpty(), qPrintable(dialog.failureLines().join('\n')));
    const auto icc = core::MetadataStore::iccProfile(m_dir.filePath("out-wide/one_nocturne.tif").toStdString());
    QVERIFY(icc.ok());
    QVERIFY2(QString::fromStdString(core::ColorProfile::describe(*icc)).contains("Rec.2020"),
             core::ColorProfile::describe(*icc).c_str());
}

QTEST_MAIN(tst_BatchExporter)
#include "tst_BatchExporter.moc"
