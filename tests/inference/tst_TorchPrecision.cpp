// TorchModel's CPU precision: bf16 autocast when asked, or when the CPU has it natively and the
// network keeps its accuracy at load; fp32 otherwise. Likewise the memory layout (channels-last
// when faster). Runs a shipped network (ba-gan, sRGB).
#include <QtTest>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/base/Json.h"
#include "core/inference/CpuTuningStore.h"
#include "core/inference/TorchModel.h"

using namespace nocturne::core;

namespace {

const std::string kModel = std::string(NOCTURNE_SOURCE_MODEL_DIR) + "/ba-gan.pt";

std::vector<cv::Mat> input()
{
    std::vector<cv::Mat> planes;
    cv::RNG rng(7);
    for (int c = 0; c < 3; ++c) {
        cv::Mat p(128, 128, CV_32FC1);
        rng.fill(p, cv::RNG::UNIFORM, 0.0, 0.6);
        planes.push_back(p);
    }
    return planes;
}

double psnr(const std::vector<cv::Mat>& a, const std::vector<cv::Mat>& b)
{
    double se = 0.0;
    double n = 0.0;
    for (size_t c = 0; c < a.size(); ++c) {
        cv::Mat ca, cb;
        cv::min(cv::max(a[c], 0.0), 1.0, ca);
        cv::min(cv::max(b[c], 0.0), 1.0, cb);
        se += cv::norm(ca, cb, cv::NORM_L2SQR);
        n += static_cast<double>(ca.total());
    }
    return se > 0 ? 10.0 * std::log10(n / se) : 99.0;
}

EngineOptions cpu(CpuPrecision precision, std::vector<std::string>* log = nullptr,
                  CpuLayout layout = CpuLayout::Contiguous)
{
    EngineOptions o;
    o.device = ComputeDevice::Cpu;
    o.threads = 2;
    o.cpuPrecision = precision;
    o.cpuLayout = layout;
    o.log = [log](std::string_view line) {
        if (log)
            log->emplace_back(line);
    };
    return o;
}

}  // namespace

class tst_TorchPrecision : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { unsetenv("NOCTURNE_CPU_BF16"); }
    void bf16IsCloseToFp32AndSaysSo();
    void autoStaysFp32WithoutNativeBf16();
    void autoFallsBackWhenTheModelLosesAccuracy();
    void precisionNamesRoundTrip();
    void channelsLastGivesTheSameOutput_data();
    void channelsLastGivesTheSameOutput();
    void autoLayoutIsTimedAndExplained();
    void layoutNamesRoundTrip();
    void autoDecisionsAreKeptForTheNextLoad();
    void decisionsAreKeptOnlyWithAFileAndAModelHash_data();
    void decisionsAreKeptOnlyWithAFileAndAModelHash();
};

void tst_TorchPrecision::bf16IsCloseToFp32AndSaysSo()
{
    // Forced bf16 on a CPU without it is emulated (and may lack kernels in Debian's LibTorch):
    // what users get there is fp32, which the other tests cover.
    if (!cpuHasNativeBf16())
        QSKIP("this CPU has no native bfloat16 (AVX-512 BF16 / AMX)");
    TorchModel fp32(kModel, cpu(CpuPrecision::Fp32));
    TorchModel bf16(kModel, cpu(CpuPrecision::Bf16));
    const auto a = fp32.run(input());
    const auto b = bf16.run(input());
    QVERIFY2(a.ok(), a.ok() ? "" : a.error().describe().c_str());
    QVERIFY2(b.ok(), b.ok() ? "" : b.error().describe().c_str());
    QVERIFY(!fp32.runsInBf16());
    QVERIFY(bf16.runsInBf16());
    QVERIFY2(QString::fromStdString(bf16.deviceDescription()).contains("bf16"), bf16.deviceDescription().c_str());
    QVERIFY(!QString::fromStdString(fp32.deviceDescription()).contains("bf16"));
    const double db = psnr(a->image, b->image);
    QVERIFY2(db > 40.0 && db < 99.0, qPrintable(QString("bf16 vs fp32: %1 dB").arg(db)));   // close, not identical
}

void tst_TorchPrecision::autoStaysFp32WithoutNativeBf16()
{
    setenv("NOCTURNE_CPU_BF16", "0", 1);
    QVERIFY(!cpuHasNativeBf16());
    std::vector<std::string> log;
    TorchModel model(kModel, cpu(CpuPrecision::Auto, &log));
    QVERIFY(model.run(input()).ok());
    QVERIFY(!model.runsInBf16());
    for (const auto& line : log)
        QVERIFY2(line.find("bf16 check") == std::string::npos, line.c_str());   // not even tried
}

void tst_TorchPrecision::autoFallsBackWhenTheModelLosesAccuracy()
{
    setenv("NOCTURNE_CPU_BF16", "1", 1);
    std::vector<std::string> log;
    PrecisionCheck impossible;
    impossible.side = 64;
    impossible.minPsnr = 200.0;   // no bf16 output is that close
    TorchModel model(kModel, cpu(CpuPrecision::Auto, &log), impossible);
    QVERIFY(model.load().ok());
    QVERIFY(!model.runsInBf16());
    bool explained = false;
    for (const auto& line : log)
        explained |= line.find("bf16 check") != std::string::npos && line.find("stays in fp32") != std::string::npos;
    QVERIFY2(explained, log.empty() ? "no log" : log.back().c_str());
}

void tst_TorchPrecision::precisionNamesRoundTrip()
{
    for (const auto p : {CpuPrecision::Auto, CpuPrecision::Fp32, CpuPrecision::Bf16})
        QVERIFY(parseCpuPrecision(toString(p)) == p);
    QVERIFY(!parseCpuPrecision("fp16"));
}

void tst_TorchPrecision::channelsLastGivesTheSameOutput_data()
{
    QTest::addColumn<int>("precision");
    QTest::newRow("fp32") << static_cast<int>(CpuPrecision::Fp32);
    if (cpuHasNativeBf16())
        QTest::newRow("bf16") << static_cast<int>(CpuPrecision::Bf16);
}

// NHWC changes only the order of memory accesses (and so of float sums): the picture stays.
void tst_TorchPrecision::channelsLastGivesTheSameOutput()
{
    QFETCH(int, precision);
    const auto p = static_cast<CpuPrecision>(precision);
    TorchModel nchw(kModel, cpu(p, nullptr, CpuLayout::Contiguous));
    TorchModel nhwc(kModel, cpu(p, nullptr, CpuLayout::ChannelsLast));
    const auto a = nchw.run(input());
    const auto b = nhwc.run(input());
    QVERIFY2(a.ok(), a.ok() ? "" : a.error().describe().c_str());
    QVERIFY2(b.ok(), b.ok() ? "" : b.error().describe().c_str());
    QVERIFY(!nchw.runsChannelsLast());
    QVERIFY(nhwc.runsChannelsLast());
    QCOMPARE(b->image.size(), a->image.size());
    QCOMPARE(b->image.front().size(), a->image.front().size());
    QVERIFY(b->image.front().isContinuous());
    const double db = psnr(a->image, b->image);
    const double needs = p == CpuPrecision::Fp32 ? 80.0 : 45.0;   // fp32: rounding only
    QVERIFY2(db >= needs, qPrintable(QString("channels-last vs contiguous: %1 dB").arg(db)));
    if (!b->attention.empty()) {
        cv::Mat diff;
        cv::absdiff(a->attention, b->attention, diff);
        double worst = 0.0;
        cv::minMaxLoc(diff, nullptr, &worst);
        QVERIFY2(worst < 0.02, qPrintable(QString("attention differs by %1").arg(worst)));
    }
}

void tst_TorchPrecision::autoLayoutIsTimedAndExplained()
{
    std::vector<std::string> log;
    TorchModel model(kModel, cpu(CpuPrecision::Fp32, &log, CpuLayout::Auto));
    QVERIFY(model.load().ok());
    std::string said;
    for (const auto& line : log)
        if (line.find("layout check") != std::string::npos)
            said = line;
    QVERIFY2(!said.empty(), log.empty() ? "no log" : log.back().c_str());
    // The decision the line announces is the one the model runs with.
    QCOMPARE(said.find("runs channels-last") != std::string::npos, model.runsChannelsLast());
    QCOMPARE(said.find("stays contiguous") != std::string::npos, !model.runsChannelsLast());
    // Whatever was chosen, the output is the network's.
    TorchModel nchw(kModel, cpu(CpuPrecision::Fp32));
    const auto a = nchw.run(input());
    const auto b = model.run(input());
    QVERIFY(a.ok() && b.ok());
    QVERIFY(psnr(a->image, b->image) >= 80.0);
}

void tst_TorchPrecision::layoutNamesRoundTrip()
{
    for (const auto l : {CpuLayout::Auto, CpuLayout::Contiguous, CpuLayout::ChannelsLast})
        QVERIFY(parseCpuLayout(toString(l)) == l);
    QVERIFY(!parseCpuLayout("nhwc"));
}

bool saidAny(const std::vector<std::string>& log, const char* text)
{
    for (const auto& line : log)
        if (line.find(text) != std::string::npos)
            return true;
    return false;
}

void tst_TorchPrecision::autoDecisionsAreKeptForTheNextLoad()
{
    QTemporaryDir dir;
    const std::string file = dir.filePath("cpu-tuning.json").toStdString();
    PrecisionCheck check;
    check.modelSha256 = "0123abcd";
    std::vector<std::string> first;
    EngineOptions o = cpu(CpuPrecision::Auto, &first, CpuLayout::Auto);
    o.tuningFile = file;
    TorchModel measured(kModel, o, check);
    QVERIFY(measured.load().ok());
    QVERIFY2(saidAny(first, "layout check"), first.empty() ? "no log" : first.back().c_str());

    // A later load (a later run of the program) takes the decisions instead of timing again.
    std::vector<std::string> second;
    o.log = [&second](std::string_view line) { second.emplace_back(line); };
    TorchModel reloaded(kModel, o, check);
    QVERIFY(reloaded.load().ok());
    QVERIFY(!saidAny(second, "layout check") && !saidAny(second, "bf16 check"));
    QVERIFY2(saidAny(second, "as decided on an earlier load"), second.empty() ? "no log" : second.back().c_str());
    QCOMPARE(reloaded.runsInBf16(), measured.runsInBf16());
    QCOMPARE(reloaded.runsChannelsLast(), measured.runsChannelsLast());

    // It is the file that decides: the opposite layout written there is what the next load runs.
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = JsonValue::parse(text.str());
    QVERIFY(doc.ok() && doc->find("decisions") && doc->find("decisions")->members().size() == 1);
    const std::string key = doc->find("decisions")->members().begin()->first;
    QVERIFY(key.find("0123abcd") == 0);
    QVERIFY(CpuTuningStore(file).store(key, CpuTuning{false, !measured.runsChannelsLast()}).ok());
    TorchModel obeying(kModel, o, check);
    QVERIFY(obeying.load().ok());
    QCOMPARE(obeying.runsChannelsLast(), !measured.runsChannelsLast());
    QVERIFY(!obeying.runsInBf16());
    // Either way the output is the network's.
    const auto a = measured.run(input());
    const auto b = obeying.run(input());
    QVERIFY(a.ok() && b.ok());
    QVERIFY(psnr(a->image, b->image) >= check.minPsnr);
}

void tst_TorchPrecision::decisionsAreKeptOnlyWithAFileAndAModelHash_data()
{
    QTest::addColumn<bool>("withFile");
    QTest::addColumn<QString>("sha");
    QTest::addColumn<int>("precision");
    QTest::addColumn<int>("layout");
    QTest::addColumn<bool>("kept");
    const int fp32 = int(CpuPrecision::Fp32), automatic = int(CpuPrecision::Auto);
    const int contiguous = int(CpuLayout::Contiguous), autoLayout = int(CpuLayout::Auto);
    QTest::newRow("auto layout") << true << "ab" << fp32 << autoLayout << true;
    QTest::newRow("both forced: nothing to keep") << true << "ab" << fp32 << contiguous << false;
    QTest::newRow("no model hash") << true << "" << automatic << autoLayout << false;
    QTest::newRow("no file") << false << "ab" << automatic << autoLayout << false;
}

void tst_TorchPrecision::decisionsAreKeptOnlyWithAFileAndAModelHash()
{
    QFETCH(bool, withFile);
    QFETCH(QString, sha);
    QFETCH(int, precision);
    QFETCH(int, layout);
    QFETCH(bool, kept);
    QTemporaryDir dir;
    const std::string file = dir.filePath("cpu-tuning.json").toStdString();
    EngineOptions o = cpu(CpuPrecision(precision), nullptr, CpuLayout(layout));
    if (withFile)
        o.tuningFile = file;
    PrecisionCheck check;
    check.modelSha256 = sha.toStdString();
    TorchModel model(kModel, o, check);
    QVERIFY(model.load().ok());
    QCOMPARE(QFileInfo::exists(QString::fromStdString(file)), kept);
}

QTEST_GUILESS_MAIN(tst_TorchPrecision)
#include "tst_TorchPrecision.moc"
