// nocturne-bench-networks: latency and peak memory of each network through the C++ engine
// (TorchModel, the same code path TorchEnhancer uses) at 512x512, 1920x1080 and 4256x2848,
// plus Lamba & Mitra with forked vs sequential encoder branches. Each network runs in fp32 and
// at the automatic CPU precision and layout (bf16 where the CPU has it and the load-time check
// passes; channels-last where the load-time timing says it is faster) in the same run, and the auto/fp32 time ratios are printed at the end. Weights are random
// (latency does not depend on them; the bf16 accuracy check sees random weights too); the
// models are exported at start-up by models/training/export.py.
//
//   --engine   instead: 12 MP and 24 MP frames as the engine runs them, in the tiles
//              TorchEnhancer::planTiles lays out (manifest cpu_tile, memory budget) at the
//              automatic layout (or --layout's), against the same tiles in contiguous NCHW (--against
//              contiguous, the default) or against one whole-frame-budget layout (--against
//              budget: the engine before cpu_tile) in the same run.
//   --tiles    instead: the cost per owned megapixel of one interior tile (core T plus the
//              64 px overlap on each side) for T = 256 ... 1536: the curve cpu_tile is read from.
//
//   nocturne-bench-networks [--threads N] [--only ID]
//                           [--engine [--against contiguous|budget] [--layout L] [--repeats N] | --tiles]
//                           [google-benchmark flags]

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include <unistd.h>

#include "core/inference/ModelManifest.h"
#include "core/inference/TorchEnhancer.h"
#include "core/inference/TorchModel.h"

namespace fs = std::filesystem;
using namespace nocturne::core;

namespace {

struct Size {
    const char* name;
    int width;
    int height;
};
constexpr Size kSizes[] = {{"512x512", 512, 512}, {"1920x1080", 1920, 1080}, {"4256x2848", 4256, 2848}};

int g_threads = 0;
int g_repeats = 1;
CpuLayout g_layout = CpuLayout::Auto;   // --layout: the "planned" variant's layout in --engine   // timed runs of each --engine frame (the fastest networks need several)

// Peak resident memory since the last reset, from /proc (Linux). Writing "5" to clear_refs
// resets VmHWM, so each benchmark sees its own peak.
long long readKib(const char* field)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field, 0) == 0)
            return std::atoll(line.c_str() + std::strlen(field));
    return -1;
}
void resetPeakRss()
{
    std::ofstream("/proc/self/clear_refs") << "5";
}

// Loads the model, or marks the benchmark skipped with the reason.
bool loadOrSkip(benchmark::State& state, TorchModel& model)
{
    if (auto loaded = model.load(); !loaded) {
        state.SkipWithError(loaded.error().describe().c_str());
        return false;
    }
    return true;
}

// One network run whose output the optimiser must keep, or a skip with the reason.
bool runOrSkip(benchmark::State& state, TorchModel& model, const std::vector<cv::Mat>& planes)
{
    auto out = model.run(planes);
    if (!out) {
        state.SkipWithError(out.error().describe().c_str());
        return false;
    }
    benchmark::DoNotOptimize(out->image.data());
    return true;
}

// The tensor a network receives for a full-resolution W x H image, per its input kind.
std::vector<cv::Mat> inputFor(const ModelManifest& m, int width, int height)
{
    int channels = 3;
    int w = width;
    int h = height;
    if (m.inputKind == InputKind::BayerMosaic) {
        channels = 1;
    } else if (m.inputKind == InputKind::PackedBayer) {
        channels = 4;
        w /= 2;
        h /= 2;
    }
    if (m.inputScale < 1.0) {
        w = static_cast<int>(w * m.inputScale);
        h = static_cast<int>(h * m.inputScale);
    }
    std::vector<cv::Mat> planes;
    cv::RNG rng(42);
    for (int c = 0; c < channels; ++c) {
        cv::Mat p(h, w, CV_32FC1);
        rng.fill(p, cv::RNG::UNIFORM, 0.0, 0.3);
        planes.push_back(p);
    }
    return planes;
}

void runNetwork(benchmark::State& state, std::shared_ptr<TorchModel> model, ModelManifest manifest, Size size)
{
    const auto input = inputFor(manifest, size.width, size.height);
    if (!loadOrSkip(state, *model))
        return;
    // TorchScript's profiling executor optimises the graph during the first runs of a shape;
    // users pay that once per session, so it is kept out of the timings. A full 12 MP frame
    // takes minutes on a small CPU, against which that one-off cost is small: no warm-up there.
    const long long pixels = static_cast<long long>(size.width) * size.height;
    const int warmups = pixels > 4'000'000 ? 0 : pixels > 1'000'000 ? 1 : 2;
    for (int i = 0; i < warmups; ++i) {
        if (!runOrSkip(state, *model, input))
            return;
    }
    const long long baseline = readKib("VmRSS:");
    resetPeakRss();
    for (auto _ : state) {
        if (!runOrSkip(state, *model, input))
            return;
    }
    const double gmac = manifest.gmac512 * (double(size.width) * size.height) / (512.0 * 512.0);
    state.counters["peak_rss_MiB"] = double(readKib("VmHWM:")) / 1024.0;
    state.counters["peak_over_idle_MiB"] = double(readKib("VmHWM:") - baseline) / 1024.0;
    state.counters["GMAC"] = gmac;
    state.counters["GMAC_per_s"] = benchmark::Counter(gmac, benchmark::Counter::kIsIterationInvariantRate);
    state.SetLabel(model->deviceDescription());
}

// The console table, then one line per network and size: the time of the `numerator` variant
// over the `denominator` one (names "<net>/<variant>/<size>").
class RatioReporter : public benchmark::ConsoleReporter {
public:
    RatioReporter(std::string numerator, std::string denominator, std::string title)
        : m_numerator("/" + std::move(numerator) + "/"), m_denominator("/" + std::move(denominator) + "/"),
          m_title(std::move(title))
    {
    }
    void ReportRuns(const std::vector<Run>& runs) override
    {
        for (const Run& run : runs)
            if (!run.error_occurred)
                m_seconds[run.benchmark_name()] = run.GetAdjustedRealTime();
        ConsoleReporter::ReportRuns(runs);
    }
    void Finalize() override
    {
        ConsoleReporter::Finalize();
        std::cout << "\n" << m_title << "\n";
        for (const auto& [name, seconds] : m_seconds) {
            const auto at = name.find(m_denominator);
            if (at == std::string::npos)
                continue;
            std::string other = name;
            other.replace(at, m_denominator.size(), m_numerator);
            const auto found = m_seconds.find(other);
            if (found != m_seconds.end() && seconds > 0)
                std::printf("  %-40s %.2f\n", other.c_str(), found->second / seconds);
        }
    }

private:
    std::string m_numerator;
    std::string m_denominator;
    std::string m_title;
    std::map<std::string, double> m_seconds;
};

// Random network planes for every distinct tile input size of a layout, made once.
std::map<std::pair<int, int>, std::vector<cv::Mat>> planesForTiles(const ModelManifest& m, const Tiler& tiler)
{
    std::map<std::pair<int, int>, std::vector<cv::Mat>> planes;
    for (const Tile& t : tiler.tiles()) {
        const auto key = std::make_pair(t.input.width, t.input.height);
        if (!planes.count(key))
            planes[key] = inputFor(m, t.input.width, t.input.height);
    }
    return planes;
}

// One frame in the given tile layout: the network runs of TorchEnhancer::runTiled (the
// blending around them is a few percent of a network's time and is left out).
void runFrame(benchmark::State& state, std::shared_ptr<TorchModel> model, ModelManifest manifest, Tiler tiler)
{
    if (!loadOrSkip(state, *model))
        return;
    const auto planes = planesForTiles(manifest, tiler);
    // One pass per distinct tile shape first: the profiling executor optimises each shape on
    // its first runs, and oneDNN builds its kernels per shape and layout once per process, so
    // without it the variant that runs first pays for both.
    for (const auto& [shape, input] : planes) {
        for (int i = 0; i < 2; ++i)
            if (!runOrSkip(state, *model, input))
                return;
    }
    const long long baseline = readKib("VmRSS:");
    resetPeakRss();
    for (auto _ : state) {
        for (const Tile& t : tiler.tiles()) {
            if (!runOrSkip(state, *model, planes.at({t.input.width, t.input.height})))
                return;
        }
    }
    state.counters["tiles"] = double(tiler.tiles().size());
    state.counters["tile_core"] = double(tiler.settings().tileSize);
    state.counters["peak_rss_MiB"] = double(readKib("VmHWM:")) / 1024.0;
    state.counters["peak_over_idle_MiB"] = double(readKib("VmHWM:") - baseline) / 1024.0;
    state.SetLabel(model->deviceDescription());
}

// One interior tile of core edge `core` with the engine's default 64 px overlap on each side;
// reports milliseconds per megapixel the tile owns (so the overlap's cost is counted).
void runTile(benchmark::State& state, std::shared_ptr<TorchModel> model, ModelManifest manifest, int core,
             int multiple)
{
    if (!loadOrSkip(state, *model))
        return;
    const int edge = Tiler::roundUp(core + 2 * 64, multiple);
    const auto input = inputFor(manifest, edge, edge);
    if (!runOrSkip(state, *model, input))   // the profiling executor's first-shape cost
        return;
    for (auto _ : state) {
        if (!runOrSkip(state, *model, input))
            return;
    }
    // iterations x owned kilo-pixels / seconds, inverted: milliseconds per owned megapixel.
    state.counters["ms_per_owned_MP"] = benchmark::Counter(
        double(core) * core / 1e9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["peak_rss_MiB"] = double(readKib("VmHWM:")) / 1024.0;
}

bool exportModels(const fs::path& dir)
{
    const std::string python = NOCTURNE_TORCH_PYTHON;
    const std::string script = NOCTURNE_EXPORT_SCRIPT;
    const std::string all = python + " " + script + " --all --random-init --seed 0 -q --out " + dir.string();
    const std::string forked = python + " " + script
        + " --id lamba-mitra --forked-branches --random-init --seed 0 -q --out " + (dir / "forked").string();
    std::cerr << "exporting the networks (random weights) to " << dir << " ...\n";
    return std::system(all.c_str()) == 0 && std::system(forked.c_str()) == 0;
}

constexpr Size kEngineSizes[] = {{"12MP", 4256, 2848}, {"24MP", 6048, 4024}};

// --engine and --tiles rows of one network, at the automatic precision (what users run).
void registerEngineBenchmarks(const std::string& mode, const std::string& against, const std::string& name,
                              const std::string& pt, const ModelManifest& manifest, EngineOptions options)
{
    options.cpuPrecision = CpuPrecision::Auto;
    options.cpuLayout = g_layout;
    auto model = std::make_shared<TorchModel>(pt, options, TorchEnhancer::precisionCheckFor(manifest));
    const TorchEnhancer planner(manifest, pt, options);
    if (mode == "tiles") {
        for (const int core : {256, 384, 512, 768, 1024, 1536}) {
            const std::string label = name + "/auto/tile " + std::to_string(core);
            auto* b = benchmark::RegisterBenchmark(label.c_str(), runTile, model, manifest, core,
                                                   planner.sizeMultiple());
            b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(core >= 1024 ? 1 : 2);
        }
        return;
    }
    ModelManifest withoutCpuTile = manifest;
    withoutCpuTile.cpuTile.reset();
    const TorchEnhancer budgetOnly(withoutCpuTile, pt, options);
    EngineOptions contiguousOptions = options;
    contiguousOptions.cpuLayout = CpuLayout::Contiguous;
    auto contiguous = std::make_shared<TorchModel>(pt, contiguousOptions, TorchEnhancer::precisionCheckFor(manifest));
    for (const Size& size : kEngineSizes) {
        const cv::Size frame(size.width, size.height);
        const Tiler planned = planner.planTiles(frame);
        const auto other = against == "budget" ? std::make_pair(model, budgetOnly.planTiles(frame))
                                               : std::make_pair(contiguous, planned);
        for (const auto& [kind, run] : {std::make_pair(std::string("planned"), std::make_pair(model, planned)),
                                        std::make_pair(against, other)}) {
            const std::string label = name + "/" + kind + "/" + size.name;
            auto* b = benchmark::RegisterBenchmark(label.c_str(), runFrame, run.first, manifest, run.second);
            b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(g_repeats);
        }
    }
}

}  // namespace

int main(int argc, char** argv)
{
    std::string only;
    std::string mode = "networks";
    std::string against = "contiguous";
    std::vector<char*> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc)
            g_threads = std::atoi(argv[++i]);
        else if (a == "--layout" && i + 1 < argc && parseCpuLayout(argv[i + 1]))
            g_layout = *parseCpuLayout(argv[++i]);
        else if (a == "--repeats" && i + 1 < argc)
            g_repeats = std::max(1, std::atoi(argv[++i]));
        else if (a == "--only" && i + 1 < argc)
            only = argv[++i];
        else if (a == "--against" && i + 1 < argc && (std::strcmp(argv[i + 1], "budget") == 0
                                                     || std::strcmp(argv[i + 1], "contiguous") == 0))
            against = argv[++i];
        else if (a == "--engine" || a == "--tiles")
            mode = a.substr(2);
        else
            rest.push_back(argv[i]);
    }
    int restCount = static_cast<int>(rest.size());
    benchmark::Initialize(&restCount, rest.data());

    const fs::path dir = fs::temp_directory_path() / ("nocturne-bench-models-" + std::to_string(::getpid()));
    if (!exportModels(dir)) {
        std::cerr << "could not export the networks with " << NOCTURNE_TORCH_PYTHON << "\n";
        return 1;
    }
    EngineOptions options;
    options.device = ComputeDevice::Auto;
    options.threads = g_threads;

    std::vector<std::pair<std::string, fs::path>> packages;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".json")
            packages.emplace_back(entry.path().stem().string(), entry.path());
    packages.emplace_back("lamba-mitra-forked", dir / "forked" / "lamba-mitra.json");
    std::sort(packages.begin(), packages.end());

    for (const auto& [name, manifestPath] : packages) {
        if (!only.empty() && name.rfind(only, 0) != 0)
            continue;
        auto manifest = ModelManifest::load(manifestPath.string());
        if (!manifest) {
            std::cerr << manifest.error().describe() << "\n";
            return 1;
        }
        const std::string pt = (manifestPath.parent_path() / manifest->file).string();
        if (mode != "networks") {
            if (name == "lamba-mitra-forked")
                continue;
            registerEngineBenchmarks(mode, against, name, pt, *manifest, options);
            continue;
        }
        for (const CpuPrecision precision : {CpuPrecision::Fp32, CpuPrecision::Auto}) {
            EngineOptions withPrecision = options;
            withPrecision.cpuPrecision = precision;
            auto model = std::make_shared<TorchModel>(pt, withPrecision, TorchEnhancer::precisionCheckFor(*manifest));
            for (const Size& size : kSizes) {
                const std::string label = name + "/" + toString(precision) + "/" + size.name;
                auto* b = benchmark::RegisterBenchmark(label.c_str(), runNetwork, model, *manifest, size);
                b->Unit(benchmark::kMillisecond)->UseRealTime();
                // Big frames take tens of seconds on a laptop-class CPU; one timed run each.
                b->Iterations(size.width * size.height > 1'000'000 ? 1 : 3);
            }
        }
    }
    const unsigned hw = std::thread::hardware_concurrency();
    benchmark::AddCustomContext("torch_threads", std::to_string(g_threads > 0 ? g_threads : int(hw)));
    benchmark::AddCustomContext("hardware_threads", std::to_string(hw));
    RatioReporter reporter = mode == "engine"
        ? (against == "budget"
               ? RatioReporter("planned", "budget", "planned tiles / whole-frame budget tiles, time (below 1: the planned tiles are faster)")
               : RatioReporter("planned", "contiguous", "automatic layout / contiguous NCHW, same tiles, time (below 1: the automatic layout is faster)"))
        : RatioReporter("auto", "fp32", "auto / fp32 time (below 1: the automatic precision is faster)");
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    fs::remove_all(dir);
    return 0;
}
