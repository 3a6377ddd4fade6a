#include "app/eval/EvalSet.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <opencv2/core.hpp>

#include "core/image/SrgbCurve.h"
#include "core/base/Json.h"
#include "core/io/ImageLoader.h"

namespace nocturne::eval {

using core::ErrorCode;
using core::JsonValue;
using core::makeError;

core::Result<std::vector<EvalSet>> readTestSet(const std::string& dir)
{
    const std::string path = (std::filesystem::path(dir) / "testset.json").string();
    std::ifstream in(path);
    if (!in)
        return makeError(ErrorCode::NotFound,
                         "cannot open it; write the test set with models/training/make_testset.py",
                         path);
    std::stringstream text;
    text << in.rdbuf();
    auto doc = JsonValue::parse(text.str(), path);
    if (!doc)
        return doc.error();
    std::vector<EvalSet> sets;
    for (const char* name : {"raw", "srgb"}) {
        const JsonValue* list = doc->find(name);
        if (!list || !list->isArray())
            continue;
        EvalSet set;
        set.name = name;
        for (const JsonValue& item : list->items()) {
            const JsonValue* id = item.find("id");
            const JsonValue* input = item.find("input");
            const JsonValue* target = item.find("target");
            if (!id || !input || !target || !id->isString() || !input->isString() || !target->isString())
                return makeError(ErrorCode::CorruptData,
                                 std::string("a case in '") + name + "' lacks id/input/target strings", path);
            EvalCase c;
            c.id = id->asString();
            c.input = (std::filesystem::path(dir) / input->asString()).string();
            c.target = (std::filesystem::path(dir) / target->asString()).string();
            if (const JsonValue* r = item.find("ratio"); r && r->isNumber())
                c.ratio = r->asNumber();
            if (const JsonValue* m = item.find("mode"); m && m->isString())
                c.mode = m->asString();
            set.cases.push_back(std::move(c));
        }
        sets.push_back(std::move(set));
    }
    if (sets.empty())
        return makeError(ErrorCode::CorruptData, "has neither a 'raw' nor an 'srgb' list", path);
    return sets;
}

core::Result<cv::Mat> loadDisplayTarget(const std::string& path)
{
    core::DecodeOptions options;
    options.wantMosaic = false;
    auto decoded = core::ImageLoader::load(path, options);
    if (!decoded)
        return decoded.error();
    cv::Mat display = decoded->rgb.mat().clone();
    display.forEach<cv::Vec3f>([](cv::Vec3f& px, const int*) {
        for (int c = 0; c < 3; ++c)
            px[c] = core::linearToSrgb(std::max(px[c], 0.0f));
    });
    return display;
}

double fitBrightnessGamma(const cv::Mat& output, const cv::Mat& target)
{
    const double want = cv::mean(output).dot(cv::Scalar(1, 1, 1, 0)) / 3.0;
    auto meanPow = [&](double g) {
        cv::Mat t;
        cv::max(target, 1e-6, t);
        cv::pow(t, g, t);
        return cv::mean(t).dot(cv::Scalar(1, 1, 1, 0)) / 3.0;
    };
    // mean(target^g) falls as g rises (values in [0,1]).
    double lo = 0.05;
    double hi = 20.0;
    for (int i = 0; i < 50; ++i) {
        const double mid = std::sqrt(lo * hi);
        if (meanPow(mid) > want)
            lo = mid;
        else
            hi = mid;
    }
    return std::sqrt(lo * hi);
}

}  // namespace nocturne::eval
