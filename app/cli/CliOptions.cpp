#include "app/cli/CliOptions.h"

#include <cerrno>
#include <cmath>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "core/enhance/Gamma.h"
#include "core/enhance/NoiseReduction.h"
#include "core/enhance/WhiteBalance.h"
#include "core/pipeline/MethodDefaults.h"

namespace nocturne::cli {

using core::ErrorCode;
using core::makeError;

namespace {

std::optional<double> toDouble(const std::string& text)
{
    if (text.empty())
        return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (errno != 0 || end != text.c_str() + text.size() || value != value)
        return std::nullopt;
    return value;
}

std::optional<long long> toInteger(const std::string& text)
{
    long long value = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+')
        ++first;
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (text.empty() || ec != std::errc() || ptr != last)
        return std::nullopt;
    return value;
}

core::Error badValue(const std::string& option, const std::string& value, const std::string& expected)
{
    return makeError(ErrorCode::InvalidArgument,
                     "invalid value '" + value + "': expected " + expected, option);
}

// Options that take a value, with their long names; the short aliases map onto these.
bool takesValue(std::string_view name)
{
    static constexpr std::string_view kValued[] = {
        "--output", "--method", "--m", "--ratio", "--amplifier", "--gamma", "--format", "--color-space",
        "--quality", "--bits", "--jobs", "--suffix", "--overwrite", "--max-pixels",
        "--device", "--threads", "--tile", "--model-dir", "--noise-reduction", "--exposure",
        "--params", "--precision", "--layout", "--white-balance", "--temperature", "--tint"};
    for (auto v : kValued)
        if (v == name)
            return true;
    return false;
}

std::string canonicalName(const std::string& arg)
{
    if (arg == "-o")
        return "--output";
    if (arg == "-j")
        return "--jobs";
    if (arg == "-r")
        return "--recursive";
    if (arg == "-q")
        return "--quiet";
    if (arg == "-v")
        return "--verbose";
    if (arg == "-h")
        return "--help";
    return arg;
}

// Applies one option with its value (empty for flags). Returns an error for bad values.
core::Result<void> apply(CliOptions& o, const std::string& name, const std::string& value)
{
    if (name == "--output") {
        if (value.empty())
            return makeError(ErrorCode::InvalidArgument, "the output folder must not be empty", name);
        o.outputDir = value;
    } else if (name == "--method") {
        if (value.empty())
            return badValue(name, value, "a method id (see --list-methods)");
        o.params.method = value;
    } else if (name == "--m") {
        const auto v = toDouble(value);
        if (!v || *v <= 0.0 || *v > core::ProcessLimits::kMaxTarget)
            return badValue(name, value, "a target brightness in (0, 1], e.g. 0.12");
        o.params.amplifier.m = *v;
    } else if (name == "--ratio") {
        const auto v = toDouble(value);
        if (!v || *v < core::ProcessLimits::kMinRatio || *v > core::ProcessLimits::kMaxRatio)
            return badValue(name, value, "an exposure ratio between 1 and 1000, e.g. 100");
        o.params.exposureRatio = *v;
    } else if (name == "--amplifier") {
        if (value == "weighted")
            o.params.amplifier.mode = core::AmplifierMode::Weighted;
        else if (value == "mean")
            o.params.amplifier.mode = core::AmplifierMode::Mean;
        else
            return badValue(name, value, "'weighted' (Eq. 5) or 'mean' (Eq. 4)");
    } else if (name == "--gamma") {
        const auto v = toDouble(value);
        if (!v || *v < core::Gamma::kMin || *v > core::Gamma::kMax)
            return badValue(name, value, "a gamma between 1 and 4, e.g. 2.2");
        o.params.gamma = static_cast<float>(*v);
    } else if (name == "--noise-reduction") {
        const auto v = toDouble(value);
        if (!v || *v < 0.0 || *v > core::NoiseReduction::kMaxStrength)
            return badValue(name, value, "a strength between 0 (off) and 3, e.g. 1");
        o.params.noiseReduction = static_cast<float>(*v);
    } else if (name == "--exposure") {
        if (value == "output")
            o.params.exposure = core::ExposureMode::Output;
        else if (value == "input")
            o.params.exposure = core::ExposureMode::Input;
        else
            return badValue(name, value, "'output' (every method at amplify-only brightness) or 'input' (papers')");
    } else if (name == "--white-balance") {
        if (value == "auto")
            o.params.whiteBalance.automatic = true;
        else if (value == "as-shot")
            o.params.whiteBalance.automatic = false;
        else
            return badValue(name, value, "'as-shot' (the photo's own) or 'auto' (half-way to neutral)");
    } else if (name == "--temperature" || name == "--tint") {
        const auto v = toDouble(value);
        if (!v || std::abs(*v) > core::WhiteBalance::kMaxShift)
            return badValue(name, value, "a shift between -100 and 100 (0 = none)");
        (name == "--tint" ? o.params.whiteBalance.tint : o.params.whiteBalance.temperature) = *v;
    } else if (name == "--format") {
        if (value == "jpeg" || value == "jpg")
            o.exportOptions.format = core::ExportFormat::Jpeg;
        else if (value == "png")
            o.exportOptions.format = core::ExportFormat::Png;
        else if (value == "tiff" || value == "tif")
            o.exportOptions.format = core::ExportFormat::Tiff;
        else if (value == "dng")
            o.exportOptions.format = core::ExportFormat::Dng;
        else
            return badValue(name, value, "jpeg, png, tiff or dng");
    } else if (name == "--color-space") {
        const auto space = core::parseOutputSpace(value);
        if (!space)
            return badValue(name, value, "srgb, linear-rec2020 or linear-prophoto");
        o.exportOptions.space = *space;
    } else if (name == "--quality") {
        const auto v = toInteger(value);
        if (!v || *v < 1 || *v > 100)
            return badValue(name, value, "a JPEG quality between 1 and 100");
        o.exportOptions.jpegQuality = static_cast<int>(*v);
    } else if (name == "--bits") {
        const auto v = toInteger(value);
        if (!v || (*v != 8 && *v != 16))
            return badValue(name, value, "8 or 16");
        o.exportOptions.bitsPerChannel = static_cast<int>(*v);
    } else if (name == "--jobs") {
        const auto v = toInteger(value);
        if (!v || *v < 1 || *v > 256)
            return badValue(name, value, "a number of parallel jobs between 1 and 256");
        o.jobs = static_cast<int>(*v);
    } else if (name == "--suffix") {
        if (value.find('/') != std::string::npos)
            return badValue(name, value, "a file-name suffix without '/'");
        o.suffix = value;
    } else if (name == "--overwrite") {
        const auto policy = core::parseOverwritePolicy(value);
        if (!policy)
            return badValue(name, value, "skip, rename or overwrite");
        o.overwrite = *policy;
    } else if (name == "--max-pixels") {
        const auto v = toInteger(value);
        if (!v || *v < 0)
            return badValue(name, value, "a pixel count (0 disables the limit)");
        o.decodeOptions.maxPixels = *v;
    } else if (name == "--device") {
        const auto device = core::parseComputeDevice(value);
        if (!device)
            return badValue(name, value, "auto, cpu, cuda or mps");
        o.engine.device = *device;
    } else if (name == "--precision") {
        const auto precision = core::parseCpuPrecision(value);
        if (!precision)
            return badValue(name, value, "auto, fp32 or bf16");
        o.engine.cpuPrecision = *precision;
    } else if (name == "--layout") {
        const auto layout = core::parseCpuLayout(value);
        if (!layout)
            return badValue(name, value, "auto, contiguous or channels-last");
        o.engine.cpuLayout = *layout;
    } else if (name == "--threads") {
        const auto v = toInteger(value);
        if (!v || *v < 0 || *v > 1024)
            return badValue(name, value, "a CPU thread count (0 = all cores)");
        o.engine.threads = static_cast<int>(*v);
    } else if (name == "--tile") {
        const auto v = toInteger(value);
        if (!v || (*v != 0 && (*v < 64 || *v > 16384)))
            return badValue(name, value, "a tile edge in pixels between 64 and 16384 (0 = automatic)");
        o.engine.tileSize = static_cast<int>(*v);
    } else if (name == "--model-dir") {
        if (value.empty())
            return badValue(name, value, "a folder with model packages (<id>.json + <id>.pt)");
        o.modelDirs.push_back(value);
    } else if (name == "--experimental") {
        o.experimental = true;
    } else if (name == "--recursive") {
        o.recursive = true;
    } else if (name == "--no-metadata") {
        o.exportOptions.copyMetadata = false;
    } else if (name == "--half") {
        o.decodeOptions.halfSize = true;
    } else if (name == "--quiet") {
        o.quiet = true;
    } else if (name == "--verbose") {
        o.verbose = true;
    } else if (name == "--help") {
        o.action = CliAction::Help;
    } else if (name == "--version") {
        o.action = CliAction::Version;
    } else if (name == "--list-methods") {
        o.action = CliAction::ListMethods;
    } else {
        return makeError(ErrorCode::InvalidArgument,
                         "unknown option (run 'nocturne-cli --help' for the list)", name);
    }
    return core::Result<void>::success();
}

}  // namespace

core::Result<CliOptions> parseArguments(const std::vector<std::string>& args, const ParamsLoader& loadParams)
{
    CliOptions options;
    std::vector<std::pair<std::string, std::string>> named;   // (canonical name, value) in order
    bool optionsEnded = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (optionsEnded || arg == "-" || arg.empty() || arg[0] != '-') {
            options.inputs.push_back(arg);
            continue;
        }
        if (arg == "--") {
            optionsEnded = true;
            continue;
        }
        std::string name = arg;
        std::optional<std::string> inlineValue;
        if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = arg.substr(0, eq);
            inlineValue = arg.substr(eq + 1);
        }
        name = canonicalName(name);
        std::string value;
        if (takesValue(name)) {
            if (inlineValue) {
                value = *inlineValue;
            } else if (i + 1 < args.size()) {
                value = args[++i];
            } else {
                return makeError(ErrorCode::InvalidArgument, "needs a value", arg);
            }
        } else if (inlineValue) {
            return makeError(ErrorCode::InvalidArgument, "takes no value", name);
        }
        named.emplace_back(name, value);
    }

    for (const auto& [name, value] : named) {
        if (name != "--params")
            continue;
        if (!options.paramsFile.empty())
            return makeError(ErrorCode::InvalidArgument, "given twice; pass one settings file", name);
        if (value.empty())
            return badValue(name, value, "a settings file saved by Nocturne (*.nocturne.json)");
        if (!loadParams)
            return makeError(ErrorCode::Internal, "settings files cannot be read here", name);
        auto loaded = loadParams(value);
        if (!loaded)
            return loaded.error();
        options.params = *loaded;
        options.paramsFile = value;
    }
    for (const auto& [name, value] : named) {
        if (name == "--params")
            continue;
        if (auto applied = apply(options, name, value); !applied)
            return applied.error();
    }

    if (options.action != CliAction::Run)
        return options;
    if (options.exportOptions.bitsPerChannel == 16
        && options.exportOptions.format == core::ExportFormat::Jpeg)
        return makeError(ErrorCode::InvalidArgument,
                         "JPEG has 8 bits per channel; use --format png or tiff for 16 bits",
                         "--bits");
    if (options.exportOptions.space != core::OutputSpace::Srgb
        && (options.exportOptions.format != core::ExportFormat::Tiff || options.exportOptions.bitsPerChannel != 16))
        return makeError(ErrorCode::InvalidArgument,
                         "linear colour spaces are for 16-bit TIFF: add --format tiff --bits 16",
                         "--color-space");
    if (options.inputs.empty())
        return makeError(ErrorCode::InvalidArgument,
                         "no input files or folders given (run 'nocturne-cli --help')");
    if (options.outputDir.empty())
        return makeError(ErrorCode::InvalidArgument,
                         "missing the output folder: add -o OUTDIR");
    return options;
}

std::string usageText()
{
    return R"(Usage: nocturne-cli [options] INPUT... -o OUTDIR

Enhances extremely dark photos (RAW or JPEG/PNG/TIFF): amplify -> enhance -> gamma -> export.
INPUT may be files or folders (folders are scanned for supported photos; -r descends).

Processing:
      --method ID          enhancement method; see --list-methods. Default: auto, the
                           best method on real photos for each file's kind (RAW and
                           JPEG/PNG/TIFF: none = amplify + noise reduction + gamma)
      --m FLOAT            amplifier target in (0, 1]: Lamba & Mitra's Eq. 5 weighted
                           mean of the amplified linear image (default 0.12, which puts
                           real dark photos at their references' brightness; the
                           paper's 0.5 is about 1.5x too bright through the gamma)
      --amplifier MODE     weighted (Eq. 5, default) or mean (Eq. 4)
      --ratio FLOAT        fixed exposure ratio (1-1000) instead of the amplifier
      --exposure MODE      output (default): every method's result is brought to the
                           brightness "amplify only" has at the gain; input: only the
                           input is amplified and each method keeps its own brightness
      --noise-reduction S  strength 0-3 of the noise reduction before none/HE/DHE/
                           Retinex and networks that refine the engine's picture
                           (manifest amplifier "engine", e.g. ba-gan); default 1,
                           0 = off; other networks denoise themselves
      --gamma FLOAT        output gamma, 1-4 (default 2.2)
      --white-balance WB   as-shot (default: the photo's own balance) or auto: the
                           light's colour (shades of grey) corrected half way, which
                           keeps a lamp-lit scene's warmth but removes most of its cast
      --temperature T      -100 (cooler) to 100 (warmer), on top of the balance; 0
      --tint T             -100 (greener) to 100 (more magenta), on top; 0
      --params FILE        start from settings saved by the editor (File > Save
                           Settings; a .nocturne.json file); the options above
                           override single settings of the file
      --half               fast half-size decode
      --max-pixels N       refuse larger images (default 200000000; 0 = no limit)

Networks:
      --device DEV         auto (default: CUDA, then MPS, else CPU), cpu, cuda or mps
      --threads N          CPU threads for a network (default 0 = all cores)
      --precision P        CPU arithmetic for networks: auto (default: bf16 where the
                           CPU computes it natively and the network keeps its accuracy
                           and gains speed, checked on the model's first load on this
                           machine and kept in the cache folder), fp32 or bf16
      --layout L           CPU memory layout for networks: auto (default: channels-last
                           where it takes at most 0.8x the time, timed and kept the same
                           way), contiguous or channels-last
      --tile N             tile edge in pixels (default 0 = sized from the memory budget)
      --experimental       also offer networks that do not beat the classical methods on
                           real photos (marked "experimental"; see --list-methods -v)
      --model-dir DIR      also look for models in DIR (repeatable); see also
                           $NOCTURNE_MODEL_PATH and --list-methods -v

Output:
  -o, --output OUTDIR      output folder (created if missing)
      --format FMT         jpeg (default), png, tiff, or dng: a linear DNG (16-bit
                           linear sRGB) to keep editing in a raw editor; RAW inputs only
      --quality N          JPEG quality 1-100 (default 92)
      --bits 8|16          bits per channel for png/tiff (default 8)
      --color-space CS     srgb (default; embedded ICC profile), or for 16-bit TIFF
                           linear-rec2020 or linear-prophoto (linear, with its ICC profile)
      --suffix STR         appended to the file stem (default "_nocturne")
      --overwrite POLICY   when the output exists: skip, rename (default: "-1", "-2", ...)
                           or overwrite; inputs are never overwritten
      --no-metadata        do not copy EXIF/XMP/IPTC into the output

Batch:
  -r, --recursive          descend into subfolders
  -j, --jobs N             files processed in parallel (default: one per CPU thread
                           for classical methods, 1 for networks, which use every thread)
  -q, --quiet              only report failures
  -v, --verbose            more detail per file

Information:
      --list-methods       list the enhancement methods and exit (with -v: also where
                           models were searched and why any were refused)
      --version            print the version and exit
  -h, --help               print this help and exit

Progress and errors go to stderr; each written file's path is printed on stdout.
Exit status: 0 all succeeded (skipped files count as success), 1 some files failed,
2 usage error, 130 interrupted.
)";
}

}  // namespace nocturne::cli
