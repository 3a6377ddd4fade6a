#include <QtTest>

#include <algorithm>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/enhance/Gamma.h"
#include "core/image/SrgbCurve.h"
#include "core/base/Json.h"
#include "core/inference/ModelRegistry.h"
#include "core/inference/NetworkInput.h"
#include "core/inference/TorchEnhancer.h"

using namespace nocturne::core;

namespace {

template <typename T>
std::vector<T> readRaw(const std::string& path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    const auto size = static_cast<std::size_t>(in.tellg());
    std::vector<T> data(size / sizeof(T));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(T)));
    return data;
}

// Planar float32 3 x H x W -> CV_32FC3 (R, G, B).
cv::Mat fromPlanar(const std::vector<float>& data, int width, int height)
{
    std::vector<cv::Mat> planes;
    for (int c = 0; c < 3; ++c)
        planes.push_back(cv::Mat(height, width, CV_32FC1, const_cast<float*>(data.data()) + c * width * height).clone());
    cv::Mat out;
    cv::merge(planes, out);
    return out;
}

DecodedImage mosaicImage(const cv::Mat& dn, CfaPattern pattern, float black, float white, int orientation = 1)
{
    DecodedImage img;
    RawMosaic m;
    m.data = dn;
    m.pattern = pattern;
    m.blackLevel = {black, black, black, black};
    m.whiteLevel = white;
    img.mosaic = m;
    const bool swapped = orientation >= 5;
    img.rgb = ImageBuffer(swapped ? dn.rows : dn.cols, swapped ? dn.cols : dn.rows);
    img.rgb.mat().setTo(0.0f);
    img.meta.sensor = SensorKind::Bayer;
    img.meta.format = "DNG";
    img.meta.orientation = orientation;
    img.meta.sourcePath = "synthetic.dng";
    return img;
}

DecodedImage rgbImage(const cv::Mat& linear)
{
    DecodedImage img;
    img.rgb = ImageBuffer(linear);
    img.meta.format = "PNG";
    img.meta.sourcePath = "synthetic.png";
    return img;
}

// A smooth, strongly coloured scene (values in [0, 1]) at (x, y).
cv::Vec3f scene(int x, int y)
{
    return {0.6f + 0.3f * std::sin(x * 0.05f), 0.3f + 0.2f * std::cos(y * 0.07f), 0.1f + 0.05f * std::sin((x + y) * 0.03f)};
}

// The scene sampled through `pattern` as 16-bit DN.
cv::Mat sceneMosaic(int width, int height, CfaPattern pattern, int black, int white, int originX = 0, int originY = 0)
{
    cv::Mat dn(height, width, CV_16UC1);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const cv::Vec3f s = scene(x + originX, y + originY);
            const CfaColor c = cfaColorAt(pattern, y, x);
            const float v = c == CfaColor::R ? s[0] : c == CfaColor::B ? s[2] : s[1];
            dn.at<uint16_t>(y, x) = static_cast<uint16_t>(black + v * 0.1f * static_cast<float>(white - black));
        }
    return dn;
}

cv::Mat sceneRgb(int width, int height)
{
    cv::Mat rgb(height, width, CV_32FC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            rgb.at<cv::Vec3f>(y, x) = scene(x, y) * 0.1f;
    return rgb;
}

cv::Mat display(const EnhanceOutput& out)
{
    return Gamma::encode(out.image, Gamma::kReference).mat();
}

double maxDiff(const cv::Mat& a, const cv::Mat& b, int border = 0)
{
    const cv::Rect inner(border, border, a.cols - 2 * border, a.rows - 2 * border);
    return cv::norm(a(inner), b(inner), cv::NORM_INF);
}

}  // namespace

class tst_TorchEnhancer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void registryFindsFixtures();
    void parityWithEagerPyTorch_data();
    void parityWithEagerPyTorch();
    void cfaPhaseIsHandled_data();
    void cfaPhaseIsHandled();
    void tiledMatchesWhole_data();
    void tiledMatchesWhole();
    void cancelBetweenTiles();
    void cpuTileCapsTheBudgetTile();
    void attentionOutput();
    void cameraLinearOutputIsRendered();
    void srgbEncodedOutputIsDecodedWithTheSrgbCurve();
    void outputSizeMatchesSource_data();
    void outputSizeMatchesSource();
    void orientationFollowsDecoder_data();
    void orientationFollowsDecoder();
    void threadsOptionRespected_data();
    void threadsOptionRespected();
    void mosaicNetNotApplicableToJpeg();
    void loadErrorNamesModelFile();

private:
    // `edit` changes the fixture's manifest first (to test what a manifest field does).
    std::shared_ptr<TorchEnhancer> make(const std::string& id, EngineOptions options = {},
                                        const std::function<void(ModelManifest&)>& edit = {}) const;
    std::string fixture(const std::string& name) const { return m_dir.filePath(QString::fromStdString(name)).toStdString(); }

    QTemporaryDir m_dir;
    ModelRegistry m_models;
    int m_width = 0;
    int m_height = 0;
    float m_gain = 1.0f;
    float m_black = 0.0f;
    float m_white = 1.0f;
};

std::shared_ptr<TorchEnhancer> tst_TorchEnhancer::make(const std::string& id, EngineOptions options,
                                                       const std::function<void(ModelManifest&)>& edit) const
{
    const ModelEntry* e = m_models.find(id);
    if (!e)
        return nullptr;
    ModelManifest manifest = e->manifest;
    if (edit)
        edit(manifest);
    if (options.threads == 0)
        options.threads = 2;
    options.device = ComputeDevice::Cpu;
    // Parity is checked in fp32; bf16 has its own test (tst_TorchPrecision).
    options.cpuPrecision = CpuPrecision::Fp32;
    options.log = [](std::string_view) {};
    return std::make_shared<TorchEnhancer>(manifest, e->modelPath, options);
}

void tst_TorchEnhancer::initTestCase()
{
    const QString python = QStringLiteral(NOCTURNE_TORCH_PYTHON);
    if (python.isEmpty())
        QSKIP("no Python with PyTorch found at configure time; cannot make TorchScript fixtures");
    QVERIFY(m_dir.isValid());
    QProcess proc;
    proc.setProcessChannelMode(QProcess::MergedChannels);
    proc.start(python, {QStringLiteral(NOCTURNE_MAKE_TEST_MODELS), m_dir.path()});
    QVERIFY(proc.waitForFinished(120000));
    QVERIFY2(proc.exitCode() == 0, proc.readAll().constData());

    std::ifstream in(fixture("golden.json"));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const Result<JsonValue> golden = JsonValue::parse(text, "golden.json");
    QVERIFY(golden.ok());
    m_width = static_cast<int>(golden->find("width")->asNumber());
    m_height = static_cast<int>(golden->find("height")->asNumber());
    m_gain = static_cast<float>(golden->find("gain")->asNumber());
    m_black = static_cast<float>(golden->find("black")->asNumber());
    m_white = static_cast<float>(golden->find("white")->asNumber());

    ScanOptions scan;
    scan.useStandardLocations = false;
    scan.extraFolders = {m_dir.path().toStdString()};
    m_models = ModelRegistry::scan(scan);
}

void tst_TorchEnhancer::registryFindsFixtures()
{
    QCOMPARE(m_models.available().size(), std::size_t{4});
    for (const char* id : {"test-mosaic", "test-packed", "test-srgb-attention", "test-half-scale"})
        QVERIFY2(m_models.find(id), id);
    QVERIFY(!m_models.find("test-mosaic-dev"));   // trained: false
    ScanOptions dev;
    dev.useStandardLocations = false;
    dev.extraFolders = {m_dir.path().toStdString()};
    dev.includeUntrained = true;
    QCOMPARE(ModelRegistry::scan(dev).available().size(), std::size_t{8});
}

void tst_TorchEnhancer::parityWithEagerPyTorch_data()
{
    QTest::addColumn<QString>("id");
    QTest::newRow("bayer_mosaic") << "test-mosaic";
    QTest::newRow("packed_4ch") << "test-packed";
    QTest::newRow("srgb + attention") << "test-srgb-attention";
    QTest::newRow("srgb half-scale input") << "test-half-scale";
}

void tst_TorchEnhancer::parityWithEagerPyTorch()
{
    QFETCH(QString, id);
    const std::string name = id.toStdString();
    const auto enhancer = make(name);
    QVERIFY(enhancer);
    QVERIFY(enhancer->load().ok());

    DecodedImage image;
    if (enhancer->info().inputKind == InputKind::SrgbDisplay) {
        std::vector<float> rgb = readRaw<float>(fixture(name + ".golden_in.bin"));
        QCOMPARE(rgb.size(), std::size_t(m_width * m_height * 3));
        image = rgbImage(cv::Mat(m_height, m_width, CV_32FC3, rgb.data()).clone());
    } else {
        std::vector<uint16_t> dn = readRaw<uint16_t>(fixture(name + ".golden_in.bin"));
        QCOMPARE(dn.size(), std::size_t(m_width * m_height));
        image = mosaicImage(cv::Mat(m_height, m_width, CV_16UC1, dn.data()).clone(), CfaPattern::RGGB, m_black, m_white);
    }
    const Result<EnhanceOutput> out = enhancer->enhance({image, m_gain}, RunContext());
    QVERIFY2(out.ok(), out.ok() ? "" : out.error().describe().c_str());
    QVERIFY(out->image.encoding() == ColorEncoding::Linear);
    const cv::Mat expected = fromPlanar(readRaw<float>(fixture(name + ".golden_out.bin")), m_width, m_height);
    const double diff = maxDiff(display(*out), expected);
    QVERIFY2(diff < 1e-4, qPrintable(QString("max |C++ - eager| = %1").arg(diff)));

    if (enhancer->info().producesAttention) {
        std::vector<float> att = readRaw<float>(fixture(name + ".golden_att.bin"));
        const cv::Mat expectedAtt(m_height, m_width, CV_32FC1, att.data());
        QCOMPARE(out->attention.size(), expectedAtt.size());
        QVERIFY(maxDiff(out->attention, expectedAtt) < 1e-4);
    } else {
        QVERIFY(out->attention.empty());
    }
}

void tst_TorchEnhancer::cfaPhaseIsHandled_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("pattern");
    for (const char* id : {"test-mosaic", "test-packed"}) {
        QTest::addRow("%s GRBG", id) << id << static_cast<int>(CfaPattern::GRBG);
        QTest::addRow("%s GBRG", id) << id << static_cast<int>(CfaPattern::GBRG);
        QTest::addRow("%s BGGR", id) << id << static_cast<int>(CfaPattern::BGGR);
    }
}

void tst_TorchEnhancer::cfaPhaseIsHandled()
{
    QFETCH(QString, id);
    QFETCH(int, pattern);
    const auto enhancer = make(id.toStdString());
    const auto cfa = static_cast<CfaPattern>(pattern);
    const int w = 64, h = 48;
    const auto run = [&](CfaPattern p, CfaPattern declared) {
        const Result<EnhanceOutput> out =
            enhancer->enhance({mosaicImage(sceneMosaic(w, h, p, 64, 16383), declared, 64, 16383), 8.0f}, RunContext());
        return out.ok() ? display(*out) : cv::Mat();
    };
    const cv::Mat reference = run(CfaPattern::RGGB, CfaPattern::RGGB);
    const cv::Mat shifted = run(cfa, cfa);
    const cv::Mat mislabelled = run(cfa, CfaPattern::RGGB);   // what ignoring the phase would give
    QVERIFY(!reference.empty() && !shifted.empty() && !mislabelled.empty());
    QCOMPARE(shifted.size(), reference.size());
    // Same scene, sampled one site apart: nearly the same picture, except next to the border
    // where one row/column is mirrored in.
    const double phaseDiff = maxDiff(shifted, reference, 8);
    const double wrongDiff = maxDiff(mislabelled, reference, 8);
    QVERIFY2(phaseDiff < 0.02, qPrintable(QString("phase-handled diff %1").arg(phaseDiff)));
    QVERIFY2(wrongDiff > 4 * phaseDiff, qPrintable(QString("mislabelled diff %1 vs %2").arg(wrongDiff).arg(phaseDiff)));
}

void tst_TorchEnhancer::tiledMatchesWhole_data()
{
    QTest::addColumn<QString>("id");
    QTest::newRow("bayer_mosaic") << "test-mosaic";
    QTest::newRow("packed_4ch") << "test-packed";
    QTest::newRow("srgb + attention") << "test-srgb-attention";
    QTest::newRow("srgb half-scale input") << "test-half-scale";
}

void tst_TorchEnhancer::tiledMatchesWhole()
{
    QFETCH(QString, id);
    const auto whole = make(id.toStdString());
    EngineOptions tiny;
    tiny.tileSize = 48;
    tiny.tileOverlap = 16;
    const auto tiled = make(id.toStdString(), tiny);
    const int w = 203, h = 157;   // odd: exercises padding and phase handling too
    const DecodedImage image = whole->info().inputKind == InputKind::SrgbDisplay
        ? rgbImage(sceneRgb(w, h))
        : mosaicImage(sceneMosaic(w, h, CfaPattern::GBRG, 64, 16383), CfaPattern::GBRG, 64, 16383);
    QCOMPARE(whole->planTiles(cv::Size(w + 1, h + 1)).tiles().size(), std::size_t{1});
    const std::size_t tileCount = tiled->planTiles(cv::Size(w + 1, h + 1)).tiles().size();
    QVERIFY(tileCount >= 9);

    std::vector<std::string> stages;
    const RunContext ctx([&stages](double, std::string_view stage) { stages.emplace_back(stage); });
    const Result<EnhanceOutput> a = whole->enhance({image, 8.0f}, RunContext());
    const Result<EnhanceOutput> b = tiled->enhance({image, 8.0f}, ctx);
    QVERIFY(a.ok() && b.ok());
    const double diff = maxDiff(display(*a), display(*b), 16);
    QVERIFY2(diff < 1e-3, qPrintable(QString("tiled vs whole: %1").arg(diff)));
    if (!a->attention.empty())
        QVERIFY(maxDiff(a->attention, b->attention, 16) < 1e-3);
    QVERIFY(std::any_of(stages.begin(), stages.end(), [](const std::string& s) { return s.rfind("tile 3/", 0) == 0; }));
    QVERIFY(stages.size() >= tileCount);
}

void tst_TorchEnhancer::cpuTileCapsTheBudgetTile()
{
    // The budget alone fits a 1200x900 frame in one tile; the manifest's CPU sweet spot splits
    // it into tiles of at most cpu_tile (rounded to the net's grid), and an explicit tile size
    // (--tile) still wins.
    const ModelEntry* e = m_models.find("test-srgb-attention");
    QVERIFY(e);
    ModelManifest manifest = e->manifest;
    EngineOptions options;
    options.device = ComputeDevice::Cpu;
    options.memoryBudgetBytes = std::size_t{4} << 30;
    options.log = [](std::string_view) {};
    const cv::Size frame(1200, 900);
    QCOMPARE(TorchEnhancer(manifest, e->modelPath, options).planTiles(frame).tiles().size(), std::size_t{1});
    manifest.cpuTile = 300;
    const TorchEnhancer capped(manifest, e->modelPath, options);
    const Tiler tiler = capped.planTiles(frame);
    QVERIFY(tiler.tiles().size() >= 12);
    QVERIFY(tiler.settings().tileSize <= 300);
    QCOMPARE(tiler.settings().tileSize % capped.sizeMultiple(), 0);
    for (const Tile& t : tiler.tiles())
        QVERIFY(t.core.width <= 300 && t.core.height <= 300);
    options.tileSize = 600;
    QCOMPARE(TorchEnhancer(manifest, e->modelPath, options).planTiles(frame).settings().tileSize, 600);
}

void tst_TorchEnhancer::cancelBetweenTiles()
{
    EngineOptions tiny;
    tiny.tileSize = 32;
    tiny.tileOverlap = 8;
    const auto enhancer = make("test-srgb-attention", tiny);
    auto holder = std::make_shared<const RunContext*>(nullptr);
    int tilesDone = 0;
    const RunContext ctx([holder, &tilesDone](double, std::string_view stage) {
        if (stage.substr(0, 5) == "tile ") {
            ++tilesDone;
            (*holder)->requestStop();
        }
    });
    *holder = &ctx;
    const Result<EnhanceOutput> out = enhancer->enhance({rgbImage(sceneRgb(160, 128)), 4.0f}, ctx);
    QVERIFY(!out.ok());
    QCOMPARE(out.error().code, ErrorCode::Cancelled);
    QCOMPARE(tilesDone, 1);
}

// A net declaring output "camera_linear" is not gamma-decoded: its values are camera RGB that
// the engine white-balances and converts with the file's matrix (netinput::renderCameraRgb).
void tst_TorchEnhancer::cameraLinearOutputIsRendered()
{
    const auto asDisplay = make("test-mosaic");
    const auto camera = make("test-mosaic", {}, [](ModelManifest& m) { m.output = ModelOutput::CameraLinear; });
    QVERIFY(asDisplay && camera);
    const TorchEnhancer& asCamera = *camera;

    DecodedImage img = mosaicImage(sceneMosaic(64, 48, CfaPattern::RGGB, 64, 16383), CfaPattern::RGGB, 64, 16383);
    img.mosaic->whiteBalance = {2.2f, 1.0f, 1.4f, 1.0f};
    img.mosaic->cameraToSrgb = cv::Matx33f(1.6f, -0.5f, -0.1f, -0.2f, 1.4f, -0.2f, 0.0f, -0.4f, 1.4f);
    const Result<EnhanceOutput> d = asDisplay->enhance({img, 8.0f}, RunContext());
    const Result<EnhanceOutput> c = asCamera.enhance({img, 8.0f}, RunContext());
    QVERIFY(d.ok() && c.ok());
    const cv::Mat raw = display(*d);   // the network's own output values
    const cv::Mat expected = netinput::renderCameraRgb(raw, *img.mosaic);
    QVERIFY(c->image.encoding() == ColorEncoding::Linear);
    const double diff = maxDiff(c->image.mat(), expected);
    QVERIFY2(diff < 1e-4, qPrintable(QString("camera-linear output off by %1").arg(diff)));
    QVERIFY(maxDiff(c->image.mat(), d->image.mat()) > 0.05);   // not the display convention

    // Where the amplified mosaic clipped (a lamp), the decoder's rendering takes over.
    DecodedImage lamp = img;
    lamp.mosaic->data = img.mosaic->data.clone();
    lamp.mosaic->data(cv::Rect(20, 16, 12, 12)).setTo(16383);
    lamp.rgb = ImageBuffer(64, 48);
    lamp.rgb.mat().setTo(cv::Scalar(0.05f, 0.04f, 0.03f));
    const Result<EnhanceOutput> l = asCamera.enhance({lamp, 8.0f}, RunContext());
    QVERIFY(l.ok());
    const cv::Vec3f core = l->image.mat().at<cv::Vec3f>(22, 26);
    QVERIFY2(std::abs(core[0] - 0.4f) < 1e-3f && std::abs(core[1] - 0.32f) < 1e-3f && std::abs(core[2] - 0.24f) < 1e-3f,
             qPrintable(QString("%1 %2 %3").arg(core[0]).arg(core[1]).arg(core[2])));
    const double far = cv::norm(l->image.mat()(cv::Rect(48, 0, 16, 8)), c->image.mat()(cv::Rect(48, 0, 16, 8)), cv::NORM_INF);
    QVERIFY2(far < 1e-4, qPrintable(QString::number(far)));   // far from it, the network as before
}

// A display output declared sRGB-encoded (networks trained on targets encoded as their input
// is) is decoded with the exact sRGB curve, not the reference gamma.
void tst_TorchEnhancer::srgbEncodedOutputIsDecodedWithTheSrgbCurve()
{
    const auto asGamma = make("test-srgb-attention");
    const auto srgb = make("test-srgb-attention", {}, [](ModelManifest& m) { m.outputEncoding = OutputEncoding::Srgb; });
    QVERIFY(asGamma && srgb);
    const TorchEnhancer& asSrgb = *srgb;

    const DecodedImage img = rgbImage(sceneRgb(64, 48));
    const Result<EnhanceOutput> g = asGamma->enhance({img, 4.0f}, RunContext());
    const Result<EnhanceOutput> s = asSrgb.enhance({img, 4.0f}, RunContext());
    QVERIFY(g.ok() && s.ok());
    const cv::Mat raw = display(*g);   // the network's own output values
    QVERIFY(s->image.encoding() == ColorEncoding::Linear);
    const double diff = maxDiff(s->image.mat(), decodeSrgb(ImageBuffer(raw, ColorEncoding::Display)).mat());
    QVERIFY2(diff < 1e-5, qPrintable(QString("sRGB-decoded output off by %1").arg(diff)));
    QVERIFY(maxDiff(s->image.mat(), g->image.mat()) > 0.005);   // not the gamma convention
}

void tst_TorchEnhancer::attentionOutput()
{
    const auto enhancer = make("test-srgb-attention");
    QVERIFY(enhancer->info().producesAttention);
    const Result<EnhanceOutput> out = enhancer->enhance({rgbImage(sceneRgb(77, 53)), 4.0f}, RunContext());
    QVERIFY(out.ok());
    QCOMPARE(out->attention.type(), CV_32FC1);
    QCOMPARE(out->attention.size(), cv::Size(77, 53));
    double lo = 0.0, hi = 0.0;
    cv::minMaxLoc(out->attention, &lo, &hi);
    QVERIFY(lo >= 0.0 && hi <= 1.0 && hi > lo);
}

void tst_TorchEnhancer::outputSizeMatchesSource_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::newRow("mosaic 75x51") << "test-mosaic" << 75 << 51;
    QTest::newRow("packed 33x17") << "test-packed" << 33 << 17;
    QTest::newRow("srgb 61x45") << "test-srgb-attention" << 61 << 45;
    QTest::newRow("half-scale 57x39") << "test-half-scale" << 57 << 39;
}

void tst_TorchEnhancer::outputSizeMatchesSource()
{
    QFETCH(QString, id);
    QFETCH(int, width);
    QFETCH(int, height);
    const auto enhancer = make(id.toStdString());
    const DecodedImage image = enhancer->info().inputKind == InputKind::SrgbDisplay
        ? rgbImage(sceneRgb(width, height))
        : mosaicImage(sceneMosaic(width, height, CfaPattern::BGGR, 64, 16383), CfaPattern::BGGR, 64, 16383);
    const Result<EnhanceOutput> out = enhancer->enhance({image, 4.0f}, RunContext());
    QVERIFY2(out.ok(), out.ok() ? "" : out.error().describe().c_str());
    QCOMPARE(out->image.width(), width);
    QCOMPARE(out->image.height(), height);
    QCOMPARE(out->image.mat().type(), CV_32FC3);
    double lo = 0.0, hi = 0.0;
    cv::minMaxLoc(out->image.mat().reshape(1), &lo, &hi);
    QVERIFY(lo >= 0.0 && hi <= 1.0 && hi > 0.0);
}

void tst_TorchEnhancer::orientationFollowsDecoder_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<int>("rotateCode");   // -1: none
    QTest::newRow("3: 180") << 3 << static_cast<int>(cv::ROTATE_180);
    QTest::newRow("6: 90 cw") << 6 << static_cast<int>(cv::ROTATE_90_CLOCKWISE);
    QTest::newRow("8: 90 ccw") << 8 << static_cast<int>(cv::ROTATE_90_COUNTERCLOCKWISE);
}

void tst_TorchEnhancer::orientationFollowsDecoder()
{
    QFETCH(int, orientation);
    QFETCH(int, rotateCode);
    const auto enhancer = make("test-mosaic");
    const cv::Mat dn = sceneMosaic(64, 40, CfaPattern::RGGB, 64, 16383);
    const Result<EnhanceOutput> upright = enhancer->enhance({mosaicImage(dn, CfaPattern::RGGB, 64, 16383), 4.0f}, RunContext());
    const Result<EnhanceOutput> turned =
        enhancer->enhance({mosaicImage(dn, CfaPattern::RGGB, 64, 16383, orientation), 4.0f}, RunContext());
    QVERIFY(upright.ok() && turned.ok());
    cv::Mat expected;
    cv::rotate(upright->image.mat(), expected, rotateCode);
    QCOMPARE(turned->image.mat().size(), expected.size());
    QCOMPARE(cv::norm(turned->image.mat(), expected, cv::NORM_INF), 0.0);
}

void tst_TorchEnhancer::threadsOptionRespected_data()
{
    QTest::addColumn<int>("threads");
    QTest::newRow("1 thread") << 1;
    QTest::newRow("2 threads") << 2;
    QTest::newRow("3 threads") << 3;
}

void tst_TorchEnhancer::threadsOptionRespected()
{
    QFETCH(int, threads);
    EngineOptions options;
    options.threads = threads;
    const auto enhancer = make("test-srgb-attention", options);
    QCOMPARE(enhancer->configuredThreads(), threads);
    QVERIFY(enhancer->enhance({rgbImage(sceneRgb(32, 24)), 1.0f}, RunContext()).ok());
    QCOMPARE(TorchEnhancer::currentThreadCount(), threads);
    const QString expected = QString("CPU (%1 thread%2)").arg(threads).arg(threads == 1 ? "" : "s");
    QCOMPARE(QString::fromStdString(enhancer->deviceDescription()), expected);
}

void tst_TorchEnhancer::mosaicNetNotApplicableToJpeg()
{
    const auto enhancer = make("test-mosaic");
    DecodedImage jpeg = rgbImage(sceneRgb(32, 24));
    jpeg.meta.format = "JPEG";
    const Result<EnhanceOutput> out = enhancer->enhance({jpeg, 1.0f}, RunContext());
    QVERIFY(!out.ok());
    QCOMPARE(out.error().code, ErrorCode::NotApplicable);
    QVERIFY(!enhancer->isLoaded());   // refused before loading anything
}

void tst_TorchEnhancer::loadErrorNamesModelFile()
{
    const std::string path = fixture("garbage.pt");
    std::ofstream(path, std::ios::binary) << "this is not a TorchScript archive";
    ModelManifest manifest = m_models.find("test-srgb-attention")->manifest;
    manifest.id = "garbage";
    EngineOptions options;
    options.device = ComputeDevice::Cpu;
    options.log = [](std::string_view) {};
    const TorchEnhancer enhancer(manifest, path, options);
    const Result<void> loaded = enhancer.load();
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().code, ErrorCode::CorruptData);
    QCOMPARE(loaded.error().context, path);
    const Result<EnhanceOutput> out = enhancer.enhance({rgbImage(sceneRgb(16, 16)), 1.0f}, RunContext());
    QVERIFY(!out.ok());
    QCOMPARE(out.error().context, path);
}

QTEST_GUILESS_MAIN(tst_TorchEnhancer)
#include "tst_TorchEnhancer.moc"
