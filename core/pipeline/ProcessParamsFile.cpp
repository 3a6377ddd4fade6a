#include "core/pipeline/ProcessParamsFile.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "core/Version.h"
#include "core/base/AtomicFile.h"
#include "core/base/Json.h"
#include "core/base/JsonWriter.h"

namespace nocturne::core {

namespace {

namespace fs = std::filesystem;

constexpr const char* kFix = " Fix the settings file or save it again from Nocturne.";

Error invalid(const std::string& context, const std::string& message)
{
    return makeError(ErrorCode::CorruptData, "invalid settings: " + message + "." + kFix, context);
}

std::string knownList(const std::vector<const char*>& names)
{
    std::string list;
    for (const char* n : names)
        list += (list.empty() ? "" : ", ") + std::string(n);
    return list;
}

// Reads the members of one JSON object, refusing unknown names and wrong types.
class MemberReader {
public:
    MemberReader(const JsonValue& object, std::string prefix, const std::string& context)
        : m_object(object), m_prefix(std::move(prefix)), m_context(context)
    {
    }

    Result<void> onlyKnown(const std::vector<const char*>& names) const
    {
        for (const auto& [name, value] : m_object.members()) {
            bool known = false;
            for (const char* n : names)
                known = known || name == n;
            if (!known)
                return invalid(m_context, "unknown setting \"" + m_prefix + name + "\" (known here: "
                                              + knownList(names) + ")");
        }
        return Result<void>::success();
    }

    // nullptr when absent; an error when present with another type than `type`.
    Result<const JsonValue*> get(const char* name, JsonValue::Type type, bool nullable = false) const
    {
        const JsonValue* v = m_object.find(name);
        if (!v || (nullable && v->isNull()))
            return static_cast<const JsonValue*>(nullptr);
        if (v->type() != type)
            return invalid(m_context, "\"" + m_prefix + name + "\" must be " + JsonValue::typeName(type)
                                          + ", not " + JsonValue::typeName(v->type()));
        return v;
    }

    Result<void> readNumber(const char* name, double& out) const
    {
        auto v = get(name, JsonValue::Type::Number);
        if (!v)
            return v.error();
        if (*v)
            out = (*v)->asNumber();
        return Result<void>::success();
    }

    Result<void> readInteger(const char* name, int& out) const
    {
        double d = out;
        if (auto r = readNumber(name, d); !r)
            return r;
        if (d != std::floor(d) || std::abs(d) > 1e9)
            return invalid(m_context, "\"" + m_prefix + name + "\" must be a whole number");
        out = static_cast<int>(d);
        return Result<void>::success();
    }

    Result<void> readBool(const char* name, bool& out) const
    {
        auto v = get(name, JsonValue::Type::Bool);
        if (!v)
            return v.error();
        if (*v)
            out = (*v)->asBool();
        return Result<void>::success();
    }

    Result<void> readFloat(const char* name, float& out) const
    {
        double d = out;
        if (auto r = readNumber(name, d); !r)
            return r;
        out = static_cast<float>(d);
        return Result<void>::success();
    }

    // One of `choices`, as an index.
    Result<void> readChoice(const char* name, std::initializer_list<const char*> choices, int& index) const
    {
        auto v = get(name, JsonValue::Type::String);
        if (!v)
            return v.error();
        if (!*v)
            return Result<void>::success();
        int i = 0;
        for (const char* c : choices) {
            if ((*v)->asString() == c) {
                index = i;
                return Result<void>::success();
            }
            ++i;
        }
        return invalid(m_context, "\"" + m_prefix + name + "\" is \"" + (*v)->asString()
                                      + "\"; expected one of " + knownList(choices));
    }

private:
    const JsonValue& m_object;
    std::string m_prefix;
    const std::string& m_context;
};

// Version 2's "white_balance": { "auto": false, "temperature": 0, "tint": 0 }.
Result<void> readWhiteBalance(const MemberReader& top, const std::string& context, WhiteBalanceSettings& wb)
{
    auto object = top.get("white_balance", JsonValue::Type::Object);
    if (!object)
        return object.error();
    if (!*object)
        return Result<void>::success();
    const MemberReader w(**object, "white_balance.", context);
    if (auto r = w.onlyKnown({"auto", "temperature", "tint"}); !r)
        return r;
    for (auto r : {w.readBool("auto", wb.automatic), w.readNumber("temperature", wb.temperature),
                   w.readNumber("tint", wb.tint)})
        if (!r)
            return r;
    return Result<void>::success();
}

// The members of every version up to `version` (a later version's member in an older file is
// unknown there, like a typo).
Result<void> readMembers(const JsonValue& doc, const std::string& context, int version, ProcessParams& p)
{
    const MemberReader top(doc, "", context);
    std::vector<const char*> known = {"format", "version", "written_by", "method", "amplifier",
                                      "exposure_ratio", "exposure", "noise_reduction", "gamma"};
    if (version >= 2)
        known.push_back("white_balance");
    if (auto r = top.onlyKnown(known); !r)
        return r;
    if (version >= 2)
        if (auto r = readWhiteBalance(top, context, p.whiteBalance); !r)
            return r;
    if (auto written = top.get("written_by", JsonValue::Type::String); !written)
        return written.error();
    auto method = top.get("method", JsonValue::Type::String);
    if (!method)
        return method.error();
    if (*method)
        p.method = (*method)->asString();

    auto amp = top.get("amplifier", JsonValue::Type::Object);
    if (!amp)
        return amp.error();
    if (*amp) {
        const MemberReader a(**amp, "amplifier.", context);
        if (auto r = a.onlyKnown({"m", "mode", "bins", "min_gain", "max_gain"}); !r)
            return r;
        int mode = p.amplifier.mode == AmplifierMode::Mean ? 1 : 0;
        for (auto r : {a.readNumber("m", p.amplifier.m), a.readChoice("mode", {"weighted", "mean"}, mode),
                       a.readInteger("bins", p.amplifier.bins), a.readNumber("min_gain", p.amplifier.minGain),
                       a.readNumber("max_gain", p.amplifier.maxGain)})
            if (!r)
                return r;
        p.amplifier.mode = mode == 1 ? AmplifierMode::Mean : AmplifierMode::Weighted;
    }

    auto ratio = top.get("exposure_ratio", JsonValue::Type::Number, true);
    if (!ratio)
        return ratio.error();
    if (*ratio)
        p.exposureRatio = (*ratio)->asNumber();

    int exposure = p.exposure == ExposureMode::Input ? 1 : 0;
    for (auto r : {top.readChoice("exposure", {"output", "input"}, exposure),
                   top.readFloat("noise_reduction", p.noiseReduction), top.readFloat("gamma", p.gamma)})
        if (!r)
            return r;
    p.exposure = exposure == 1 ? ExposureMode::Input : ExposureMode::Output;
    return Result<void>::success();
}

}  // namespace

ProcessParams ProcessParamsFile::version1Defaults()
{
    ProcessParams p;
    p.method = "none";
    p.amplifier.m = 0.12;
    p.amplifier.mode = AmplifierMode::Weighted;
    p.amplifier.bins = 128;
    p.amplifier.minGain = 1.0;
    p.amplifier.maxGain = 300.0;
    p.exposureRatio.reset();
    p.exposure = ExposureMode::Output;
    p.noiseReduction = 1.0f;
    p.gamma = 2.2f;
    return p;
}

std::string ProcessParamsFile::toJson(const ProcessParams& p)
{
    JsonWriter w;
    w.beginObject();
    w.key("format").value(kFormat);
    w.key("version").value(ProcessParams::kVersion);
    w.key("written_by").value(std::string(kProductName) + " " + kVersion);
    w.key("method").value(p.method);
    w.key("amplifier").beginObject();
    w.key("m").value(p.amplifier.m);
    w.key("mode").value(modeName(p.amplifier.mode));
    w.key("bins").value(p.amplifier.bins);
    w.key("min_gain").value(p.amplifier.minGain);
    w.key("max_gain").value(p.amplifier.maxGain);
    w.endObject();
    w.key("exposure_ratio");
    if (p.exposureRatio)
        w.value(*p.exposureRatio);
    else
        w.null();
    w.key("exposure").value(modeName(p.exposure));
    // The float fields go out as the double nearest the float, which reads back to the same float.
    w.key("noise_reduction").value(static_cast<double>(p.noiseReduction));
    w.key("gamma").value(static_cast<double>(p.gamma));
    w.key("white_balance").beginObject();
    w.key("auto").value(p.whiteBalance.automatic);
    w.key("temperature").value(p.whiteBalance.temperature);
    w.key("tint").value(p.whiteBalance.tint);
    w.endObject();
    w.endObject();
    return w.str();
}

Result<ProcessParams> ProcessParamsFile::fromJson(std::string_view text, const std::string& context)
{
    Result<JsonValue> doc = JsonValue::parse(text, context);
    if (!doc)
        return makeError(doc.error().code, doc.error().message + kFix, context);
    if (!doc->isObject())
        return invalid(context, "the top level must be a JSON object");
    const JsonValue* format = doc->find("format");
    if (!format || !format->isString() || format->asString() != kFormat)
        return invalid(context, std::string("this is not a Nocturne settings file (\"format\" must be \"")
                                    + kFormat + "\")");
    const JsonValue* version = doc->find("version");
    if (!version || !version->isNumber() || version->asNumber() != std::floor(version->asNumber())
        || version->asNumber() < 1)
        return invalid(context, "\"version\" must be a whole number from 1");
    if (version->asNumber() > ProcessParams::kVersion) {
        std::ostringstream v;
        v << version->asNumber();
        return makeError(ErrorCode::UnsupportedFormat,
                         "the settings were saved by a newer Nocturne (settings version " + v.str()
                             + "); this Nocturne " + kVersion + " reads versions up to "
                             + std::to_string(ProcessParams::kVersion) + ". Update Nocturne to use them.",
                         context);
    }

    // Version 2 only added white_balance, whose default (none) is version 1's behaviour.
    ProcessParams p = version1Defaults();
    if (auto r = readMembers(*doc, context, static_cast<int>(version->asNumber()), p); !r)
        return r.error();
    if (auto r = validate(p); !r)
        return makeError(ErrorCode::CorruptData,
                         "invalid settings: \"" + r.error().context + "\": " + r.error().message + "." + kFix,
                         context);
    return p;
}

Result<ProcessParams> ProcessParamsFile::read(const fs::path& path)
{
    const std::string name = path.string();
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        return makeError(ErrorCode::NotFound, "no such settings file", name);
    if (fs::is_directory(status))
        return makeError(ErrorCode::InvalidArgument, "is a folder, not a settings file", name);
    const auto size = fs::file_size(path, ec);
    if (!ec && size > kMaxBytes)
        return makeError(ErrorCode::TooLarge,
                         "is " + std::to_string(size) + " bytes; a settings file is at most 1 MiB", name);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::PermissionDenied, "cannot be read (check its permissions)", name);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return makeError(ErrorCode::IoError, "could not be read completely", name);
    return fromJson(text.str(), name);
}

Result<void> ProcessParamsFile::write(const ProcessParams& params, const fs::path& path)
{
    const std::string name = path.string();
    if (auto r = validate(params); !r)
        return makeError(r.error().code, "cannot save \"" + r.error().context + "\": " + r.error().message, name);
    return writeFileAtomically(path, toJson(params));
}

}  // namespace nocturne::core
