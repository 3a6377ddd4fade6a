// nocturne-eval-pairs: scores methods on real low/normal-light pairs (the real-dev layout,
// <root>/<set>/low/NAME and <root>/<set>/high/NAME) through exactly the CLI's code path:
// ImageLoader::load -> Pipeline::process -> display buffer -> 8-bit, with the CLI's defaults
// unless options are given.
//
//   nocturne-eval-pairs --pairs DIR [--methods a,b,...] [--m M | --ratio R] [--gamma G]
//                       [--exposure output|input] [--noise-reduction S] [--white-balance auto|as-shot]
//                       [--per-set N]
//                       [--model-dir DIR] [--threads N] [--experimental]
//                       [--markdown FILE] [--json FILE] [--sheet FILE.png] [--sheet-rows N]
//
// Prints a Markdown table per set and overall: PSNR, SSIM (core/metrics: Gaussian 11x11 window,
// per channel), GT-mean PSNR, brightness out/ref (mean and mean |ratio - 1|), newly clipped
// pixels, seconds per image; the JSON also holds every output's own scores ("frames"). The
// contact sheet holds the pairs' pixels: write it outside the repository (real-dev is for
// evaluation only).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/eval/ContactSheet.h"
#include "app/eval/EvalRegistry.h"
#include "app/eval/PairSet.h"
#include "core/enhance/EnhancerRegistry.h"
#include "core/image/SrgbCurve.h"
#include "core/io/ImageLoader.h"
#include "core/pipeline/MethodDefaults.h"
#include "core/pipeline/Pipeline.h"
#include "core/base/JsonWriter.h"
#include "core/base/RunContext.h"

namespace core = nocturne::core;
namespace ev = nocturne::eval;

namespace {

struct Options {
    std::string root;
    std::vector<std::string> methods;
    core::ProcessParams params;   // the CLI's defaults
    int perSet = 0;
    std::vector<std::string> modelDirs;
    int threads = 0;
    bool experimental = false;
    std::string markdown, json, sheet;
    int sheetRows = 6;
};

struct Sum {
    int n = 0;
    double psnr = 0, ssim = 0, gtMean = 0, brightness = 0, brightnessError = 0, clipped = 0, seconds = 0;
    void add(const ev::PairScore& s, double secs)
    {
        ++n;
        psnr += s.psnr; ssim += s.ssim; gtMean += s.psnrGtMean; brightness += s.brightness;
        brightnessError += std::abs(s.brightness - 1.0); clipped += s.newlyClipped; seconds += secs;
    }
};

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty())
            out.push_back(item);
    return out;
}

int usage(const std::string& why)
{
    std::fprintf(stderr,
                 "nocturne-eval-pairs: %s\nusage: nocturne-eval-pairs --pairs DIR [--methods a,b] [--m M | --ratio R] "
                 "[--gamma G] [--exposure output|input] [--noise-reduction S] [--white-balance auto|as-shot] [--per-set N] [--model-dir DIR] "
                 "[--threads N] [--experimental] [--markdown FILE] [--json FILE] [--sheet FILE.png] [--sheet-rows N]\n",
                 why.c_str());
    return 2;
}

std::string row(const std::string& name, const Sum& s)
{
    char buf[256];
    const double n = s.n;
    std::snprintf(buf, sizeof buf, "| %s | %.2f | %.3f | %.2f | %.2f | %.3f | %.2f %% | %.2f | %d |\n", name.c_str(),
                  s.psnr / n, s.ssim / n, s.gtMean / n, s.brightness / n, s.brightnessError / n, 100.0 * s.clipped / n,
                  s.seconds / n, s.n);
    return buf;
}

void jsonRow(core::JsonWriter& w, const Sum& s)
{
    const double n = s.n;
    w.beginObject()
        .key("n").value(s.n)
        .key("psnr").value(s.psnr / n)
        .key("ssim").value(s.ssim / n)
        .key("psnr_gt_mean").value(s.gtMean / n)
        .key("brightness").value(s.brightness / n)
        .key("brightness_abs_error").value(s.brightnessError / n)
        .key("newly_clipped").value(s.clipped / n)
        .key("seconds_per_image").value(s.seconds / n)
        .endObject();
}

// One method's output on one pair, so that a reader can see which photos a method improves or
// damages, not only the means (models/training/ship_rule.py reports the worst frame).
struct Output {
    std::string method;
    ev::PairScore score;
    double seconds = 0;
};

struct Frame {
    std::string id;   // "set/name"
    std::vector<Output> outputs;
};

void jsonOutput(core::JsonWriter& w, const Output& out)
{
    const ev::PairScore& s = out.score;
    w.beginObject()
        .key("psnr").value(s.psnr)
        .key("ssim").value(s.ssim)
        .key("psnr_gt_mean").value(s.psnrGtMean)
        .key("brightness").value(s.brightness)
        .key("newly_clipped").value(s.newlyClipped)
        .key("seconds").value(out.seconds)
        .endObject();
}

}  // namespace

int main(int argc, char** argv)
{
    Options opt;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            auto next = [&]() -> std::string {
                if (i + 1 >= argc)
                    throw std::invalid_argument(a + " needs a value");
                return argv[++i];
            };
            if (a == "--pairs") opt.root = next();
            else if (a == "--methods") opt.methods = splitList(next());
            else if (a == "--m") opt.params.amplifier.m = std::stod(next());
            else if (a == "--ratio") opt.params.exposureRatio = std::stod(next());
            else if (a == "--gamma") opt.params.gamma = std::stof(next());
            else if (a == "--noise-reduction") opt.params.noiseReduction = std::stof(next());
            else if (a == "--exposure") {
                const std::string v = next();
                if (v != "output" && v != "input")
                    return usage("--exposure must be output or input");
                opt.params.exposure = v == "output" ? core::ExposureMode::Output : core::ExposureMode::Input;
            }
            else if (a == "--white-balance") {
                const std::string v = next();
                if (v != "auto" && v != "as-shot")
                    return usage("--white-balance must be auto or as-shot");
                opt.params.whiteBalance.automatic = v == "auto";
            }
            else if (a == "--per-set") opt.perSet = std::stoi(next());
            else if (a == "--model-dir") opt.modelDirs.push_back(next());
            else if (a == "--threads") opt.threads = std::stoi(next());
            else if (a == "--experimental") opt.experimental = true;
            else if (a == "--markdown") opt.markdown = next();
            else if (a == "--json") opt.json = next();
            else if (a == "--sheet") opt.sheet = next();
            else if (a == "--sheet-rows") opt.sheetRows = std::stoi(next());
            else if (a == "-h" || a == "--help") return usage("help");
            else return usage("unknown option " + a);
        }
    } catch (const std::exception& e) {
        return usage(std::string("bad value: ") + e.what());
    }
    if (opt.root.empty())
        return usage("--pairs is required");

    auto pairs = ev::findPairs(opt.root, opt.perSet);
    if (!pairs) {
        std::fprintf(stderr, "nocturne-eval-pairs: %s\n", pairs.error().describe().c_str());
        return 1;
    }

    std::vector<std::string> networks;
    core::EnhancerRegistry reg = ev::makeEvalRegistry(opt.modelDirs, opt.threads, networks);
    if (opt.methods.empty()) {
        opt.methods = {core::kAutoMethod, "none", "he", "dhe", "retinex"};
        opt.methods.insert(opt.methods.end(), networks.begin(), networks.end());
    }
    for (const auto& m : opt.methods)
        if (m != core::kAutoMethod && !reg.find(m)) {
            std::fprintf(stderr, "nocturne-eval-pairs: unknown or untrained method '%s'\n", m.c_str());
            return 1;
        }
    auto registry = std::make_shared<const core::EnhancerRegistry>(std::move(reg));
    core::Pipeline pipeline(registry);

    std::vector<std::string> labels{"input"};
    for (const auto& m : opt.methods)
        labels.push_back(m);
    labels.push_back("reference");
    ev::ContactSheet sheet(labels);
    std::map<std::string, std::map<std::string, Sum>> sums;   // set (and "all") -> method -> sums
    std::map<std::string, int> sheetRowsPerSet;
    std::vector<Frame> frames;   // in the order scored

    for (const ev::PhotoPair& pair : *pairs) {
        auto image = core::ImageLoader::load(pair.low);
        auto reference = ev::loadReference(pair.high);
        if (!image || !reference) {
            std::fprintf(stderr, "nocturne-eval-pairs: skipped %s/%s: %s\n", pair.set.c_str(), pair.name.c_str(),
                         (!image ? image.error() : reference.error()).describe().c_str());
            continue;
        }
        std::vector<cv::Mat> columns{core::encodeSrgb(image->rgb).mat()};
        frames.push_back({pair.set + "/" + pair.name, {}});
        for (const std::string& method : opt.methods) {
            core::ProcessParams params = opt.params;
            params.method = method == core::kAutoMethod
                                ? core::defaultMethodFor(core::sourceKindOf(image->meta), *registry)
                                : method;
            const auto t0 = std::chrono::steady_clock::now();
            auto res = pipeline.process(*image, params, core::RunContext());
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (!res && res.error().code == core::ErrorCode::NotApplicable) {
                // e.g. a RAW network on a PNG: no score, a grey cell on the sheet.
                columns.push_back(cv::Mat(image->rgb.mat().size(), CV_32FC3, cv::Scalar::all(0.16)));
                continue;
            }
            if (!res) {
                std::fprintf(stderr, "nocturne-eval-pairs: %s on %s/%s: %s\n", method.c_str(), pair.set.c_str(),
                             pair.name.c_str(), res.error().describe().c_str());
                return 1;
            }
            auto score = ev::scorePair(res->display.mat(), *reference);
            if (!score) {
                std::fprintf(stderr, "nocturne-eval-pairs: %s/%s: %s\n", pair.set.c_str(), pair.name.c_str(),
                             score.error().describe().c_str());
                return 1;
            }
            std::fprintf(stderr, "%-22s %-12s %-14s gain %6.1f PSNR %6.2f SSIM %.3f GT-mean %6.2f bright %.2f clip %.2f%% %.2fs\n",
                         pair.set.c_str(), pair.name.c_str(), method.c_str(), res->gain, score->psnr, score->ssim,
                         score->psnrGtMean, score->brightness, 100 * score->newlyClipped, secs);
            sums[pair.set][method].add(*score, secs);
            sums["all"][method].add(*score, secs);
            frames.back().outputs.push_back({method, *score, secs});
            columns.push_back(ev::quantise8(res->display.mat()));
        }
        columns.push_back(*reference);
        if (!opt.sheet.empty() && sheetRowsPerSet[pair.set]++ < opt.sheetRows)
            sheet.addRow(pair.set.substr(0, 4) + "/" + pair.name, columns);
    }

    std::ostringstream md;
    char settings[256];
    std::snprintf(settings, sizeof settings, "%s, gamma %.2f, exposure %s, noise reduction %.2f",
                  opt.params.exposureRatio ? ("ratio " + std::to_string(*opt.params.exposureRatio)).c_str()
                                           : ("m " + std::to_string(opt.params.amplifier.m)).c_str(),
                  opt.params.gamma, opt.params.exposure == core::ExposureMode::Output ? "output" : "input",
                  opt.params.noiseReduction);
    core::JsonWriter json;
    json.beginObject().key("pairs").value(opt.root).key("settings").value(settings).key("sets").beginObject();
    for (const auto& [set, perMethod] : sums) {
        md << "\n### " << set << " (" << settings << ")\n\n"
           << "| method | PSNR | SSIM | GT-mean PSNR | brightness out/ref | mean abs brightness error | newly clipped | s / image | n |\n"
           << "|---|---|---|---|---|---|---|---|---|\n";
        json.key(set).beginObject();
        for (const std::string& method : opt.methods) {
            auto it = perMethod.find(method);
            if (it == perMethod.end() || it->second.n == 0)
                continue;
            md << row(method, it->second);
            json.key(method);
            jsonRow(json, it->second);
        }
        json.endObject();
    }
    json.endObject().key("frames").beginObject();
    for (const Frame& frame : frames) {
        json.key(frame.id).beginObject();
        for (const Output& out : frame.outputs) {
            json.key(out.method);
            jsonOutput(json, out);
        }
        json.endObject();
    }
    json.endObject().endObject();
    std::printf("%s", md.str().c_str());
    if (!opt.markdown.empty())
        std::ofstream(opt.markdown) << md.str();
    if (!opt.json.empty())
        std::ofstream(opt.json) << json.str();
    if (!opt.sheet.empty() && !sheet.empty())
        if (auto w = sheet.write(opt.sheet); !w) {
            std::fprintf(stderr, "nocturne-eval-pairs: %s\n", w.error().describe().c_str());
            return 1;
        }
    return sums.empty() ? 1 : 0;
}
