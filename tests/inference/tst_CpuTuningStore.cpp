// CpuTuningStore: the kept CPU decisions read back as stored, per key, from a file that is
// replaced whole; a missing, malformed or foreign file counts as empty; the default file
// follows NOCTURNE_CACHE_DIR, then the platform's cache folder.
#include <QtTest>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/base/Json.h"
#include "core/inference/CpuTuningStore.h"

using namespace nocturne::core;

namespace {

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class EnvGuard {
public:
    explicit EnvGuard(const char* name) : m_name(name)
    {
        if (const char* v = std::getenv(name)) {
            m_had = true;
            m_value = v;
        }
    }
    ~EnvGuard()
    {
        if (m_had)
            setenv(m_name, m_value.c_str(), 1);
        else
            unsetenv(m_name);
    }

private:
    const char* m_name;
    bool m_had = false;
    std::string m_value;
};

}  // namespace

class tst_CpuTuningStore : public QObject {
    Q_OBJECT
private slots:
    void storedDecisionsReadBack_data();
    void storedDecisionsReadBack();
    void keysAreIndependentAndTheLatestWins();
    void createsItsFolderAndLeavesNoTemporaryFile();
    void unreadableFilesCountAsEmpty_data();
    void unreadableFilesCountAsEmpty();
    void noFileKeepsNothing();
    void defaultFileFollowsTheEnvironment();
};

void tst_CpuTuningStore::storedDecisionsReadBack_data()
{
    QTest::addColumn<bool>("bf16");
    QTest::addColumn<bool>("channelsLast");
    QTest::newRow("fp32 contiguous") << false << false;
    QTest::newRow("bf16 contiguous") << true << false;
    QTest::newRow("fp32 channels-last") << false << true;
    QTest::newRow("bf16 channels-last") << true << true;
}

void tst_CpuTuningStore::storedDecisionsReadBack()
{
    QFETCH(bool, bf16);
    QFETCH(bool, channelsLast);
    QTemporaryDir dir;
    const CpuTuningStore store(dir.filePath("t.json").toStdString());
    QVERIFY(!store.find("model a | cpu").has_value());
    QVERIFY(store.store("model a | cpu", CpuTuning{bf16, channelsLast}).ok());
    const auto kept = CpuTuningStore(store.file()).find("model a | cpu");   // a new reader, as a later run
    QVERIFY(kept.has_value());
    QCOMPARE(kept->bf16, bf16);
    QCOMPARE(kept->channelsLast, channelsLast);
    // The file is JSON a person can read.
    const auto doc = JsonValue::parse(readText(store.file()));
    QVERIFY(doc.ok());
    QVERIFY(doc->find("decisions") && doc->find("decisions")->find("model a | cpu"));
}

void tst_CpuTuningStore::keysAreIndependentAndTheLatestWins()
{
    QTemporaryDir dir;
    const CpuTuningStore store(dir.filePath("t.json").toStdString());
    QVERIFY(store.store("a", CpuTuning{true, false}).ok());
    QVERIFY(store.store("b", CpuTuning{false, true}).ok());
    QVERIFY(store.store("a", CpuTuning{false, false}).ok());
    QCOMPARE(store.find("a")->bf16, false);
    QCOMPARE(store.find("b")->channelsLast, true);
    QVERIFY(!store.find("c").has_value());
}

void tst_CpuTuningStore::createsItsFolderAndLeavesNoTemporaryFile()
{
    QTemporaryDir dir;
    const std::string file = dir.filePath("deeper/still/t.json").toStdString();
    QVERIFY(CpuTuningStore(file).store("k", CpuTuning{true, true}).ok());
    QVERIFY(CpuTuningStore(file).find("k").has_value());
    QCOMPARE(QDir(dir.filePath("deeper/still")).entryList(QDir::Files | QDir::Hidden).size(), 1);
}

void tst_CpuTuningStore::unreadableFilesCountAsEmpty_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("not json") << "bf16 yes please";
    QTest::newRow("truncated") << R"({"format_version": 1, "decisions": {"k": {"bf16": tr)";
    QTest::newRow("other format") << R"({"format_version": 2, "decisions": {"k": {"bf16": true, "channels_last": true}}})";
    QTest::newRow("wrong types") << R"({"format_version": 1, "decisions": {"k": {"bf16": 1, "channels_last": "yes"}}})";
    QTest::newRow("an array") << "[1, 2]";
}

void tst_CpuTuningStore::unreadableFilesCountAsEmpty()
{
    QFETCH(QString, text);
    QTemporaryDir dir;
    const CpuTuningStore store(dir.filePath("t.json").toStdString());
    writeText(store.file(), text.toStdString());
    QVERIFY(!store.find("k").has_value());
    // ...and the next decision replaces it with a good file.
    QVERIFY(store.store("k", CpuTuning{true, false}).ok());
    QCOMPARE(store.find("k")->bf16, true);
}

void tst_CpuTuningStore::noFileKeepsNothing()
{
    const CpuTuningStore store("");
    QVERIFY(!store.find("k").has_value());
    QVERIFY(!store.store("k", CpuTuning{}).ok());
}

void tst_CpuTuningStore::defaultFileFollowsTheEnvironment()
{
#if defined(_WIN32) || defined(__APPLE__)
    QSKIP("the Linux cache folders");
#endif
    const EnvGuard own("NOCTURNE_CACHE_DIR");
    const EnvGuard xdg("XDG_CACHE_HOME");
    const EnvGuard home("HOME");
    setenv("NOCTURNE_CACHE_DIR", "/tmp/own", 1);
    setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
    setenv("HOME", "/tmp/home", 1);
    QCOMPARE(QString::fromStdString(CpuTuningStore::defaultFile()), QString("/tmp/own/cpu-tuning.json"));
    unsetenv("NOCTURNE_CACHE_DIR");
    QCOMPARE(QString::fromStdString(CpuTuningStore::defaultFile()), QString("/tmp/xdg/nocturne/cpu-tuning.json"));
    unsetenv("XDG_CACHE_HOME");
    QCOMPARE(QString::fromStdString(CpuTuningStore::defaultFile()), QString("/tmp/home/.cache/nocturne/cpu-tuning.json"));
    unsetenv("HOME");
    QVERIFY(CpuTuningStore::defaultFile().empty());
}

QTEST_GUILESS_MAIN(tst_CpuTuningStore)
#include "tst_CpuTuningStore.moc"
