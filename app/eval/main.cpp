// nocturne-eval: scores enhancement methods on the held-out test set through the real engine.
//
//   nocturne-eval --testset DIR [--methods none,he,dhe,retinex,lamba-mitra,ba-gan]
//                 [--ratio-mode gt|amplifier] [--m 0.5] [--gamma 2.2] [--model-dir DIR]
//                 [--threads N] [--save-dir DIR] [--set raw|srgb] --out results.json
// --save-dir keeps every output as <case>_<method>.png, plus <case>_<method>_attention.png and
// _attention_target.png (grey) for networks with an attention map.
//
// Each case: ImageLoader::load -> Pipeline (method; gain = the case's GT ratio, or Lamba's
// Eq. 5 amplifier with m) -> display buffer (clamped) -> compared with the target PNG decoded
// as display values. Metrics (core/metrics/ReferenceMetrics): PSNR, SSIM and MS-SSIM (per channel),
// and PSNR against a gamma-corrected target ("GT-GC": the target raised to the power that gives
// it the output's mean brightness, fitted per image), as in Lamba & Mitra's Table 2. Methods that
// return an attention map are also scored against the Eq. 4 target computed from what the
// network was fed. Runtime = Pipeline::process wall time (no cache).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "app/eval/AttentionScore.h"
#include "app/eval/EvalRegistry.h"
#include "app/eval/EvalSet.h"
#include "core/enhance/BrightnessAttention.h"
#include "core/enhance/EnhancerRegistry.h"
#include "core/enhance/Gamma.h"
#include "core/image/SrgbCurve.h"
#include "core/inference/EngineOptions.h"
#include "core/inference/ModelRegistry.h"
#include "core/io/ImageLoader.h"
#include "core/io/ImageWriter.h"
#include "core/metrics/ReferenceMetrics.h"
#include "core/pipeline/Pipeline.h"
#include "core/base/JsonWriter.h"
#include "core/base/RunContext.h"

namespace core = nocturne::core;
namespace ev = nocturne::eval;

namespace {

struct Options {
    std::string testset;
    std::vector<std::string> methods;
    bool amplifierMode = false;
    double m = 0.5;
    float gamma = core::Gamma::kReference;
    std::vector<std::string> modelDirs;
    int threads = 0;
    std::string saveDir;
    std::string onlySet;  // "raw" or "srgb"; empty = both
    std::string out;
};

struct Score {
    std::string caseId;
    std::string method;
    bool applicable = true;
    double psnr = 0, ssim = 0, msssim = 0, psnrGc = 0, gcGamma = 1, gain = 1, seconds = 0, lumCorr = 0;
    bool hasAttention = false;
    double attentionMae = 0, attentionCorr = 0, attentionCorrBlocks = 0;
};

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

int usage(const char* why)
{
    std::fprintf(stderr,
                 "nocturne-eval: %s\nusage: nocturne-eval --testset DIR --out results.json "
                 "[--methods a,b,...] [--ratio-mode gt|amplifier] [--m 0.5] [--gamma 2.2] "
                 "[--model-dir DIR] [--threads N] [--save-dir DIR] [--set raw|srgb]\n",
                 why);
    return 2;
}

std::string jsonNumber(double v)
{
    if (!std::isfinite(v))
        return "null";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

struct Summary {
    int n = 0;
    double psnr = 0, ssim = 0, msssim = 0, psnrGc = 0, seconds = 0, lumCorr = 0, attMae = 0, attCorr = 0,
           attCorrBlocks = 0;
    int nAtt = 0;
};

}  // namespace

int main(int argc, char** argv)
{
    Options opt;
    opt.methods = {"none", "he", "dhe", "retinex"};
    bool methodsGiven = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (a == "--testset") opt.testset = next();
        else if (a == "--methods") { opt.methods = splitList(next()); methodsGiven = true; }
        else if (a == "--ratio-mode") {
            const std::string mode = next();
            if (mode != "gt" && mode != "amplifier")
                return usage("--ratio-mode must be gt or amplifier");
            opt.amplifierMode = mode == "amplifier";
        }
        else if (a == "--m") opt.m = std::stod(next());
        else if (a == "--gamma") opt.gamma = std::stof(next());
        else if (a == "--model-dir") opt.modelDirs.push_back(next());
        else if (a == "--threads") opt.threads = std::stoi(next());
        else if (a == "--save-dir") opt.saveDir = next();
        else if (a == "--set") opt.onlySet = next();
        else if (a == "--out") opt.out = next();
        else if (a == "-h" || a == "--help") return usage("help");
        else return usage(("unknown option " + a).c_str());
    }
    if (opt.testset.empty() || opt.out.empty())
        return usage("--testset and --out are required");

    auto sets = ev::readTestSet(opt.testset);
    if (!sets) {
        std::fprintf(stderr, "nocturne-eval: %s\n", sets.error().describe().c_str());
        return 1;
    }
    std::vector<std::string> networks;
    core::EnhancerRegistry reg = ev::makeEvalRegistry(opt.modelDirs, opt.threads, networks);
    if (!methodsGiven)
        opt.methods.insert(opt.methods.end(), networks.begin(), networks.end());
    for (const auto& m : opt.methods)
        if (!reg.find(m)) {
            std::fprintf(stderr, "nocturne-eval: unknown or untrained method '%s'\n", m.c_str());
            return 1;
        }
    auto registry = std::make_shared<const core::EnhancerRegistry>(std::move(reg));
    core::Pipeline pipeline(registry);
    if (!opt.saveDir.empty())
        std::filesystem::create_directories(opt.saveDir);

    std::map<std::string, std::vector<Score>> scores;  // per set
    for (const ev::EvalSet& set : *sets) {
        if (!opt.onlySet.empty() && set.name != opt.onlySet)
            continue;
        for (const ev::EvalCase& c : set.cases) {
            auto image = core::ImageLoader::load(c.input);
            if (!image) {
                std::fprintf(stderr, "nocturne-eval: %s\n", image.error().describe().c_str());
                return 1;
            }
            auto target = ev::loadDisplayTarget(c.target);
            if (!target) {
                std::fprintf(stderr, "nocturne-eval: %s\n", target.error().describe().c_str());
                return 1;
            }
            for (const std::string& method : opt.methods) {
                core::ProcessParams params;
                params.method = method;
                params.amplifier.m = opt.m;
                params.gamma = opt.gamma;
                if (!opt.amplifierMode)
                    params.exposureRatio = c.ratio;
                Score s;
                s.caseId = c.id;
                s.method = method;
                const auto t0 = std::chrono::steady_clock::now();
                auto res = pipeline.process(*image, params, core::RunContext());
                s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                if (!res) {
                    if (res.error().code == core::ErrorCode::NotApplicable) {
                        s.applicable = false;
                        scores[set.name].push_back(s);
                        continue;
                    }
                    std::fprintf(stderr, "nocturne-eval: %s on %s: %s\n", method.c_str(), c.id.c_str(),
                                 res.error().describe().c_str());
                    return 1;
                }
                const cv::Mat out = res->display.mat();
                if (out.size() != target->size()) {
                    std::fprintf(stderr, "nocturne-eval: %s: output %dx%d but target %dx%d\n", c.id.c_str(),
                                 out.cols, out.rows, target->cols, target->rows);
                    return 1;
                }
                s.gain = res->gain;
                s.psnr = *core::ReferenceMetrics::psnr(out, *target);
                s.ssim = *core::ReferenceMetrics::ssim(out, *target);
                s.msssim = *core::ReferenceMetrics::msSsim(out, *target);
                s.gcGamma = ev::fitBrightnessGamma(out, *target);
                cv::Mat gc;
                cv::max(*target, 0.0, gc);
                cv::pow(gc, s.gcGamma, gc);
                s.psnrGc = *core::ReferenceMetrics::psnr(out, gc);
                s.lumCorr = ev::correlation(ev::luminance(out), ev::luminance(*target));
                cv::Mat at;  // the Eq. 4 target of the attention map, when there is one
                if (!res->attention.empty() && res->attention.size() == out.size()) {
                    // What the sRGB network was fed: linear x gain (1 for amplifier "none"),
                    // clamped, encoded with the exact sRGB curve, as NetworkInput does.
                    cv::Mat fed = image->rgb.mat() * res->gain;
                    cv::min(cv::max(fed, 0.0), 1.0, fed);
                    at = core::brightnessAttention(core::encodeSrgb(core::ImageBuffer(fed)).mat(), *target);
                    cv::Mat pred;
                    res->attention.convertTo(pred, CV_32F);
                    s.hasAttention = true;
                    s.attentionMae = cv::mean(cv::abs(pred - at))[0];
                    s.attentionCorr = ev::correlation(pred, at);
                    s.attentionCorrBlocks = ev::correlation(ev::blockMeans(pred), ev::blockMeans(at));
                }
                if (!opt.saveDir.empty()) {
                    core::ExportOptions eo;
                    eo.format = core::ExportFormat::Png;
                    eo.copyMetadata = false;
                    const auto save = [&](const core::ImageBuffer& img, const std::string& suffix) {
                        const auto path = (std::filesystem::path(opt.saveDir) / (c.id + "_" + suffix + ".png")).string();
                        if (auto w = core::ImageWriter::write(img, path, eo, core::ImageMeta{}); !w)
                            std::fprintf(stderr, "nocturne-eval: %s\n", w.error().describe().c_str());
                    };
                    save(res->display, method);
                    if (s.hasAttention) {
                        // Grey PNGs of the map and its Eq. 4 target, for the model cards.
                        const auto grey = [](const cv::Mat& map) {
                            cv::Mat m, rgb;
                            map.convertTo(m, CV_32F);
                            cv::merge(std::vector<cv::Mat>{m, m, m}, rgb);
                            return core::ImageBuffer(rgb, core::ColorEncoding::Display);
                        };
                        save(grey(res->attention), method + "_attention");
                        save(grey(at), method + "_attention_target");
                    }
                }
                std::fprintf(stderr, "%-34s %-12s gain %6.1f PSNR %6.2f SSIM %.4f MS-SSIM %.4f GC %6.2f %.2fs\n",
                             c.id.c_str(), method.c_str(), s.gain, s.psnr, s.ssim, s.msssim, s.psnrGc, s.seconds);
                scores[set.name].push_back(s);
            }
        }
    }

    // Summaries, markdown, JSON.
    std::ostringstream json;
    json << "{\n  \"testset\": " << core::JsonWriter::quote(opt.testset) << ",\n  \"ratio_mode\": "
         << core::JsonWriter::quote(opt.amplifierMode ? "amplifier" : "gt") << ",\n  \"m\": " << jsonNumber(opt.m)
         << ",\n  \"gamma\": " << jsonNumber(opt.gamma)
         << ",\n  \"metrics\": \"PSNR, SSIM and MS-SSIM (Gaussian 11x11 sigma 1.5, per channel, mean) "
            "of the display output vs the display target; psnr_gc vs the target gamma-corrected to "
            "the output's mean brightness; luma_corr: Pearson correlation of output and target luminance (a flat or structureless output scores near 0 whatever its PSNR/SSIM)\",\n  \"sets\": {";
    bool firstSet = true;
    for (const auto& [setName, list] : scores) {
        std::map<std::string, Summary> sum;
        for (const Score& s : list) {
            if (!s.applicable)
                continue;
            Summary& m = sum[s.method];
            ++m.n;
            m.psnr += s.psnr; m.ssim += s.ssim; m.msssim += s.msssim; m.psnrGc += s.psnrGc;
            m.lumCorr += s.lumCorr;
            m.seconds += s.seconds;
            if (s.hasAttention) {
                ++m.nAtt;
                m.attMae += s.attentionMae;
                m.attCorr += s.attentionCorr;
                m.attCorrBlocks += s.attentionCorrBlocks;
            }
        }
        std::printf("\n### %s set (%s ratio%s)\n\n| method | PSNR | SSIM | MS-SSIM | PSNR (GT-GC) | luma corr | s / image | n |\n"
                    "|---|---|---|---|---|---|---|---|\n",
                    setName == "raw" ? "RAW" : "sRGB", opt.amplifierMode ? "Eq. 5 amplifier" : "GT",
                    opt.amplifierMode ? (", m = " + jsonNumber(opt.m)).c_str() : "");
        json << (firstSet ? "" : ",") << "\n    " << core::JsonWriter::quote(setName) << ": {\n      \"summary\": {";
        firstSet = false;
        bool firstM = true;
        for (const std::string& method : opt.methods) {
            auto it = sum.find(method);
            if (it == sum.end())
                continue;
            const Summary& m = it->second;
            const double n = m.n;
            std::printf("| %s | %.2f | %.4f | %.4f | %.2f | %.3f | %.3f | %d |\n", method.c_str(), m.psnr / n,
                        m.ssim / n, m.msssim / n, m.psnrGc / n, m.lumCorr / n, m.seconds / n, m.n);
            json << (firstM ? "" : ",") << "\n        " << core::JsonWriter::quote(method) << ": {\"n\": " << m.n
                 << ", \"psnr\": " << jsonNumber(m.psnr / n) << ", \"ssim\": " << jsonNumber(m.ssim / n)
                 << ", \"msssim\": " << jsonNumber(m.msssim / n) << ", \"psnr_gc\": "
                 << jsonNumber(m.psnrGc / n) << ", \"luma_corr\": " << jsonNumber(m.lumCorr / n)
                 << ", \"seconds_per_image\": " << jsonNumber(m.seconds / n);
            if (m.nAtt > 0)
                json << ", \"attention_mae\": " << jsonNumber(m.attMae / m.nAtt)
                     << ", \"attention_corr\": " << jsonNumber(m.attCorr / m.nAtt)
                     << ", \"attention_corr_8x8\": " << jsonNumber(m.attCorrBlocks / m.nAtt);
            json << "}";
            firstM = false;
        }
        for (const auto& [method, m] : sum) {
            if (m.nAtt > 0)
                std::printf("\n%s attention map vs the Eq. 4 target (%d images): MAE %.4f, correlation "
                            "%.4f per pixel, %.4f on 8x8 block means\n",
                            method.c_str(), m.nAtt, m.attMae / m.nAtt, m.attCorr / m.nAtt,
                            m.attCorrBlocks / m.nAtt);
        }
        json << "\n      },\n      \"cases\": [";
        bool firstC = true;
        for (const Score& s : list) {
            if (!s.applicable)
                continue;
            json << (firstC ? "" : ",") << "\n        {\"case\": " << core::JsonWriter::quote(s.caseId)
                 << ", \"method\": " << core::JsonWriter::quote(s.method) << ", \"gain\": " << jsonNumber(s.gain)
                 << ", \"psnr\": " << jsonNumber(s.psnr) << ", \"ssim\": " << jsonNumber(s.ssim)
                 << ", \"msssim\": " << jsonNumber(s.msssim) << ", \"psnr_gc\": " << jsonNumber(s.psnrGc)
                 << ", \"luma_corr\": " << jsonNumber(s.lumCorr)
                 << ", \"gc_gamma\": " << jsonNumber(s.gcGamma) << ", \"seconds\": " << jsonNumber(s.seconds);
            if (s.hasAttention)
                json << ", \"attention_mae\": " << jsonNumber(s.attentionMae)
                     << ", \"attention_corr\": " << jsonNumber(s.attentionCorr)
                     << ", \"attention_corr_8x8\": " << jsonNumber(s.attentionCorrBlocks);
            json << "}";
            firstC = false;
        }
        json << "\n      ]\n    }";
    }
    json << "\n  }\n}\n";
    std::ofstream f(opt.out);
    f << json.str();
    if (!f) {
        std::fprintf(stderr, "nocturne-eval: %s: cannot write the results\n", opt.out.c_str());
        return 1;
    }
    return 0;
}
