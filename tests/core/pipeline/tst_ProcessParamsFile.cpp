// ProcessParamsFile: saved settings read back equal, old versions read forever, bad files refused
// with a message naming the file and the setting.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/pipeline/ProcessParamsFile.h"

using namespace nocturne::core;
namespace fs = std::filesystem;

class tst_ProcessParamsFile : public QObject {
    Q_OBJECT
private slots:
    void roundTripsEveryField_data();
    void roundTripsEveryField();
    void readsVersion1Files();
    void readsVersion2WhiteBalance();
    void missingMembersTakeVersion1Defaults();
    void refusesBadFiles_data();
    void refusesBadFiles();
    void refusesNewerVersionsSayingSo();
    void writeReplacesWholeAndLeavesNoTemporary();
    void readReportsFileProblems();
};

namespace {

std::string withBody(const std::string& members, int version = 1)
{
    return R"({"format": "nocturne-settings", "version": )" + std::to_string(version)
        + (members.empty() ? "" : ", ") + members + "}";
}

std::string fixture(const char* name)
{
    return std::string(NOCTURNE_SETTINGS_FIXTURES) + "/" + name;
}

}  // namespace

void tst_ProcessParamsFile::roundTripsEveryField_data()
{
    QTest::addColumn<int>("variant");
    QTest::newRow("defaults") << 0;
    QTest::newRow("every field changed") << 1;
    QTest::newRow("awkward decimals") << 2;
}

void tst_ProcessParamsFile::roundTripsEveryField()
{
    QFETCH(int, variant);
    ProcessParams p;
    if (variant == 1) {
        p.method = "ba-gan";
        p.amplifier.m = 0.3;
        p.amplifier.mode = AmplifierMode::Mean;
        p.amplifier.bins = 32;
        p.amplifier.minGain = 1.5;
        p.amplifier.maxGain = 800;
        p.exposureRatio = 123.4;
        p.exposure = ExposureMode::Input;
        p.noiseReduction = 2.5f;
        p.gamma = 3.1f;
        p.whiteBalance.automatic = true;
        p.whiteBalance.temperature = -37.0;
        p.whiteBalance.tint = 12.5;
    } else if (variant == 2) {
        p.amplifier.m = 0.1234567890123;
        p.gamma = 2.2345678f;
        p.noiseReduction = 0.1f;
        p.exposureRatio = 1.0 / 3.0 + 1.0;
        p.whiteBalance.temperature = 100.0 / 3.0;
    }
    const std::string text = ProcessParamsFile::toJson(p);
    const auto back = ProcessParamsFile::fromJson(text, "x.nocturne.json");
    QVERIFY2(back.ok(), back ? "" : back.error().describe().c_str());
    QVERIFY2(*back == p, text.c_str());   // every field, bit-exact
}

void tst_ProcessParamsFile::readsVersion1Files()
{
    // Written by hand the way Nocturne 0.1.0 writes them; the expected values are literal
    // numbers, not today's defaults, so a change of default cannot hide a changed reading.
    const auto p = ProcessParamsFile::read(fixture("version1-full.nocturne.json"));
    QVERIFY2(p.ok(), p ? "" : p.error().describe().c_str());
    QCOMPARE(p->method, std::string("dhe"));
    QCOMPARE(p->amplifier.m, 0.2);
    QCOMPARE(p->amplifier.mode, AmplifierMode::Mean);
    QCOMPARE(p->amplifier.bins, 64);
    QCOMPARE(p->amplifier.minGain, 2.0);
    QCOMPARE(p->amplifier.maxGain, 500.0);
    QVERIFY(p->exposureRatio.has_value());
    QCOMPARE(*p->exposureRatio, 40.0);
    QCOMPARE(p->exposure, ExposureMode::Input);
    QCOMPARE(p->noiseReduction, 0.5f);
    QCOMPARE(p->gamma, 2.4f);
}

void tst_ProcessParamsFile::readsVersion2WhiteBalance()
{
    // Literal values, as for version 1: this file must read the same in every later Nocturne.
    const auto p = ProcessParamsFile::read(fixture("version2-full.nocturne.json"));
    QVERIFY2(p.ok(), p ? "" : p.error().describe().c_str());
    QCOMPARE(p->method, std::string("ba-gan"));
    QCOMPARE(p->amplifier.m, 0.15);
    QCOMPARE(p->noiseReduction, 1.5f);
    QVERIFY(p->whiteBalance.automatic);
    QCOMPARE(p->whiteBalance.temperature, -35.0);
    QCOMPARE(p->whiteBalance.tint, 6.0);
    // A member left out takes the default: no correction.
    const auto partial = ProcessParamsFile::fromJson(withBody(R"("white_balance": {"tint": -8})", 2), "v2.nocturne.json");
    QVERIFY2(partial.ok(), partial ? "" : partial.error().describe().c_str());
    QVERIFY(!partial->whiteBalance.automatic);
    QCOMPARE(partial->whiteBalance.temperature, 0.0);
    QCOMPARE(partial->whiteBalance.tint, -8.0);
}

void tst_ProcessParamsFile::missingMembersTakeVersion1Defaults()
{
    const auto p = ProcessParamsFile::read(fixture("version1-minimal.nocturne.json"));
    QVERIFY2(p.ok(), p ? "" : p.error().describe().c_str());
    QCOMPARE(p->gamma, 1.8f);
    QCOMPARE(p->method, std::string("none"));
    QCOMPARE(p->amplifier.m, 0.12);
    QCOMPARE(p->amplifier.mode, AmplifierMode::Weighted);
    QCOMPARE(p->amplifier.bins, 128);
    QCOMPARE(p->amplifier.minGain, 1.0);
    QCOMPARE(p->amplifier.maxGain, 300.0);
    QVERIFY(!p->exposureRatio.has_value());
    QCOMPARE(p->exposure, ExposureMode::Output);
    QCOMPARE(p->noiseReduction, 1.0f);
    QVERIFY(p->whiteBalance.isIdentity());   // version 1 had no white balance
}

void tst_ProcessParamsFile::refusesBadFiles_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not JSON") << "gamma = 2.2" << "invalid JSON";
    QTest::newRow("an array") << "[1, 2]" << "JSON object";
    QTest::newRow("no format") << R"({"version": 1})" << "not a Nocturne settings file";
    QTest::newRow("a model manifest") << R"({"id": "neid", "version": 1})" << "not a Nocturne settings file";
    QTest::newRow("no version") << R"({"format": "nocturne-settings"})" << "version";
    QTest::newRow("fractional version") << R"({"format": "nocturne-settings", "version": 1.5})" << "version";
    QTest::newRow("version 0") << R"({"format": "nocturne-settings", "version": 0})" << "version";
    QTest::newRow("typo in a name") << QString::fromStdString(withBody(R"("gama": 2.4)")) << "\"gama\"";
    QTest::newRow("typo in the amplifier")
        << QString::fromStdString(withBody(R"("amplifier": {"mm": 0.2})")) << "\"amplifier.mm\"";
    QTest::newRow("gamma as text") << QString::fromStdString(withBody(R"("gamma": "2.4")")) << "\"gamma\" must be a number";
    QTest::newRow("amplifier not an object")
        << QString::fromStdString(withBody(R"("amplifier": 0.2)")) << "\"amplifier\" must be an object";
    QTest::newRow("unknown mode")
        << QString::fromStdString(withBody(R"("amplifier": {"mode": "median"})")) << "\"amplifier.mode\"";
    QTest::newRow("unknown exposure") << QString::fromStdString(withBody(R"("exposure": "both")")) << "\"exposure\"";
    QTest::newRow("fractional bins")
        << QString::fromStdString(withBody(R"("amplifier": {"bins": 12.5})")) << "whole number";
    QTest::newRow("m zero") << QString::fromStdString(withBody(R"("amplifier": {"m": 0})")) << "amplifier.m";
    QTest::newRow("m above 1") << QString::fromStdString(withBody(R"("amplifier": {"m": 1.5})")) << "amplifier.m";
    QTest::newRow("max gain below min gain")
        << QString::fromStdString(withBody(R"("amplifier": {"min_gain": 10, "max_gain": 5})")) << "max_gain";
    QTest::newRow("ratio too large") << QString::fromStdString(withBody(R"("exposure_ratio": 5000)")) << "exposure_ratio";
    QTest::newRow("gamma too low") << QString::fromStdString(withBody(R"("gamma": 0.5)")) << "gamma";
    QTest::newRow("noise reduction negative")
        << QString::fromStdString(withBody(R"("noise_reduction": -1)")) << "noise_reduction";
    QTest::newRow("empty method") << QString::fromStdString(withBody(R"("method": "")")) << "method";
    QTest::newRow("method with a path") << QString::fromStdString(withBody(R"("method": "../x")")) << "method";
    // Version 2's white balance: not a version-1 member; typed, known and in range in version 2.
    QTest::newRow("white balance in a version-1 file")
        << QString::fromStdString(withBody(R"("white_balance": {"auto": true})")) << "\"white_balance\"";
    QTest::newRow("white balance auto as a number")
        << QString::fromStdString(withBody(R"("white_balance": {"auto": 1})", 2)) << "\"white_balance.auto\" must be";
    QTest::newRow("typo in the white balance")
        << QString::fromStdString(withBody(R"("white_balance": {"temp": 10})", 2)) << "\"white_balance.temp\"";
    QTest::newRow("temperature out of range")
        << QString::fromStdString(withBody(R"("white_balance": {"temperature": 150})", 2)) << "white_balance.temperature";
    QTest::newRow("tint out of range")
        << QString::fromStdString(withBody(R"("white_balance": {"tint": -101})", 2)) << "white_balance.tint";
}

void tst_ProcessParamsFile::refusesBadFiles()
{
    QFETCH(QString, text);
    QFETCH(QString, mentions);
    const auto p = ProcessParamsFile::fromJson(text.toStdString(), "look.nocturne.json");
    QVERIFY(!p.ok());
    const QString message = QString::fromStdString(p.error().describe());
    QVERIFY2(message.startsWith(QStringLiteral("look.nocturne.json: ")), qPrintable(message));
    QVERIFY2(message.contains(mentions), qPrintable(message));
}

void tst_ProcessParamsFile::refusesNewerVersionsSayingSo()
{
    const auto p = ProcessParamsFile::fromJson(
        R"({"format": "nocturne-settings", "version": 3, "a_setting_from_the_future": 1})", "new.nocturne.json");
    QVERIFY(!p.ok());
    QCOMPARE(p.error().code, ErrorCode::UnsupportedFormat);
    const QString message = QString::fromStdString(p.error().describe());
    QVERIFY2(message.contains(QStringLiteral("newer Nocturne")) && message.contains(QStringLiteral("version 3")),
             qPrintable(message));
}

void tst_ProcessParamsFile::writeReplacesWholeAndLeavesNoTemporary()
{
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "Nuit étoilée.nocturne.json";
    ProcessParams first;
    first.gamma = 2.8f;
    QVERIFY(ProcessParamsFile::write(first, path).ok());
    ProcessParams second;
    second.method = "retinex";
    QVERIFY(ProcessParamsFile::write(second, path).ok());
    const auto back = ProcessParamsFile::read(path);
    QVERIFY2(back.ok(), back ? "" : back.error().describe().c_str());
    QVERIFY(*back == second);
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(path.parent_path()))
        ++entries;
    QCOMPARE(entries, 1);

    ProcessParams invalid;
    invalid.gamma = 9.0f;
    const auto refused = ProcessParamsFile::write(invalid, path);
    QVERIFY(!refused.ok());
    QVERIFY(QString::fromStdString(refused.error().describe()).contains(QStringLiteral("gamma")));
    QVERIFY(*ProcessParamsFile::read(path) == second);   // the saved file is untouched
}

void tst_ProcessParamsFile::readReportsFileProblems()
{
    QTemporaryDir dir;
    const fs::path folder(dir.path().toStdString());
    const auto missing = ProcessParamsFile::read(folder / "absent.nocturne.json");
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    QVERIFY(QString::fromStdString(missing.error().describe()).contains(QStringLiteral("absent.nocturne.json")));

    const auto isFolder = ProcessParamsFile::read(folder);
    QVERIFY(!isFolder.ok());

    const fs::path empty = folder / "empty.nocturne.json";
    std::ofstream(empty).close();
    const auto emptyRead = ProcessParamsFile::read(empty);
    QVERIFY(!emptyRead.ok());
    QVERIFY(QString::fromStdString(emptyRead.error().describe()).contains(QStringLiteral("empty.nocturne.json")));

    const fs::path huge = folder / "huge.nocturne.json";
    {
        std::ofstream out(huge);
        out << std::string(ProcessParamsFile::kMaxBytes + 1, ' ');
    }
    const auto hugeRead = ProcessParamsFile::read(huge);
    QVERIFY(!hugeRead.ok());
    QCOMPARE(hugeRead.error().code, ErrorCode::TooLarge);
}

QTEST_GUILESS_MAIN(tst_ProcessParamsFile)
#include "tst_ProcessParamsFile.moc"
