#include <QtTest>

#include <QTemporaryDir>

#include <fstream>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "app/eval/EvalSet.h"

using namespace nocturne;

class tst_EvalSet : public QObject {
    Q_OBJECT

private slots:
    void readsBothSetsWithRatiosAndModes();
    void rejectsMissingAndMalformedSets_data();
    void rejectsMissingAndMalformedSets();
    void displayTargetKeepsStoredCodeValues();
    void brightnessGammaMatchesTheOutputMean_data();
    void brightnessGammaMatchesTheOutputMean();
};

namespace {
void writeText(const QString& path, const char* text)
{
    std::ofstream(path.toStdString()) << text;
}
}  // namespace

void tst_EvalSet::readsBothSetsWithRatiosAndModes()
{
    QTemporaryDir dir;
    writeText(dir.filePath("testset.json"), R"({
      "raw": [{"id": "r0", "input": "r0.dng", "target": "r0_t.png", "ratio": 107.5}],
      "srgb": [{"id": "s0", "input": "s0.png", "target": "s0_t.png", "mode": "camera"},
               {"id": "s1", "input": "s1.png", "target": "s1_t.png", "mode": "ba-gan"}]})");
    auto sets = eval::readTestSet(dir.path().toStdString());
    QVERIFY(sets);
    QCOMPARE(sets->size(), size_t(2));
    const eval::EvalSet& raw = (*sets)[0];
    QCOMPARE(raw.name, std::string("raw"));
    QCOMPARE(raw.cases.at(0).ratio, 107.5);
    QCOMPARE(QString::fromStdString(raw.cases.at(0).input), dir.filePath("r0.dng"));
    const eval::EvalSet& srgb = (*sets)[1];
    QCOMPARE(srgb.cases.size(), size_t(2));
    QCOMPARE(srgb.cases.at(1).mode, std::string("ba-gan"));
    QCOMPARE(srgb.cases.at(1).ratio, 1.0);   // sRGB cases are fed without gain
}

void tst_EvalSet::rejectsMissingAndMalformedSets_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no file") << QByteArray() << "cannot open";
    QTest::newRow("no lists") << QByteArray(R"({"description": "x"})") << "neither";
    QTest::newRow("case without target") << QByteArray(R"({"raw": [{"id": "a", "input": "a.dng"}]})")
                                         << "lacks id/input/target";
}

void tst_EvalSet::rejectsMissingAndMalformedSets()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    if (!json.isEmpty())
        writeText(dir.filePath("testset.json"), json.constData());
    auto sets = eval::readTestSet(dir.path().toStdString());
    QVERIFY(!sets);
    const QString message = QString::fromStdString(sets.error().describe());
    QVERIFY2(message.contains(reason), qPrintable(message));
    QVERIFY2(message.contains("testset.json"), qPrintable(message));
}

void tst_EvalSet::displayTargetKeepsStoredCodeValues()
{
    // A 16-bit PNG target is compared as stored (display values), not linearised.
    QTemporaryDir dir;
    cv::Mat png(2, 3, CV_16UC3);
    const ushort codes[] = {0, 655, 13107, 32768, 52428, 65535};
    for (int i = 0; i < 6; ++i)
        png.at<cv::Vec3w>(i / 3, i % 3) = cv::Vec3w(codes[i], codes[5 - i], codes[i]);   // B, G, R
    const std::string path = dir.filePath("t.png").toStdString();
    QVERIFY(cv::imwrite(path, png));
    auto target = eval::loadDisplayTarget(path);
    QVERIFY(target);
    QCOMPARE(target->type(), CV_32FC3);
    for (int i = 0; i < 6; ++i) {
        const cv::Vec3f px = target->at<cv::Vec3f>(i / 3, i % 3);   // R, G, B
        QVERIFY2(qAbs(px[0] - codes[i] / 65535.0f) < 2e-4f, qPrintable(QString::number(px[0])));
        QVERIFY(qAbs(px[1] - codes[5 - i] / 65535.0f) < 2e-4f);
    }
}

void tst_EvalSet::brightnessGammaMatchesTheOutputMean_data()
{
    QTest::addColumn<double>("gamma");
    QTest::newRow("darker output") << 2.0;
    QTest::newRow("same") << 1.0;
    QTest::newRow("brighter output") << 0.5;
}

void tst_EvalSet::brightnessGammaMatchesTheOutputMean()
{
    // output = target^g exactly, so the fitted g must be g.
    QFETCH(double, gamma);
    cv::Mat target(16, 16, CV_32FC3);
    cv::RNG(3).fill(target, cv::RNG::UNIFORM, 0.05, 1.0);
    cv::Mat output;
    cv::pow(target, gamma, output);
    QVERIFY(qAbs(eval::fitBrightnessGamma(output, target) - gamma) < 1e-3);
}

QTEST_APPLESS_MAIN(tst_EvalSet)
#include "tst_EvalSet.moc"
