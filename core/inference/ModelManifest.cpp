#include "core/inference/ModelManifest.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/base/Json.h"

namespace nocturne::core {

namespace {

constexpr const char* kFix = " Fix the manifest (see models/README.md) or reinstall the model.";

// Field readers: each returns an error naming the manifest and the field, or fills `out`.
class FieldReader {
public:
    FieldReader(const JsonValue& root, const std::string& source) : m_root(root), m_source(source) {}

    std::optional<Error> error() const { return m_error; }

    const JsonValue* get(const std::string& key, JsonValue::Type type, bool required)
    {
        if (m_error)
            return nullptr;
        const JsonValue* v = m_root.find(key);
        if (!v) {
            if (required)
                fail("missing required field \"" + key + "\".");
            return nullptr;
        }
        if (v->type() != type) {
            fail("field \"" + key + "\" must be " + JsonValue::typeName(type) + ", not "
                 + JsonValue::typeName(v->type()) + ".");
            return nullptr;
        }
        return v;
    }

    void string(const std::string& key, std::string& out, bool required, bool nonEmpty = true)
    {
        if (const JsonValue* v = get(key, JsonValue::Type::String, required)) {
            if (nonEmpty && v->asString().empty())
                fail("field \"" + key + "\" must not be empty.");
            out = v->asString();
        }
    }

    void number(const std::string& key, double& out, bool required)
    {
        if (const JsonValue* v = get(key, JsonValue::Type::Number, required)) {
            if (!std::isfinite(v->asNumber()))
                fail("field \"" + key + "\" must be a finite number.");
            out = v->asNumber();
        }
    }

    void integer(const std::string& key, long long& out, bool required, long long minValue)
    {
        double d = static_cast<double>(out);
        number(key, d, required);
        if (m_error || !m_root.find(key))
            return;
        if (d != std::floor(d) || d < static_cast<double>(minValue) || d > 1e15) {
            fail("field \"" + key + "\" must be an integer >= " + std::to_string(minValue) + ".");
            return;
        }
        out = static_cast<long long>(d);
    }

    void boolean(const std::string& key, bool& out, bool required)
    {
        if (const JsonValue* v = get(key, JsonValue::Type::Bool, required))
            out = v->asBool();
    }

    void range(const std::string& key, std::optional<std::pair<double, double>>& out)
    {
        const JsonValue* v = get(key, JsonValue::Type::Array, false);
        if (!v)
            return;
        if (v->items().size() != 2 || !v->items()[0].isNumber() || !v->items()[1].isNumber()
            || v->items()[0].asNumber() > v->items()[1].asNumber()) {
            fail("field \"" + key + "\" must be [low, high] with low <= high.");
            return;
        }
        out = std::make_pair(v->items()[0].asNumber(), v->items()[1].asNumber());
    }

    void fail(const std::string& message)
    {
        if (!m_error)
            m_error = makeError(ErrorCode::CorruptData, "invalid model manifest: " + message + kFix,
                                m_source);
    }

private:
    const JsonValue& m_root;
    const std::string& m_source;
    std::optional<Error> m_error;
};

bool isHex64(const std::string& s)
{
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

}  // namespace

std::string toString(ModelAmplifier amplifier)
{
    switch (amplifier) {
    case ModelAmplifier::Mosaic: return "mosaic";
    case ModelAmplifier::Rgb: return "rgb";
    case ModelAmplifier::Engine: return "engine";
    case ModelAmplifier::None: return "none";
    }
    return "?";
}

std::optional<InputKind> inputKindFromManifest(const std::string& text)
{
    if (text == "bayer_mosaic") return InputKind::BayerMosaic;
    if (text == "packed_4ch") return InputKind::PackedBayer;
    if (text == "srgb") return InputKind::SrgbDisplay;
    return std::nullopt;
}

std::string manifestName(InputKind kind)
{
    switch (kind) {
    case InputKind::BayerMosaic: return "bayer_mosaic";
    case InputKind::PackedBayer: return "packed_4ch";
    case InputKind::SrgbDisplay: return "srgb";
    case InputKind::LinearRgb: return "linear_rgb";
    }
    return "?";
}

bool ModelManifest::producesAttention() const
{
    return std::find(outputs.begin(), outputs.end(), "attention") != outputs.end();
}

Result<ModelManifest> ModelManifest::parse(const std::string& jsonText, const std::string& sourceName)
{
    Result<JsonValue> doc = JsonValue::parse(jsonText, sourceName);
    if (!doc)
        return makeError(doc.error().code, doc.error().message + kFix, sourceName);
    if (!doc->isObject())
        return makeError(ErrorCode::CorruptData,
                         std::string("invalid model manifest: the top level must be a JSON object.") + kFix,
                         sourceName);

    ModelManifest m;
    FieldReader r(*doc, sourceName);

    long long version = 0;
    r.integer("format_version", version, true, 1);
    if (!r.error() && version != kFormatVersion)
        r.fail("format_version " + std::to_string(version) + " is not supported (this Nocturne reads version "
               + std::to_string(kFormatVersion) + "); update Nocturne or use a matching model.");
    m.formatVersion = static_cast<int>(version);

    r.string("id", m.id, true);
    if (!r.error()
        && !std::all_of(m.id.begin(), m.id.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
           }))
        r.fail("field \"id\" may contain only a-z, 0-9, '-', '_' and '.' (it is typed on the command line).");
    r.string("display_name", m.displayName, true);
    r.string("paper", m.paper, false, false);
    r.string("file", m.file, true);
    if (!r.error() && (m.file.find('/') != std::string::npos || m.file.find('\\') != std::string::npos))
        r.fail("field \"file\" must be a plain file name next to the manifest, not a path.");
    r.string("sha256", m.sha256, true);
    if (!r.error() && !isHex64(m.sha256))
        r.fail("field \"sha256\" must be 64 hexadecimal digits.");
    std::transform(m.sha256.begin(), m.sha256.end(), m.sha256.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });

    std::string kind;
    r.string("input_kind", kind, true);
    if (!r.error()) {
        if (const auto k = inputKindFromManifest(kind))
            m.inputKind = *k;
        else
            r.fail("field \"input_kind\" is \"" + kind + "\"; expected bayer_mosaic, packed_4ch or srgb.");
    }

    long long multiple = 1;
    r.integer("size_multiple", multiple, true, 1);
    m.sizeMultiple = static_cast<int>(std::min<long long>(multiple, 4096));
    r.number("input_scale", m.inputScale, false);
    if (!r.error() && (m.inputScale <= 0.0 || m.inputScale > 1.0))
        r.fail("field \"input_scale\" must be in (0, 1].");
    long long scale = 1;
    r.integer("scale_factor", scale, false, 1);
    m.scaleFactor = static_cast<int>(std::min<long long>(scale, 16));

    if (const JsonValue* outs = r.get("outputs", JsonValue::Type::Array, true)) {
        m.outputs.clear();
        for (const JsonValue& o : outs->items()) {
            if (!o.isString() || (o.asString() != "image" && o.asString() != "attention")) {
                r.fail("field \"outputs\" may list only \"image\" and \"attention\".");
                break;
            }
            m.outputs.push_back(o.asString());
        }
        if (!r.error() && (m.outputs.empty() || m.outputs.front() != "image"))
            r.fail("field \"outputs\" must start with \"image\".");
    }
    r.range("input_range", m.inputRange);
    r.range("output_range", m.outputRange);

    std::string amp;
    r.string("amplifier", amp, true);
    if (!r.error()) {
        if (amp == "mosaic") m.amplifier = ModelAmplifier::Mosaic;
        else if (amp == "rgb") m.amplifier = ModelAmplifier::Rgb;
        else if (amp == "engine") m.amplifier = ModelAmplifier::Engine;
        else if (amp == "none") m.amplifier = ModelAmplifier::None;
        else r.fail("field \"amplifier\" is \"" + amp + "\"; expected mosaic, rgb, engine or none.");
    }
    if (!r.error() && m.amplifier == ModelAmplifier::Mosaic && m.inputKind == InputKind::SrgbDisplay)
        r.fail("amplifier \"mosaic\" needs a mosaic input_kind (bayer_mosaic or packed_4ch).");
    if (!r.error() && m.amplifier == ModelAmplifier::Engine && m.inputKind != InputKind::SrgbDisplay)
        r.fail("amplifier \"engine\" needs input_kind srgb (the engine's amplified RGB image).");

    m.clipInput = m.inputKind == InputKind::PackedBayer;   // SID convention when unspecified
    r.boolean("clip_input", m.clipInput, false);
    std::string output = "display";
    r.string("output", output, false);
    if (!r.error()) {
        if (output == "display") m.output = ModelOutput::Display;
        else if (output == "camera_linear") m.output = ModelOutput::CameraLinear;
        else r.fail("field \"output\" is \"" + output + "\"; expected display or camera_linear.");
    }
    if (!r.error() && m.output == ModelOutput::CameraLinear && m.inputKind == InputKind::SrgbDisplay)
        r.fail("output \"camera_linear\" needs a mosaic input_kind (bayer_mosaic or packed_4ch).");
    std::string encoding = "gamma";
    r.string("output_encoding", encoding, false);
    if (!r.error()) {
        if (encoding == "gamma") m.outputEncoding = OutputEncoding::Gamma;
        else if (encoding == "srgb") m.outputEncoding = OutputEncoding::Srgb;
        else r.fail("field \"output_encoding\" is \"" + encoding + "\"; expected gamma or srgb.");
    }
    if (!r.error() && m.outputEncoding == OutputEncoding::Srgb && m.output != ModelOutput::Display)
        r.fail("output_encoding \"srgb\" applies to display outputs, not camera_linear.");
    r.integer("parameters", m.parameters, false, 0);
    r.string("licence", m.licence, false, false);
    r.boolean("trained", m.trained, true);
    r.boolean("experimental", m.experimental, false);
    r.string("experimental_reason", m.experimentalReason, false, false);
    r.number("gmac_512", m.gmac512, false);
    r.number("bf16_min_psnr", m.bf16MinPsnr, false);
    double bpp = 0.0;
    r.number("memory_bytes_per_pixel", bpp, false);
    if (!r.error() && doc->find("memory_bytes_per_pixel")) {
        if (bpp <= 0.0)
            r.fail("field \"memory_bytes_per_pixel\" must be positive.");
        m.memoryBytesPerPixel = bpp;
    }
    long long cpuTile = 0;
    r.integer("cpu_tile", cpuTile, false, 64);
    if (!r.error() && doc->find("cpu_tile")) {
        if (cpuTile > 16384)
            r.fail("field \"cpu_tile\" must be at most 16384 pixels.");
        m.cpuTile = static_cast<int>(cpuTile);
    }
    if (!r.error() && m.inputKind != InputKind::SrgbDisplay && m.sizeMultiple % 2 != 0)
        r.fail("field \"size_multiple\" must be even for mosaic inputs (the Bayer tile is 2x2).");

    if (r.error())
        return *r.error();
    return m;
}

Result<ModelManifest> ModelManifest::load(const std::string& manifestPath)
{
    std::ifstream in(manifestPath, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::NotFound, "cannot open the model manifest; check that it exists and is readable.",
                         manifestPath);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return makeError(ErrorCode::IoError, "cannot read the model manifest.", manifestPath);
    return parse(text.str(), manifestPath);
}

}  // namespace nocturne::core
