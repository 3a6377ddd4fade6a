// nocturne-cli: the headless batch front end. Links nocturne_core and nocturne_inference only
// (no Qt), which keeps the core honest about its independence from the UI.

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "app/cli/BatchRunner.h"
#include "app/cli/CliOptions.h"
#include "core/Version.h"
#include "core/enhance/EnhancerRegistry.h"
#include "core/image/RecyclingAllocator.h"
#include "core/inference/CpuTuningStore.h"
#include "core/inference/MethodCatalog.h"
#include "core/pipeline/MethodDefaults.h"
#include "core/pipeline/ProcessParamsFile.h"
#include "core/base/RunContext.h"

namespace {

using namespace nocturne;

constexpr int kExitOk = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;   // 128 + SIGINT, what shells expect

// Set once before the handler is installed and never changed while it is installed.
const core::RunContext* g_runContext = nullptr;
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void onInterrupt(int)
{
    g_interrupted = 1;
    // RunContext::requestStop is a store to a lock-free atomic<bool>: async-signal-safe.
    if (g_runContext != nullptr)
        g_runContext->requestStop();
    static constexpr char kMessage[] =
        "\nnocturne-cli: interrupted; finishing cleanly (press Ctrl-C again to abort)\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
}

void installInterruptHandler(const core::RunContext& ctx)
{
    g_runContext = &ctx;
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    // A second Ctrl-C gets the default action (terminate): ImageWriter's temp+rename still
    // guarantees no half-written output under a real name.
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

void listMethods(const core::EnhancerRegistry& registry, const core::ModelRegistry& models, bool verbose)
{
    std::printf("%-16s %-34s %-20s %s\n", "ID", "NAME", "INPUT", "DESCRIPTION");
    std::printf("%-16s %-34s %-20s %s\n", core::kAutoMethod, "Automatic (the default)", "any",
                ("best on real photos for the file's kind: " + core::defaultMethodFor(core::SourceKind::Raw, registry)
                 + " for RAW, " + core::defaultMethodFor(core::SourceKind::Raster, registry) + " for JPEG/PNG/TIFF")
                    .c_str());
    for (const auto& enhancer : registry.all()) {
        const auto& info = enhancer->info();
        std::printf("%-16s %-34s %-20s %s\n", info.id.c_str(), info.displayName.c_str(),
                    core::toString(info.inputKind).c_str(), info.description.c_str());
    }
    if (!verbose)
        return;
    std::printf("\nModel folders searched, in order:\n");
    for (const auto& folder : models.searchedFolders())
        std::printf("  %s\n", folder.c_str());
    for (const auto& rejected : models.rejected())
        std::printf("Not offered: %s\n", rejected.reason.describe().c_str());
}

// Classical methods plus every trained network found in the model folders.
core::MethodCatalog buildCatalog(const cli::CliOptions& options)
{
    core::ScanOptions scan;
    scan.extraFolders = options.modelDirs;
    scan.includeExperimental = options.experimental;
    return core::MethodCatalog::build(scan, options.engine);
}

std::string methodIds(const core::EnhancerRegistry& registry)
{
    std::string ids;
    for (const auto& enhancer : registry.all())
        ids += (ids.empty() ? "" : ", ") + enhancer->info().id;
    return ids;
}

int usageError(const std::string& message)
{
    std::cerr << "nocturne-cli: " << message << "\n"
              << "Run 'nocturne-cli --help' for usage.\n";
    return kExitUsage;
}

}  // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto parsed = cli::parseArguments(args, [](const std::string& path) {
        return core::ProcessParamsFile::read(path);
    });
    if (!parsed)
        return usageError(parsed.error().describe());
    cli::CliOptions options = std::move(parsed).value();
    // A batch of one camera's photos allocates the same frame buffers file after file.
    core::RecyclingAllocator::installDefault();
    // The same photo exported twice comes out the same (CpuTuningStore).
    options.engine.tuningFile = core::CpuTuningStore::defaultFile();

    if (options.action == cli::CliAction::Help) {
        std::cout << cli::usageText();
        return kExitOk;
    }
    if (options.action == cli::CliAction::Version) {
        std::cout << "nocturne-cli " << core::kVersion << "\n";
        return kExitOk;
    }

    const core::MethodCatalog catalog = buildCatalog(options);
    const std::shared_ptr<const core::EnhancerRegistry> registry = catalog.registry;
    const core::ModelRegistry& models = catalog.models;

    if (options.action == cli::CliAction::ListMethods) {
        listMethods(*registry, models, options.verbose);
        return kExitOk;
    }

    const bool autoMethod = options.params.method == core::kAutoMethod;
    const auto method = autoMethod ? nullptr : registry->find(options.params.method);
    if (!autoMethod && !method)
        return usageError((options.paramsFile.empty() ? "--method" : "--method or " + options.paramsFile)
                          + ": unknown method '" + options.params.method
                          + "'; available: auto, " + methodIds(*registry));
    // The Bayer mosaic costs memory and decode time; only mosaic networks consume it. "auto"
    // decodes it when the RAW default is a mosaic network.
    const auto rawDefault = registry->find(core::defaultMethodFor(core::SourceKind::Raw, *registry));
    const auto kind = (method ? method : rawDefault)->info().inputKind;
    options.decodeOptions.wantMosaic =
        kind == core::InputKind::BayerMosaic || kind == core::InputKind::PackedBayer;
    // A network already spreads one image over every core; parallel files would only fight
    // over them (and LibTorch's thread count is process-wide).
    if (options.jobs == 0 && models.find(options.params.method) != nullptr)
        options.jobs = 1;

    const core::RunContext ctx;
    installInterruptHandler(ctx);
    cli::BatchRunner runner(std::move(options), registry);
    const cli::BatchSummary summary = runner.run(ctx, std::cout, std::cerr);

    if (g_interrupted != 0 || ctx.stopRequested())
        return kExitInterrupted;
    return summary.failed > 0 ? kExitSomeFailed : kExitOk;
}
