#include <QtTest>

#include <fstream>
#include <string>

#include "core/inference/ModelManifest.h"

using namespace nocturne::core;

namespace {

const char* const kValid = R"({
  "format_version": 1,
  "id": "lamba-mitra",
  "display_name": "Lamba & Mitra real-time RAW",
  "paper": "Lamba & Mitra, CVPR 2021",
  "file": "lamba-mitra.pt",
  "sha256": "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
  "input_kind": "bayer_mosaic",
  "size_multiple": 32,
  "input_scale": 1.0,
  "scale_factor": 1,
  "outputs": ["image"],
  "input_range": [0.0, 300.0],
  "output_range": [0.0, 1.0],
  "amplifier": "mosaic",
  "clip_input": false,
  "parameters": 783432,
  "licence": "MIT \u00a9 Nocturne",
  "trained": false,
  "training": { "command": "python train.py", "steps": 0, "notes": null },
  "evaluation": { }
})";

// kValid with one "key": value replaced (or removed when `value` is empty).
std::string withField(const std::string& key, const std::string& value)
{
    std::string text = kValid;
    const std::string needle = "\"" + key + "\": ";
    const auto start = text.find(needle);
    auto end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    const bool hadComma = !line.empty() && line.back() == ',';
    text.replace(start, end - start, value.empty() ? std::string("\"unused_key\": 0") + (hadComma ? "," : "")
                                                   : needle + value + (hadComma ? "," : ""));
    return text;
}

// kValid with an optional field it lacks added.
std::string withExtraField(const std::string& key, const std::string& value)
{
    std::string text = kValid;
    text.insert(text.find('{') + 1, "\n  \"" + key + "\": " + value + ",");
    return text;
}

}  // namespace

class tst_ModelManifest : public QObject {
    Q_OBJECT
private slots:
    void parsesValidManifest();
    void optionalFieldsHaveDefaults();
    void engineAmplifierForSrgbNetworks();
    void badField_data();
    void badField();
    void malformedJsonGivesLine();
    void loadNamesMissingFile();
    void loadReadsFile();
};

void tst_ModelManifest::parsesValidManifest()
{
    const Result<ModelManifest> m = ModelManifest::parse(kValid, "models/lamba-mitra.json");
    QVERIFY2(m.ok(), m.ok() ? "" : m.error().describe().c_str());
    QCOMPARE(m->formatVersion, 1);
    QCOMPARE(m->id, std::string("lamba-mitra"));
    QCOMPARE(m->displayName, std::string("Lamba & Mitra real-time RAW"));
    QCOMPARE(m->file, std::string("lamba-mitra.pt"));
    QCOMPARE(m->sha256, std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QVERIFY(m->inputKind == InputKind::BayerMosaic);
    QCOMPARE(m->sizeMultiple, 32);
    QCOMPARE(m->inputScale, 1.0);
    QCOMPARE(m->scaleFactor, 1);
    QCOMPARE(m->outputs, std::vector<std::string>{"image"});
    QVERIFY(!m->producesAttention());
    QVERIFY(m->inputRange.has_value());
    QCOMPARE(m->inputRange->second, 300.0);
    QVERIFY(m->amplifier == ModelAmplifier::Mosaic);
    QCOMPARE(m->clipInput, false);
    QCOMPARE(m->parameters, 783432LL);
    QCOMPARE(m->licence, std::string("MIT \xC2\xA9 Nocturne"));
    QCOMPARE(m->trained, false);
    QVERIFY(!m->memoryBytesPerPixel.has_value());
    QVERIFY(!m->cpuTile.has_value());
    QVERIFY(m->output == ModelOutput::Display);
}

void tst_ModelManifest::optionalFieldsHaveDefaults()
{
    const char* minimal = R"({"format_version": 1, "id": "sid", "display_name": "SID", "file": "sid.pt",
        "sha256": "0000000000000000000000000000000000000000000000000000000000000000",
        "input_kind": "packed_4ch", "size_multiple": 32, "outputs": ["image", "attention"],
        "amplifier": "mosaic", "trained": true, "memory_bytes_per_pixel": 96, "cpu_tile": 768})";
    const Result<ModelManifest> m = ModelManifest::parse(minimal, "sid.json");
    QVERIFY2(m.ok(), m.ok() ? "" : m.error().describe().c_str());
    QCOMPARE(m->inputScale, 1.0);
    QCOMPARE(m->scaleFactor, 1);
    QVERIFY(m->clipInput);   // packed_4ch follows SID: clipped unless the manifest says otherwise
    QVERIFY(m->producesAttention());
    QCOMPARE(m->memoryBytesPerPixel.value_or(0.0), 96.0);
    QCOMPARE(m->cpuTile.value_or(0), 768);
    QVERIFY(m->trained);
    const Result<ModelManifest> camera =
        ModelManifest::parse(withExtraField("output", "\"camera_linear\""), "lamba-mitra.json");
    QVERIFY2(camera.ok(), camera.ok() ? "" : camera.error().describe().c_str());
    QVERIFY(camera->output == ModelOutput::CameraLinear);
}

void tst_ModelManifest::engineAmplifierForSrgbNetworks()
{
    std::string text = withField("amplifier", "\"engine\"");
    const std::string kind = "\"input_kind\": \"bayer_mosaic\"";
    text.replace(text.find(kind), kind.size(), "\"input_kind\": \"srgb\"");
    const Result<ModelManifest> m = ModelManifest::parse(text, "models/ba-gan.json");
    QVERIFY2(m.ok(), m.ok() ? "" : m.error().describe().c_str());
    QVERIFY(m->amplifier == ModelAmplifier::Engine);
    QCOMPARE(toString(m->amplifier), std::string("engine"));
    QVERIFY(m->outputEncoding == OutputEncoding::Gamma);   // older packages: the reference gamma

    const std::string field = "\"amplifier\": \"engine\"";
    std::string srgb = text;
    srgb.replace(srgb.find(field), field.size(), field + ", \"output_encoding\": \"srgb\"");
    const Result<ModelManifest> s = ModelManifest::parse(srgb, "models/ba-gan.json");
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().describe().c_str());
    QVERIFY(s->outputEncoding == OutputEncoding::Srgb);
}

void tst_ModelManifest::badField_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("mentions");
    const auto row = [](const char* name, const std::string& json, const char* mentions) {
        QTest::newRow(name) << QString::fromStdString(json) << QString(mentions);
    };
    row("missing format_version", withField("format_version", ""), "format_version");
    row("format_version 2", withField("format_version", "2"), "format_version 2");
    row("format_version string", withField("format_version", "\"1\""), "format_version");
    row("missing id", withField("id", ""), "\"id\"");
    row("id with spaces", withField("id", "\"my model\""), "\"id\"");
    row("missing display_name", withField("display_name", ""), "display_name");
    row("missing file", withField("file", ""), "\"file\"");
    row("file is a path", withField("file", "\"../x.pt\""), "\"file\"");
    row("missing sha256", withField("sha256", ""), "sha256");
    row("short sha256", withField("sha256", "\"abc\""), "sha256");
    row("missing input_kind", withField("input_kind", ""), "input_kind");
    row("unknown input_kind", withField("input_kind", "\"xtrans\""), "xtrans");
    row("missing size_multiple", withField("size_multiple", ""), "size_multiple");
    row("zero size_multiple", withField("size_multiple", "0"), "size_multiple");
    row("fractional size_multiple", withField("size_multiple", "2.5"), "size_multiple");
    row("odd multiple for mosaic", withField("size_multiple", "3"), "size_multiple");
    row("input_scale above 1", withField("input_scale", "2.0"), "input_scale");
    row("scale_factor zero", withField("scale_factor", "0"), "scale_factor");
    row("cpu_tile below 64", withExtraField("cpu_tile", "32"), "cpu_tile");
    row("cpu_tile fractional", withExtraField("cpu_tile", "512.5"), "cpu_tile");
    row("cpu_tile huge", withExtraField("cpu_tile", "100000"), "cpu_tile");
    row("unknown output space", withExtraField("output", "\"xyz\""), "xyz");
    row("unknown output encoding", withExtraField("output_encoding", "\"rec709\""), "rec709");
    {
        std::string cameraSrgb = withExtraField("output", "\"camera_linear\"");
        cameraSrgb.replace(cameraSrgb.find("\"output\""), 8, "\"output_encoding\": \"srgb\", \"output\"");
        row("sRGB encoding of a camera-linear output", cameraSrgb, "output_encoding");
    }
    {
        std::string srgbCamera = withExtraField("output", "\"camera_linear\"");
        const std::string kind = "\"input_kind\": \"bayer_mosaic\"";
        srgbCamera.replace(srgbCamera.find(kind), kind.size(), "\"input_kind\": \"srgb\"");
        const std::string amp = "\"amplifier\": \"mosaic\"";
        srgbCamera.replace(srgbCamera.find(amp), amp.size(), "\"amplifier\": \"none\"");
        row("camera_linear output on an sRGB net", srgbCamera, "camera_linear");
    }
    row("missing outputs", withField("outputs", ""), "outputs");
    row("unknown output", withField("outputs", "[\"image\", \"depth\"]"), "outputs");
    row("outputs not array", withField("outputs", "\"image\""), "outputs");
    row("bad input_range", withField("input_range", "[300.0, 0.0]"), "input_range");
    row("missing amplifier", withField("amplifier", ""), "amplifier");
    row("unknown amplifier", withField("amplifier", "\"auto\""), "auto");
    row("engine amplifier on a mosaic", withField("amplifier", "\"engine\""), "engine");
    row("clip_input not bool", withField("clip_input", "\"no\""), "clip_input");
    row("missing trained", withField("trained", ""), "trained");
    row("trained as number", withField("trained", "1"), "trained");
    row("top level array", "[1, 2]", "object");
}

void tst_ModelManifest::badField()
{
    QFETCH(QString, json);
    QFETCH(QString, mentions);
    const Result<ModelManifest> m = ModelManifest::parse(json.toStdString(), "/opt/models/broken.json");
    QVERIFY(!m.ok());
    QCOMPARE(m.error().code, ErrorCode::CorruptData);
    QCOMPARE(m.error().context, std::string("/opt/models/broken.json"));
    const QString described = QString::fromStdString(m.error().describe());
    QVERIFY2(described.startsWith("/opt/models/broken.json: "), qPrintable(described));
    QVERIFY2(described.contains(mentions), qPrintable(described));
}

void tst_ModelManifest::malformedJsonGivesLine()
{
    const Result<ModelManifest> m = ModelManifest::parse("{\n \"id\": \"x\",\n \"file\" \"y\"\n}", "bad.json");
    QVERIFY(!m.ok());
    QCOMPARE(m.error().context, std::string("bad.json"));
    QVERIFY2(QString::fromStdString(m.error().message).contains("line 3"), m.error().message.c_str());
}

void tst_ModelManifest::loadNamesMissingFile()
{
    const Result<ModelManifest> m = ModelManifest::load("/nonexistent/model.json");
    QVERIFY(!m.ok());
    QCOMPARE(m.error().code, ErrorCode::NotFound);
    QCOMPARE(m.error().context, std::string("/nonexistent/model.json"));
}

void tst_ModelManifest::loadReadsFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("lamba-mitra.json").toStdString();
    std::ofstream(path) << kValid;
    const Result<ModelManifest> m = ModelManifest::load(path);
    QVERIFY(m.ok());
    QCOMPARE(m->id, std::string("lamba-mitra"));
}

QTEST_GUILESS_MAIN(tst_ModelManifest)
#include "tst_ModelManifest.moc"
