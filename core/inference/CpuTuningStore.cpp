#include "core/inference/CpuTuningStore.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/base/AtomicFile.h"
#include "core/base/Json.h"
#include "core/base/JsonWriter.h"

namespace nocturne::core {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFileName = "cpu-tuning.json";
constexpr int kFormat = 1;

std::string envString(const char* name)
{
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

std::map<std::string, CpuTuning> readAll(const std::string& file)
{
    std::map<std::string, CpuTuning> all;
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return all;
    std::ostringstream text;
    text << in.rdbuf();
    const auto doc = JsonValue::parse(text.str(), file);
    if (!doc || !doc->isObject())
        return all;
    const JsonValue* format = doc->find("format_version");
    const JsonValue* models = doc->find("decisions");
    if (!format || !format->isNumber() || format->asNumber() != kFormat || !models || !models->isObject())
        return all;
    for (const auto& [key, entry] : models->members()) {
        const JsonValue* bf16 = entry.find("bf16");
        const JsonValue* nhwc = entry.find("channels_last");
        if (bf16 && bf16->isBool() && nhwc && nhwc->isBool())
            all[key] = CpuTuning{bf16->asBool(), nhwc->asBool()};
    }
    return all;
}

}  // namespace

std::string CpuTuningStore::defaultFile()
{
    fs::path folder;
    if (const std::string own = envString("NOCTURNE_CACHE_DIR"); !own.empty())
        return (fs::path(own) / kFileName).string();
#if defined(_WIN32)
    if (const std::string local = envString("LOCALAPPDATA"); !local.empty())
        folder = fs::path(local) / "Nocturne" / "cache";
#elif defined(__APPLE__)
    if (const std::string home = envString("HOME"); !home.empty())
        folder = fs::path(home) / "Library" / "Caches" / "Nocturne";
#else
    if (const std::string xdg = envString("XDG_CACHE_HOME"); !xdg.empty())
        folder = fs::path(xdg) / "nocturne";
    else if (const std::string home = envString("HOME"); !home.empty())
        folder = fs::path(home) / ".cache" / "nocturne";
#endif
    return folder.empty() ? std::string() : (folder / kFileName).string();
}

std::optional<CpuTuning> CpuTuningStore::find(const std::string& key) const
{
    if (m_file.empty())
        return std::nullopt;
    const auto all = readAll(m_file);
    const auto it = all.find(key);
    return it == all.end() ? std::nullopt : std::optional<CpuTuning>(it->second);
}

Result<void> CpuTuningStore::store(const std::string& key, const CpuTuning& tuning) const
{
    if (m_file.empty())
        return makeError(ErrorCode::InvalidArgument, "no file to keep CPU decisions in");
    auto all = readAll(m_file);
    all[key] = tuning;

    JsonWriter w;
    w.beginObject().key("format_version").value(kFormat).key("decisions").beginObject();
    for (const auto& [k, t] : all)
        w.key(k).beginObject().key("bf16").value(t.bf16).key("channels_last").value(t.channelsLast).endObject();
    w.endObject().endObject();

    std::error_code ec;
    const fs::path path(m_file);
    if (path.has_parent_path())
        fs::create_directories(path.parent_path(), ec);
    return writeFileAtomically(path, w.str());
}

}  // namespace nocturne::core
