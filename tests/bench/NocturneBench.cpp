// nocturne-bench: how long the heavy stages take on camera-sized images. The fixtures are
// synthetic (a DNG written at startup to a temp folder), so the numbers are reproducible on any
// machine; real RAW files decode somewhat slower (compression) but enhance at the same speed.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>
#include <opencv2/core.hpp>
#include <unistd.h>

#include "core/enhance/Amplifier.h"
#include "core/enhance/EnhancerRegistry.h"
#include "core/enhance/Exposure.h"
#include "core/enhance/Gamma.h"
#include "core/enhance/NoiseReduction.h"
#include "core/io/ImageLoader.h"
#include "core/io/ImageWriter.h"
#include "core/base/RunContext.h"
#include "tests/support/DngWriter.h"

namespace {

using namespace nocturne;
namespace fs = std::filesystem;

struct ImageSize {
    const char* label;
    int width;
    int height;
};

constexpr ImageSize kSizes[] = {{"12MP", 4256, 2848}, {"24MP", 6048, 4024}};

fs::path g_tempDir;

// Everything the benchmarks of one image size consume. Only one size is held at a time: a
// 24 MP fixture is about a gigabyte of float buffers.
struct Fixture {
    std::string label;
    std::string dngPath;
    core::DecodedImage decoded;
    double gain = 1.0;
    core::ImageBuffer amplified;   // linear, gain applied: the gamma stage's input
    core::ImageBuffer display;     // gamma-encoded: the exporters' input
    std::string error;             // why the fixture could not be made
};

const Fixture& fixtureFor(const ImageSize& size)
{
    static std::unique_ptr<Fixture> current;
    if (current && current->label == size.label)
        return *current;
    current.reset();
    auto fixture = std::make_unique<Fixture>();
    fixture->label = size.label;
    fixture->dngPath = (g_tempDir / (std::string(size.label) + ".dng")).string();

    testsupport::DngSpec spec;
    spec.mosaic = testsupport::makeSceneMosaic(size.width, size.height, core::CfaPattern::RGGB,
                                               spec.blackLevel, spec.whiteLevel, 0.02, 42);
    fixture->error = testsupport::writeDng(fixture->dngPath, spec);
    if (fixture->error.empty()) {
        auto loaded = core::ImageLoader::load(fixture->dngPath);
        if (loaded) {
            fixture->decoded = std::move(loaded).value();
            fixture->gain = core::Amplifier().estimate(fixture->decoded.rgb).gain;
            fixture->amplified = core::Amplifier::apply(fixture->decoded.rgb, fixture->gain, core::Highlights::Keep);
            fixture->display = core::Gamma::encode(fixture->amplified);
        } else {
            fixture->error = loaded.error().describe();
        }
    }
    current = std::move(fixture);
    return *current;
}

bool ready(benchmark::State& state, const Fixture& fixture)
{
    if (fixture.error.empty())
        return true;
    state.SkipWithError(fixture.error.c_str());
    return false;
}

void setPixels(benchmark::State& state, const ImageSize& size)
{
    state.counters["MP"] = static_cast<double>(size.width) * size.height / 1e6;
}

void decodeRaw(benchmark::State& state, const ImageSize& size, bool half)
{
    const Fixture& fixture = fixtureFor(size);
    if (!ready(state, fixture))
        return;
    core::DecodeOptions options;
    options.halfSize = half;
    for (auto _ : state) {
        auto loaded = core::ImageLoader::load(fixture.dngPath, options);
        if (!loaded) {
            state.SkipWithError(loaded.error().describe().c_str());
            return;
        }
        benchmark::DoNotOptimize(loaded->rgb.mat().data);
    }
    setPixels(state, size);
}

void amplifierEstimate(benchmark::State& state, const ImageSize& size, bool mosaic)
{
    const Fixture& fixture = fixtureFor(size);
    if (!ready(state, fixture))
        return;
    if (mosaic && !fixture.decoded.mosaic) {
        state.SkipWithError("the decoder delivered no mosaic");
        return;
    }
    const core::Amplifier amplifier;
    for (auto _ : state) {
        const auto estimate = mosaic ? amplifier.estimate(*fixture.decoded.mosaic)
                                     : amplifier.estimate(fixture.decoded.rgb);
        benchmark::DoNotOptimize(estimate.gain);
    }
    setPixels(state, size);
}

void enhance(benchmark::State& state, const ImageSize& size, const std::string& method)
{
    const Fixture& fixture = fixtureFor(size);
    if (!ready(state, fixture))
        return;
    static const auto registry = core::EnhancerRegistry::withClassicalMethods();
    const auto enhancer = registry.find(method);
    if (!enhancer) {
        state.SkipWithError(("no enhancer '" + method + "' registered").c_str());
        return;
    }
    const core::RunContext ctx;
    for (auto _ : state) {
        const core::EnhanceInput input{fixture.decoded, static_cast<float>(fixture.gain)};
        auto output = enhancer->enhance(input, ctx);
        if (!output) {
            state.SkipWithError(output.error().describe().c_str());
            return;
        }
        benchmark::DoNotOptimize(output->image.mat().data);
    }
    setPixels(state, size);
}

// The amplify stage as the pipeline runs it: gain through the highlight shoulder, then noise
// reduction at `strength` (0 = the shoulder alone, for the ratio).
void amplifyAndDenoise(benchmark::State& state, const ImageSize& size, float strength)
{
    const Fixture& fixture = fixtureFor(size);
    if (!ready(state, fixture))
        return;
    const core::RunContext ctx;
    for (auto _ : state) {
        auto out = core::NoiseReduction::apply(core::Amplifier::apply(fixture.decoded.rgb, fixture.gain, core::Highlights::Shoulder), strength, ctx);
        if (!out) {
            state.SkipWithError(out.error().describe().c_str());
            return;
        }
        benchmark::DoNotOptimize(out->mat().data);
    }
    setPixels(state, size);
}

void gamma(benchmark::State& state, const ImageSize& size)
{
    const Fixture& fixture = fixtureFor(size);
    if (!ready(state, fixture))
        return;
    for (auto _ : state) {
        auto display = core::Gamma::encode(fixture.amplified);
        benchmark::DoNotOptimize(display.mat().data);
    }
    setPixels(state, size);
}

void exportImage(benchmark::State& state, const ImageSize& size, core::ExportFormat format, int bits)
{
    const Fixture& fixture = fixtureFor(size);
    if (!ready(state, fixture))
        return;
    core::ExportOptions options;
    options.format = format;
    options.jpegQuality = 92;
    options.bitsPerChannel = bits;
    options.copyMetadata = false;
    const std::string destination =
        (g_tempDir / ("export." + core::extensionFor(format))).string();
    // A DNG is written from the linear image and only for a RAW source.
    const bool linear = core::takesLinearImage(options);
    const core::ImageBuffer& image = linear ? fixture.amplified : fixture.display;
    const core::ImageMeta meta = linear ? fixture.decoded.meta : core::ImageMeta{};
    for (auto _ : state) {
        auto written = core::ImageWriter::write(image, destination, options, meta);
        if (!written) {
            state.SkipWithError(written.error().describe().c_str());
            return;
        }
    }
    state.counters["MB"] = static_cast<double>(fs::file_size(destination)) / 1e6;
    setPixels(state, size);
}

void registerAll()
{
    for (const ImageSize& size : kSizes) {
        const std::string s = size.label;
        auto tune = [](benchmark::internal::Benchmark* b, int iterations) {
            b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(iterations);
        };
        tune(benchmark::RegisterBenchmark(("decode_raw_full/" + s).c_str(), decodeRaw, size, false), 3);
        tune(benchmark::RegisterBenchmark(("decode_raw_half/" + s).c_str(), decodeRaw, size, true), 3);
        tune(benchmark::RegisterBenchmark(("amplifier_mosaic/" + s).c_str(), amplifierEstimate, size, true), 5);
        tune(benchmark::RegisterBenchmark(("amplifier_rgb/" + s).c_str(), amplifierEstimate, size, false), 5);
        tune(benchmark::RegisterBenchmark(("amplify_shoulder/" + s).c_str(), amplifyAndDenoise, size, 0.0f), 3);
        tune(benchmark::RegisterBenchmark(("amplify_noise_reduction/" + s).c_str(), amplifyAndDenoise, size, 1.0f), 1);
        tune(benchmark::RegisterBenchmark(("enhance_he/" + s).c_str(), enhance, size, std::string("he")), 3);
        tune(benchmark::RegisterBenchmark(("enhance_dhe/" + s).c_str(), enhance, size, std::string("dhe")), 2);
        tune(benchmark::RegisterBenchmark(("enhance_retinex/" + s).c_str(), enhance, size, std::string("retinex")), 2);
        tune(benchmark::RegisterBenchmark(("gamma/" + s).c_str(), gamma, size), 5);
        tune(benchmark::RegisterBenchmark(("export_jpeg_q92/" + s).c_str(), exportImage, size,
                                          core::ExportFormat::Jpeg, 8), 3);
        tune(benchmark::RegisterBenchmark(("export_png16/" + s).c_str(), exportImage, size,
                                          core::ExportFormat::Png, 16), 2);
        // The linear DNG beside the 16-bit TIFF it resembles (same bytes per pixel, no compression).
        tune(benchmark::RegisterBenchmark(("export_tiff16/" + s).c_str(), exportImage, size,
                                          core::ExportFormat::Tiff, 16), 2);
        tune(benchmark::RegisterBenchmark(("export_linear_dng/" + s).c_str(), exportImage, size,
                                          core::ExportFormat::Dng, 16), 2);
    }
}

}  // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;

    g_tempDir = fs::temp_directory_path() / ("nocturne-bench-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::create_directories(g_tempDir, ec);
    if (ec) {
        std::fprintf(stderr, "nocturne-bench: cannot create %s: %s\n", g_tempDir.c_str(),
                     ec.message().c_str());
        return 1;
    }
    benchmark::AddCustomContext("opencv_threads", std::to_string(cv::getNumThreads()));
    benchmark::AddCustomContext("hardware_threads", std::to_string(std::thread::hardware_concurrency()));
    registerAll();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    fs::remove_all(g_tempDir, ec);
    return 0;
}
