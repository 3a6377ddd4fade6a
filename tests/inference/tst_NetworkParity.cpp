// The papers' networks, exported to TorchScript by models/training/export.py and run by the C++
// engine, must reproduce the eager PyTorch outputs recorded in tests/golden/models/<id>/ (made
// by models/training/make_goldens.py) to 1e-4. The .pt files are regenerated here from the
// recorded seed, so only the small golden tensors live in the repository.

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <opencv2/core.hpp>

#include "core/inference/TorchModel.h"

using namespace nocturne::core;

namespace {

// A float32 NCHW tensor (N = 1) from a golden file, as C planes.
std::vector<cv::Mat> readPlanes(const QString& path, const QJsonArray& shape)
{
    const int c = shape.at(1).toInt();
    const int h = shape.at(2).toInt();
    const int w = shape.at(3).toInt();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    if (bytes.size() != qsizetype(c) * h * w * qsizetype(sizeof(float)))
        return {};
    std::vector<cv::Mat> planes;
    for (int i = 0; i < c; ++i) {
        cv::Mat plane(h, w, CV_32FC1);
        std::memcpy(plane.data, bytes.constData() + qsizetype(i) * h * w * sizeof(float), size_t(h) * w * sizeof(float));
        planes.push_back(plane);
    }
    return planes;
}

double maxAbsDiff(const std::vector<cv::Mat>& a, const std::vector<cv::Mat>& b)
{
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, cv::norm(a[i], b[i], cv::NORM_INF));
    return worst;
}

}  // namespace

class tst_NetworkParity : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void matchesEagerPyTorch_data();
    void matchesEagerPyTorch();

private:
    QTemporaryDir m_exportDir;
};

void tst_NetworkParity::initTestCase()
{
    if (QString(NOCTURNE_TORCH_PYTHON).isEmpty())
        QSKIP("no Python with PyTorch to export the networks");
    QVERIFY(m_exportDir.isValid());
}

void tst_NetworkParity::matchesEagerPyTorch_data()
{
    QTest::addColumn<QString>("goldenDir");
    const QDir root(QStringLiteral(NOCTURNE_GOLDEN_MODELS_DIR));
    const QStringList ids = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY2(ids.size() >= 6, "expected goldens for the six networks");
    for (const QString& id : ids)
        QTest::newRow(qPrintable(id)) << root.filePath(id);
}

void tst_NetworkParity::matchesEagerPyTorch()
{
    QFETCH(QString, goldenDir);
    QFile metaFile(goldenDir + "/meta.json");
    QVERIFY(metaFile.open(QIODevice::ReadOnly));
    const QJsonObject meta = QJsonDocument::fromJson(metaFile.readAll()).object();
    const QString id = meta["id"].toString();
    const double tolerance = meta["tolerance"].toDouble();
    QVERIFY(tolerance > 0.0 && tolerance <= 1e-4);

    // Re-create the exact TorchScript file the goldens were made from.
    QStringList args{QStringLiteral(NOCTURNE_EXPORT_SCRIPT)};
    for (const auto& a : meta["export_args"].toArray())
        args << a.toString();
    args << "--out" << m_exportDir.path() << "-q";
    QProcess exporter;
    exporter.start(QStringLiteral(NOCTURNE_TORCH_PYTHON), args);
    QVERIFY(exporter.waitForFinished(180000));
    QVERIFY2(exporter.exitCode() == 0, exporter.readAllStandardError().constData());

    const QJsonObject input = meta["input"].toObject();
    const auto planes = readPlanes(goldenDir + "/" + input["file"].toString(), input["shape"].toArray());
    QVERIFY(!planes.empty());

    EngineOptions options;
    options.device = ComputeDevice::Cpu;
    options.threads = 2;
    options.cpuPrecision = CpuPrecision::Fp32;   // parity with eager fp32; bf16: tst_TorchPrecision
    TorchModel model((m_exportDir.path() + "/" + id + ".pt").toStdString(), options);
    const auto out = model.run(planes);
    QVERIFY2(out.ok(), out.ok() ? "" : out.error().describe().c_str());

    const QJsonObject outputs = meta["outputs"].toObject();
    const QJsonObject image = outputs["image"].toObject();
    const auto expected = readPlanes(goldenDir + "/" + image["file"].toString(), image["shape"].toArray());
    QCOMPARE(out->image.size(), expected.size());
    QCOMPARE(out->image[0].size(), expected[0].size());
    const double imageDiff = maxAbsDiff(out->image, expected);
    QVERIFY2(imageDiff <= tolerance, qPrintable(QString("%1: max |C++ - eager| = %2").arg(id).arg(imageDiff)));

    if (outputs.contains("attention")) {
        const QJsonObject att = outputs["attention"].toObject();
        const auto expectedAtt = readPlanes(goldenDir + "/" + att["file"].toString(), att["shape"].toArray());
        QVERIFY(!out->attention.empty());
        const double attDiff = maxAbsDiff({out->attention}, expectedAtt);
        QVERIFY2(attDiff <= tolerance, qPrintable(QString("%1 attention: %2").arg(id).arg(attDiff)));
    } else {
        QVERIFY(out->attention.empty());
    }
}

QTEST_GUILESS_MAIN(tst_NetworkParity)
#include "tst_NetworkParity.moc"
