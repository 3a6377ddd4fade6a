// BatchPlan: which files a batch takes, and where each one goes under every overwrite policy.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/batch/BatchPlan.h"

using namespace nocturne::core;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& path, const std::string& content = "x")
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

std::vector<std::string> names(const std::vector<std::string>& paths)
{
    std::vector<std::string> out;
    for (const auto& p : paths)
        out.push_back(fs::path(p).filename().string());
    return out;
}

OutputNaming namingIn(const fs::path& folder, const std::string& pattern = "{name}_nocturne")
{
    OutputNaming n;
    n.folder = folder.string();
    n.pattern = pattern;
    n.method = "dhe";
    n.format = ExportFormat::Png;
    return n;
}

}  // namespace

class tst_BatchPlan : public QObject {
    Q_OBJECT
private slots:
    void outputNamesFollowThePattern_data();
    void outputNamesFollowThePattern();
    void expandsFoldersSortedWithoutHiddenOrDuplicates();
    void policies_data();
    void policies();
    void namesWithinABatchAreUnique();
    void neverWritesOntoAnInput_data();
    void neverWritesOntoAnInput();
    void singleRefusesOnlyTheSource();
    void policyNamesRoundTrip();
};

void tst_BatchPlan::outputNamesFollowThePattern_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("n");
    QTest::addColumn<QString>("expected");
    QTest::newRow("default jpeg") << "{name}_nocturne" << int(ExportFormat::Jpeg) << 0 << "IMG_0001_nocturne.jpg";
    QTest::newRow("method and index tiff") << "{index}-{name}-{method}" << int(ExportFormat::Tiff) << 0
                                           << "8-IMG_0001-dhe.tif";
    QTest::newRow("slashes and colons replaced") << "a/b:{name}" << int(ExportFormat::Png) << 0 << "a_b_IMG_0001.png";
    QTest::newRow("renamed") << "{name}_nocturne" << int(ExportFormat::Dng) << 3 << "IMG_0001_nocturne-3.dng";
    QTest::newRow("empty pattern") << "" << int(ExportFormat::Png) << 0 << "IMG_0001_nocturne.png";
}

void tst_BatchPlan::outputNamesFollowThePattern()
{
    QFETCH(QString, pattern);
    QFETCH(int, format);
    QFETCH(int, n);
    QFETCH(QString, expected);
    OutputNaming naming;
    naming.pattern = pattern.toStdString();
    naming.method = "dhe";
    naming.format = static_cast<ExportFormat>(format);
    QCOMPARE(QString::fromStdString(BatchPlan::outputFileName(naming, "/photos/IMG_0001.CR2", 7, n)), expected);
}

void tst_BatchPlan::expandsFoldersSortedWithoutHiddenOrDuplicates()
{
    QTemporaryDir tmp;
    const fs::path root(tmp.path().toStdString());
    for (const char* f : {"b.jpg", "a.DNG", "notes.txt", ".hidden.jpg", "sub/c.png", ".git/d.jpg"})
        touch(root / "in" / f);
    const std::string odd = (root / "explicit.xyz").string();
    touch(odd);

    const auto flat = BatchPlan::expandInputs({(root / "in").string(), (root / "in" / "b.jpg").string(), odd}, false);
    QCOMPARE(names(flat), (std::vector<std::string>{"explicit.xyz", "a.DNG", "b.jpg"}));
    // The same file spelt another way is one file.
    const auto spelt = BatchPlan::expandInputs({(root / "in" / "b.jpg").string(), (root / "in" / ".." / "in" / "b.jpg").string()},
                                               false);
    QCOMPARE(spelt.size(), size_t(1));
    const auto deep = BatchPlan::expandInputs({(root / "in").string()}, true);
    QCOMPARE(names(deep), (std::vector<std::string>{"a.DNG", "b.jpg", "c.png"}));
}

void tst_BatchPlan::policies_data()
{
    QTest::addColumn<int>("policy");
    QTest::addColumn<int>("plan");
    QTest::addColumn<QString>("output");
    QTest::newRow("skip") << int(OverwritePolicy::Skip) << int(BatchItem::Plan::Skip) << "one_nocturne.png";
    QTest::newRow("rename") << int(OverwritePolicy::Rename) << int(BatchItem::Plan::Process) << "one_nocturne-1.png";
    QTest::newRow("overwrite") << int(OverwritePolicy::Overwrite) << int(BatchItem::Plan::Process) << "one_nocturne.png";
}

void tst_BatchPlan::policies()
{
    QFETCH(int, policy);
    QFETCH(int, plan);
    QFETCH(QString, output);
    QTemporaryDir tmp;
    const fs::path root(tmp.path().toStdString());
    touch(root / "one.jpg");
    touch(root / "out" / "one_nocturne.png", "old");
    const auto items = BatchPlan::plan({(root / "one.jpg").string()}, namingIn(root / "out"),
                                       static_cast<OverwritePolicy>(policy));
    QCOMPARE(items.size(), size_t(1));
    QCOMPARE(int(items[0].plan), plan);
    QCOMPARE(QString::fromStdString(fs::path(items[0].output).filename().string()), output);
}

void tst_BatchPlan::namesWithinABatchAreUnique()
{
    // Two inputs with the same name from different folders, under every policy.
    QTemporaryDir tmp;
    const fs::path root(tmp.path().toStdString());
    touch(root / "a" / "one.jpg");
    touch(root / "b" / "one.jpg");
    for (auto policy : {OverwritePolicy::Skip, OverwritePolicy::Rename, OverwritePolicy::Overwrite}) {
        const auto items = BatchPlan::plan({(root / "a" / "one.jpg").string(), (root / "b" / "one.jpg").string()},
                                           namingIn(root / "out"), policy);
        QCOMPARE(int(items[0].plan), int(BatchItem::Plan::Process));
        QCOMPARE(int(items[1].plan), int(BatchItem::Plan::Process));
        QVERIFY2(items[0].output != items[1].output, overwritePolicyName(policy).c_str());
        QCOMPARE(fs::path(items[1].output).filename().string(), std::string("one_nocturne-1.png"));
    }
}

void tst_BatchPlan::neverWritesOntoAnInput_data()
{
    QTest::addColumn<int>("policy");
    QTest::addColumn<int>("plan");
    QTest::newRow("skip refuses") << int(OverwritePolicy::Skip) << int(BatchItem::Plan::Fail);
    QTest::newRow("overwrite refuses") << int(OverwritePolicy::Overwrite) << int(BatchItem::Plan::Fail);
    QTest::newRow("rename renames") << int(OverwritePolicy::Rename) << int(BatchItem::Plan::Process);
}

void tst_BatchPlan::neverWritesOntoAnInput()
{
    QFETCH(int, policy);
    QFETCH(int, plan);
    QTemporaryDir tmp;
    const fs::path root(tmp.path().toStdString());
    // one.jpg's output would be "one_nocturne.png", which is itself an input of the batch.
    touch(root / "one.jpg");
    touch(root / "one_nocturne.png");
    const std::vector<std::string> inputs{(root / "one.jpg").string(), (root / "one_nocturne.png").string()};
    const auto items = BatchPlan::plan(inputs, namingIn(root), static_cast<OverwritePolicy>(policy));
    QCOMPARE(int(items[0].plan), plan);
    for (const auto& item : items)
        for (const auto& input : inputs)
            QVERIFY(item.output != input);
    if (plan == int(BatchItem::Plan::Fail))
        QVERIFY2(QString::fromStdString(items[0].note).contains("another input"), items[0].note.c_str());

    // A pattern that maps a file onto itself is refused under every policy.
    const auto self = BatchPlan::plan({(root / "one_nocturne.png").string()}, namingIn(root, "{name}"),
                                      static_cast<OverwritePolicy>(policy));
    QCOMPARE(int(self[0].plan), int(BatchItem::Plan::Fail));
    QVERIFY(QString::fromStdString(self[0].note).contains("overwrite the input"));
}

void tst_BatchPlan::singleRefusesOnlyTheSource()
{
    QTemporaryDir tmp;
    const fs::path root(tmp.path().toStdString());
    touch(root / "one.jpg");
    touch(root / "existing.png");
    const BatchItem ok = BatchPlan::single((root / "one.jpg").string(), (root / "existing.png").string());
    QCOMPARE(int(ok.plan), int(BatchItem::Plan::Process));
    QCOMPARE(ok.output, (root / "existing.png").string());
    const BatchItem self = BatchPlan::single((root / "one.jpg").string(), (root / "." / "one.jpg").string());
    QCOMPARE(int(self.plan), int(BatchItem::Plan::Fail));
}

void tst_BatchPlan::policyNamesRoundTrip()
{
    for (auto policy : {OverwritePolicy::Skip, OverwritePolicy::Rename, OverwritePolicy::Overwrite})
        QVERIFY(parseOverwritePolicy(overwritePolicyName(policy)) == policy);
    QVERIFY(!parseOverwritePolicy("maybe"));
}

QTEST_GUILESS_MAIN(tst_BatchPlan)
#include "tst_BatchPlan.moc"
