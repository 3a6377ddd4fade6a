// writeFileAtomically: the file holds exactly the new text or, when writing fails, the old one;
// no temporary file is left behind either way; errors name the file.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/base/AtomicFile.h"

using namespace nocturne::core;
namespace fs = std::filesystem;

namespace {

std::string readText(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

int entriesIn(const fs::path& dir)
{
    int n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
        ++n;
    return n;
}

}  // namespace

class tst_AtomicFile : public QObject {
    Q_OBJECT
private slots:
    void writesAndReplaces_data();
    void writesAndReplaces();
    void missingFolderIsAnErrorNamingTheFile();
    void aFolderInTheWayKeepsItAndCleansUp();
};

void tst_AtomicFile::writesAndReplaces_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("json") << QByteArray("{\"a\": 1}\n");
    QTest::newRow("binary with NUL") << QByteArray("a\0b\xff", 4);
    QTest::newRow("1 MB") << QByteArray(1 << 20, 'x');
}

void tst_AtomicFile::writesAndReplaces()
{
    QFETCH(QByteArray, text);
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "r\xc3\xa9glages.json";   // non-ASCII name
    QVERIFY(writeFileAtomically(file, "old contents").ok());
    QVERIFY(writeFileAtomically(file, std::string_view(text.constData(), size_t(text.size()))).ok());
    QCOMPARE(QByteArray::fromStdString(readText(file)), text);
    QCOMPARE(entriesIn(file.parent_path()), 1);
}

void tst_AtomicFile::missingFolderIsAnErrorNamingTheFile()
{
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "no" / "such" / "settings.json";
    const auto r = writeFileAtomically(file, "x");
    QVERIFY(!r.ok());
    QVERIFY2(r.error().describe().find("settings.json") != std::string::npos, r.error().describe().c_str());
    QVERIFY(!fs::exists(file));
}

void tst_AtomicFile::aFolderInTheWayKeepsItAndCleansUp()
{
    // rename() cannot replace a non-empty folder: the write fails, the folder stays, and the
    // temporary file is removed.
    QTemporaryDir dir;
    const fs::path target = fs::path(dir.path().toStdString()) / "taken";
    fs::create_directories(target / "inside");
    const auto r = writeFileAtomically(target, "x");
    QVERIFY(!r.ok());
    QVERIFY(fs::is_directory(target / "inside"));
    QCOMPARE(entriesIn(target.parent_path()), 1);
}

QTEST_GUILESS_MAIN(tst_AtomicFile)
#include "tst_AtomicFile.moc"
