#include <QtTest>

#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

#include "core/enhance/EnhancerRegistry.h"
#include "core/inference/ModelRegistry.h"
#include "core/base/Sha256.h"
#include "core/inference/TorchEnhancer.h"

using namespace nocturne::core;
namespace fs = std::filesystem;

namespace {

struct PackageSpec {
    std::string id;
    bool trained = true;
    std::string payload = "not really torchscript";   // the .pt bytes
    std::string shaOverride;                           // manifest sha256 instead of the real one
    bool writeModel = true;
    std::string kind = "srgb";
    bool experimental = false;
};

PackageSpec package(const std::string& id, const std::function<void(PackageSpec&)>& edit = {})
{
    PackageSpec spec;
    spec.id = id;
    if (edit)
        edit(spec);
    return spec;
}

// Writes <folder>/<id>.json and <folder>/<id>.pt.
void writePackage(const fs::path& folder, const PackageSpec& spec)
{
    fs::create_directories(folder);
    if (spec.writeModel)
        std::ofstream(folder / (spec.id + ".pt"), std::ios::binary) << spec.payload;
    const std::string sha = spec.shaOverride.empty() ? Sha256::hashHex(spec.payload) : spec.shaOverride;
    std::ofstream(folder / (spec.id + ".json"))
        << "{\"format_version\": 1, \"id\": \"" << spec.id << "\", \"display_name\": \"Model " << spec.id
        << "\", \"file\": \"" << spec.id << ".pt\", \"sha256\": \"" << sha << "\", \"input_kind\": \""
        << spec.kind << "\", \"size_multiple\": 8, \"outputs\": [\"image\"], \"amplifier\": \"rgb\", \"trained\": "
        << (spec.trained ? "true" : "false")
        << (spec.experimental ? ", \"experimental\": true, \"experimental_reason\": \"on real-dev it loses to DHE\"" : "")
        << "}";
}

const RejectedModel* rejectedById(const ModelRegistry& r, const std::string& id)
{
    for (const RejectedModel& m : r.rejected())
        if (m.id == id)
            return &m;
    return nullptr;
}

}  // namespace

class tst_ModelRegistry : public QObject {
    Q_OBJECT
private slots:
    void init();
    void searchPathOrder();
    void findsModelInEnvFolders();
    void findsModelInUserFolder();
    void findsModelNextToExecutable_data();
    void findsModelNextToExecutable();
    void refusesChecksumMismatch();
    void refusesMissingModelFile();
    void refusesBrokenManifest();
    void untrainedHiddenUnlessDeveloperFlag();
    void untrainedShownWithEnvFlag();
    void experimentalHiddenUnlessRequested();
    void firstIdWins();
    void registerIntoAddsEnhancers();

private:
    // A scan confined to `dir` (no real user/installed models leak into the test).
    ScanOptions isolated() const;
    QTemporaryDir m_dir;
};

ScanOptions tst_ModelRegistry::isolated() const
{
    ScanOptions o;
    o.envFolders = {(fs::path(m_dir.path().toStdString()) / "env-unused").string()};
    o.userFolder = (fs::path(m_dir.path().toStdString()) / "user-unused").string();
    o.executableDir = (fs::path(m_dir.path().toStdString()) / "exe-unused" / "bin").string();
    return o;
}

void tst_ModelRegistry::init()
{
    qunsetenv("NOCTURNE_MODEL_PATH");
    qunsetenv("NOCTURNE_DEV_MODELS");
    QVERIFY(m_dir.isValid());
    for (const auto& e : fs::directory_iterator(m_dir.path().toStdString()))
        fs::remove_all(e.path());
}

void tst_ModelRegistry::searchPathOrder()
{
    qputenv("NOCTURNE_MODEL_PATH", "/a/models:/b/models");
    qputenv("XDG_DATA_HOME", "/home/u/.data");
    ScanOptions o;
    o.executableDir = "/opt/nocturne/bin";
    o.extraFolders = {"/build/models"};
    const std::vector<std::string> path = ModelRegistry::searchPath(o);
    const std::vector<std::string> expected{"/a/models", "/b/models", "/home/u/.data/nocturne/models",
                                            "/opt/nocturne/bin/models", "/opt/nocturne/share/nocturne/models",
                                            "/build/models"};
    QCOMPARE(path, expected);
    qunsetenv("XDG_DATA_HOME");
    const QByteArray home = qgetenv("HOME");
    qputenv("HOME", "/home/v");
    const std::string userFolder = ModelRegistry::searchPath(o)[2];
    qputenv("HOME", home);
    QCOMPARE(userFolder, std::string("/home/v/.local/share/nocturne/models"));

    o.useStandardLocations = false;
    QCOMPARE(ModelRegistry::searchPath(o), std::vector<std::string>{"/build/models"});
}

void tst_ModelRegistry::findsModelInEnvFolders()
{
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / "second", package("net-b"));
    qputenv("NOCTURNE_MODEL_PATH", QByteArray::fromStdString((root / "nothing").string() + ":" + (root / "second").string()));
    ScanOptions o = isolated();
    o.envFolders.clear();   // take them from the environment
    const ModelRegistry r = ModelRegistry::scan(o);
    QCOMPARE(r.available().size(), std::size_t{1});
    const ModelEntry* e = r.find("net-b");
    QVERIFY(e);
    QCOMPARE(fs::path(e->modelPath), root / "second" / "net-b.pt");
    QVERIFY(e->manifest.inputKind == InputKind::SrgbDisplay);
    QVERIFY(r.rejected().empty());
    QVERIFY(!r.find("net-a"));
}

void tst_ModelRegistry::findsModelInUserFolder()
{
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / "xdg" / "nocturne" / "models", package("user-net"));
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString((root / "xdg").string()));
    ScanOptions o = isolated();
    o.userFolder.clear();
    const ModelRegistry r = ModelRegistry::scan(o);
    qunsetenv("XDG_DATA_HOME");
    QVERIFY(r.find("user-net"));
}

void tst_ModelRegistry::findsModelNextToExecutable_data()
{
    QTest::addColumn<QString>("modelFolder");
    QTest::newRow("exe_dir/models") << "prefix/bin/models";
    QTest::newRow("prefix/share") << "prefix/share/nocturne/models";
}

void tst_ModelRegistry::findsModelNextToExecutable()
{
    QFETCH(QString, modelFolder);
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / modelFolder.toStdString(), package("shipped"));
    ScanOptions o = isolated();
    o.executableDir = (root / "prefix" / "bin").string();
    const ModelRegistry r = ModelRegistry::scan(o);
    const ModelEntry* e = r.find("shipped");
    QVERIFY(e);
    QVERIFY(fs::equivalent(e->modelPath, root / modelFolder.toStdString() / "shipped.pt"));
}

void tst_ModelRegistry::refusesChecksumMismatch()
{
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / "m", package("good"));
    writePackage(root / "m", package("corrupt", [](PackageSpec& p) { p.shaOverride = Sha256::hashHex("the original weights"); }));
    ScanOptions o = isolated();
    o.extraFolders = {(root / "m").string()};
    const ModelRegistry r = ModelRegistry::scan(o);
    QVERIFY(r.find("good"));
    QVERIFY(!r.find("corrupt"));
    const RejectedModel* bad = rejectedById(r, "corrupt");
    QVERIFY(bad);
    QCOMPARE(bad->reason.code, ErrorCode::CorruptData);
    const QString text = QString::fromStdString(bad->reason.describe());
    QVERIFY2(text.contains("checksum mismatch") && text.contains("corrupt.pt") && text.contains("Reinstall"),
             qPrintable(text));
}

void tst_ModelRegistry::refusesMissingModelFile()
{
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / "m", package("no-weights", [](PackageSpec& p) { p.writeModel = false; }));
    ScanOptions o = isolated();
    o.extraFolders = {(root / "m").string()};
    const ModelRegistry r = ModelRegistry::scan(o);
    QVERIFY(r.available().empty());
    const RejectedModel* bad = rejectedById(r, "no-weights");
    QVERIFY(bad);
    QCOMPARE(bad->reason.code, ErrorCode::NotFound);
    QVERIFY(QString::fromStdString(bad->reason.message).contains("no-weights.pt"));
}

void tst_ModelRegistry::refusesBrokenManifest()
{
    const fs::path root = m_dir.path().toStdString();
    fs::create_directories(root / "m");
    std::ofstream(root / "m" / "broken.json") << "{\"format_version\": 1, \"id\": ";
    ScanOptions o = isolated();
    o.extraFolders = {(root / "m").string()};
    const ModelRegistry r = ModelRegistry::scan(o);
    QCOMPARE(r.rejected().size(), std::size_t{1});
    QCOMPARE(fs::path(r.rejected().front().manifestPath), root / "m" / "broken.json");
    QCOMPARE(fs::path(r.rejected().front().reason.context), root / "m" / "broken.json");
}

void tst_ModelRegistry::untrainedHiddenUnlessDeveloperFlag()
{
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / "m", package("dev-net", [](PackageSpec& p) { p.trained = false; }));
    ScanOptions o = isolated();
    o.extraFolders = {(root / "m").string()};
    const ModelRegistry hidden = ModelRegistry::scan(o);
    QVERIFY(!hidden.find("dev-net"));
    const RejectedModel* why = rejectedById(hidden, "dev-net");
    QVERIFY(why);
    QVERIFY(QString::fromStdString(why->reason.message).contains("not trained"));

    o.includeUntrained = true;
    QVERIFY(ModelRegistry::scan(o).find("dev-net"));
}

void tst_ModelRegistry::experimentalHiddenUnlessRequested()
{
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / "m", package("weak-net", [](PackageSpec& p) { p.experimental = true; }));
    writePackage(root / "m", package("good-net"));
    ScanOptions o = isolated();
    o.extraFolders = {(root / "m").string()};
    const ModelRegistry hidden = ModelRegistry::scan(o);
    QVERIFY(!hidden.find("weak-net"));
    QVERIFY(hidden.find("good-net"));
    QCOMPARE(hidden.find("good-net")->manifest.displayName, std::string("Model good-net"));
    const RejectedModel* why = rejectedById(hidden, "weak-net");
    QVERIFY(why);
    const QString message = QString::fromStdString(why->reason.message);
    QVERIFY2(message.contains("experimental") && message.contains("loses to DHE") && message.contains("--experimental"),
             qPrintable(message));

    o.includeExperimental = true;
    const ModelRegistry shown = ModelRegistry::scan(o);
    QVERIFY(shown.find("weak-net"));
    QCOMPARE(shown.find("weak-net")->manifest.displayName, std::string("Model weak-net (experimental)"));
    o.includeExperimental = false;
    qputenv("NOCTURNE_EXPERIMENTAL_MODELS", "1");
    QVERIFY(ModelRegistry::scan(o).find("weak-net"));
    qunsetenv("NOCTURNE_EXPERIMENTAL_MODELS");
}

void tst_ModelRegistry::untrainedShownWithEnvFlag()
{
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / "m", package("dev-net", [](PackageSpec& p) { p.trained = false; }));
    ScanOptions o = isolated();
    o.extraFolders = {(root / "m").string()};
    qputenv("NOCTURNE_DEV_MODELS", "1");
    QVERIFY(ModelRegistry::scan(o).find("dev-net"));
    qputenv("NOCTURNE_DEV_MODELS", "0");
    QVERIFY(!ModelRegistry::scan(o).find("dev-net"));
}

void tst_ModelRegistry::firstIdWins()
{
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / "first", package("same", [](PackageSpec& p) { p.payload = "first copy"; }));
    writePackage(root / "later", package("same", [](PackageSpec& p) { p.payload = "second copy"; }));
    ScanOptions o = isolated();
    o.envFolders = {(root / "first").string()};
    o.extraFolders = {(root / "later").string()};
    const ModelRegistry r = ModelRegistry::scan(o);
    QCOMPARE(r.available().size(), std::size_t{1});
    QCOMPARE(fs::path(r.find("same")->modelPath), root / "first" / "same.pt");
    const RejectedModel* dup = rejectedById(r, "same");
    QVERIFY(dup);
    QCOMPARE(fs::path(dup->manifestPath), root / "later" / "same.json");
}

void tst_ModelRegistry::registerIntoAddsEnhancers()
{
    const fs::path root = m_dir.path().toStdString();
    writePackage(root / "m", package("raw-net", [](PackageSpec& p) { p.kind = "bayer_mosaic"; }));
    writePackage(root / "m", package("srgb-net"));
    ScanOptions o = isolated();
    o.extraFolders = {(root / "m").string()};
    const ModelRegistry models = ModelRegistry::scan(o);
    EnhancerRegistry registry = EnhancerRegistry::withClassicalMethods();
    const std::size_t before = registry.all().size();
    EngineOptions engine;
    engine.device = ComputeDevice::Cpu;
    engine.threads = 3;
    QCOMPARE(models.registerInto(registry, engine), 2);
    QCOMPARE(registry.all().size(), before + 2);
    const auto raw = std::dynamic_pointer_cast<const TorchEnhancer>(registry.find("raw-net"));
    QVERIFY(raw);
    QVERIFY(raw->info().inputKind == InputKind::BayerMosaic);
    QCOMPARE(raw->info().displayName, std::string("Model raw-net"));
    QCOMPARE(raw->configuredThreads(), 3);
    QVERIFY(!raw->isLoaded());   // lazy: nothing is loaded until used
    QCOMPARE(QString::fromStdString(raw->deviceDescription()), QString("CPU (3 threads)"));
}

QTEST_GUILESS_MAIN(tst_ModelRegistry)
#include "tst_ModelRegistry.moc"
