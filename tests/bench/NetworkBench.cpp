// nocturne-bench-networks: latency and peak memory of each network through the C++ engine
// (TorchModel, the same code path TorchEnhancer uses) at 512x512, 1920x1080 and 4256x2848,
// plus Lamba & Mitra with forked vs sequential encoder branches. Each network runs in fp32 and
// at the automatic CPU precision (bf16 where the CPU has it and the load-time check passes)
// in the same run, and the auto/fp32 time ratios are printed at the end. Weights are random
// (latency does not depend on them; the bf16 accuracy check sees random weights too); the
// models are exported at start-up by models/training/export.py.
//
//   nocturne-bench-networks [--threads N] [--only ID] [google-benchmark flags]

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
    if (auto loaded = model->load(); !loaded) {
        state.SkipWithError(loaded.error().describe().c_str());
        return;
    }
    // TorchScript's profiling executor optimises the graph during the first runs of a shape;
    // users pay that once per session, so it is kept out of the timings. A full 12 MP frame
    // takes minutes on a small CPU, against which that one-off cost is small: no warm-up there.
    const long long pixels = static_cast<long long>(size.width) * size.height;
    const int warmups = pixels > 4'000'000 ? 0 : pixels > 1'000'000 ? 1 : 2;
    for (int i = 0; i < warmups; ++i) {
        if (auto out = model->run(input); !out) {
            state.SkipWithError(out.error().describe().c_str());
            return;
        }
    }
    const long long baseline = readKib("VmRSS:");
    resetPeakRss();
    for (auto _ : state) {
        auto out = model->run(input);
        if (!out) {
            state.SkipWithError(out.error().describe().c_str());
            return;
        }
        benchmark::DoNotOptimize(out->image.data());
    }
    const double gmac = manifest.gmac512 * (double(size.width) * size.height) / (512.0 * 512.0);
    state.counters["peak_rss_MiB"] = double(readKib("VmHWM:")) / 1024.0;
    state.counters["peak_over_idle_MiB"] = double(readKib("VmHWM:") - baseline) / 1024.0;
    state.counters["GMAC"] = gmac;
    state.counters["GMAC_per_s"] = benchmark::Counter(gmac, benchmark::Counter::kIsIterationInvariantRate);
    state.SetLabel(model->deviceDescription());
}

// The console table, then one line per network and size: auto time / fp32 time.
class RatioReporter : public benchmark::ConsoleReporter {
public:
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
        std::cout << "\nauto / fp32 time (below 1: the automatic precision is faster)\n";
        for (const auto& [name, seconds] : m_seconds) {
            const auto at = name.find("/fp32/");
            if (at == std::string::npos)
                continue;
            std::string autoName = name;
            autoName.replace(at, 6, "/auto/");
            const auto other = m_seconds.find(autoName);
            if (other != m_seconds.end() && seconds > 0)
                std::printf("  %-40s %.2f\n", autoName.c_str(), other->second / seconds);
        }
    }

private:
    std::map<std::string, double> m_seconds;
};

bool exportModels(const fs::path& dir)
{
    const std::string python = NOCTURNE_TORCH_PYTHON;
    const std::string script = NOCTURNE_EXPORT_SCRIPT;
    const std::string all = python + " " + script + " --all --random-init --seed 0 -q --out " + dir.string();
    const std::string seq = python + " " + script
        + " --id lamba-mitra --sequential-branches --random-init --seed 0 -q --out " + (dir / "sequential").string();
    std::cerr << "exporting the networks (random weights) to " << dir << " ...\n";
    return std::system(all.c_str()) == 0 && std::system(seq.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv)
{
    std::string only;
    std::vector<char*> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc)
            g_threads = std::atoi(argv[++i]);
        else if (a == "--only" && i + 1 < argc)
            only = argv[++i];
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
    packages.emplace_back("lamba-mitra-sequential", dir / "sequential" / "lamba-mitra.json");
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
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    fs::remove_all(dir);
    return 0;
}
