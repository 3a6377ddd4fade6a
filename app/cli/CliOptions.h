#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/batch/BatchPlan.h"
#include "core/inference/EngineOptions.h"
#include "core/io/DecodeOptions.h"
#include "core/io/ImageWriter.h"
#include "core/pipeline/MethodDefaults.h"
#include "core/pipeline/Pipeline.h"
#include "core/base/Result.h"

namespace nocturne::cli {

enum class CliAction { Run, Help, Version, ListMethods };

inline core::ProcessParams autoMethodParams()
{
    core::ProcessParams p;
    p.method = core::kAutoMethod;
    return p;
}

// Everything the command line decides. Plain data: parsing does not touch the file system or
// the enhancer registry (main() validates the method id against the registry).
struct CliOptions {
    CliAction action = CliAction::Run;
    std::vector<std::string> inputs;        // files and folders, as typed
    std::string outputDir;                  // -o
    bool recursive = false;
    core::ProcessParams params = autoMethodParams();   // method "auto": per file, MethodDefaults
    std::string paramsFile;                 // --params: the settings file the params start from
    core::ExportOptions exportOptions;
    core::DecodeOptions decodeOptions;
    int jobs = 0;                           // 0: one per hardware thread (1 for networks)
    core::EngineOptions engine;             // --device, --threads, --tile
    std::vector<std::string> modelDirs;     // --model-dir: searched after the standard places
    bool experimental = false;              // --experimental: also networks that failed the ship rule
    std::string suffix = "_nocturne";
    core::OverwritePolicy overwrite = core::OverwritePolicy::Rename;
    bool quiet = false;
    bool verbose = false;
};

// Reads a settings file for --params (core::ProcessParamsFile::read in main; tests inject one).
using ParamsLoader = std::function<core::Result<core::ProcessParams>(const std::string& path)>;

// Parses argv[1..]. Errors are usage errors (exit code 2): unknown option, missing or bad
// value (the message names the option, the value and the accepted range), no inputs, no -o,
// a settings file that cannot be read. --params FILE is applied first wherever it stands, so
// the other processing options override single fields of the file.
// Thread: pure function apart from what `loadParams` does.
core::Result<CliOptions> parseArguments(const std::vector<std::string>& args,
                                        const ParamsLoader& loadParams = {});

// The --help text.
std::string usageText();

}  // namespace nocturne::cli
