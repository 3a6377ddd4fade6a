#include "core/inference/CpuTuningStore.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

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

std::string temporaryName()
{
    std::random_device device;
    return "." + std::string(kFileName) + ".tmp-" + std::to_string(device());
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

    const fs::path path(m_file);
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(dir, ec);
    const fs::path temp = dir / temporaryName();
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            return makeError(ErrorCode::PermissionDenied, "cannot write in the cache folder", m_file);
        out << w.str();
        out.flush();
        if (!out) {
            out.close();
            fs::remove(temp, ec);
            return makeError(ErrorCode::IoError, "could not be written (is the disk full?)", m_file);
        }
    }
    fs::rename(temp, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        return makeError(ErrorCode::IoError, "could not be saved: " + ec.message(), m_file);
    }
    return Result<void>::success();
}

}  // namespace nocturne::core
