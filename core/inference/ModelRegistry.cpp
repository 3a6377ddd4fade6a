#include "core/inference/ModelRegistry.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <system_error>

#include "core/base/Sha256.h"
#include "core/inference/TorchEnhancer.h"

namespace nocturne::core {

namespace fs = std::filesystem;

namespace {

std::string envString(const char* name)
{
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

std::vector<std::string> splitColon(const std::string& text)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t colon = text.find(':', start);
        const std::string part = text.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        if (!part.empty())
            parts.push_back(part);
        if (colon == std::string::npos)
            break;
        start = colon + 1;
    }
    return parts;
}

std::string executableDir()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

bool envFlag(const char* name)
{
    const std::string v = envString(name);
    return !v.empty() && v != "0" && v != "false";
}

bool devFlagFromEnv()
{
    return envFlag("NOCTURNE_DEV_MODELS");
}

bool experimentalFlagFromEnv()
{
    return envFlag("NOCTURNE_EXPERIMENTAL_MODELS");
}

}  // namespace

std::vector<std::string> ModelRegistry::searchPath(const ScanOptions& options)
{
    std::vector<std::string> folders;
    if (options.useStandardLocations) {
        const std::vector<std::string> env =
            options.envFolders.empty() ? splitColon(envString("NOCTURNE_MODEL_PATH")) : options.envFolders;
        folders.insert(folders.end(), env.begin(), env.end());

        std::string user = options.userFolder;
        if (user.empty()) {
            const std::string xdg = envString("XDG_DATA_HOME");
            const std::string home = envString("HOME");
            if (!xdg.empty())
                user = (fs::path(xdg) / "nocturne" / "models").string();
            else if (!home.empty())
                user = (fs::path(home) / ".local" / "share" / "nocturne" / "models").string();
        }
        if (!user.empty())
            folders.push_back(user);

        const std::string exe = options.executableDir.empty() ? executableDir() : options.executableDir;
        if (!exe.empty()) {
            folders.push_back((fs::path(exe) / "models").string());
            folders.push_back((fs::path(exe) / ".." / "share" / "nocturne" / "models").lexically_normal().string());
        }
    }
    folders.insert(folders.end(), options.extraFolders.begin(), options.extraFolders.end());
    return folders;
}

ModelRegistry ModelRegistry::scan(const ScanOptions& options)
{
    ModelRegistry registry;
    registry.m_folders = searchPath(options);
    const bool includeUntrained = options.includeUntrained || devFlagFromEnv();
    const bool includeExperimental = options.includeExperimental || experimentalFlagFromEnv();
    std::set<std::string> seenIds;
    std::set<fs::path> seenFolders;

    for (const std::string& folder : registry.m_folders) {
        std::error_code ec;
        const fs::path dir = fs::weakly_canonical(fs::path(folder), ec);
        if (ec || !fs::is_directory(dir, ec) || !seenFolders.insert(dir).second)
            continue;
        // Sorted so the outcome does not depend on directory order.
        std::vector<fs::path> manifests;
        for (const auto& entry : fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec))
            if (entry.path().extension() == ".json" && entry.is_regular_file(ec))
                manifests.push_back(entry.path());
        std::sort(manifests.begin(), manifests.end());

        for (const fs::path& manifestPath : manifests) {
            const std::string mpath = manifestPath.string();
            Result<ModelManifest> manifest = ModelManifest::load(mpath);
            if (!manifest) {
                registry.m_rejected.push_back({mpath, {}, manifest.error()});
                continue;
            }
            const std::string& id = manifest->id;
            if (seenIds.count(id)) {
                registry.m_rejected.push_back(
                    {mpath, id,
                     makeError(ErrorCode::InvalidArgument,
                               "a model with id \"" + id + "\" was already found earlier in the search path; this copy is ignored.",
                               mpath)});
                continue;
            }
            if (!manifest->trained && !includeUntrained) {
                registry.m_rejected.push_back(
                    {mpath, id,
                     makeError(ErrorCode::NotApplicable,
                               "model \"" + id + "\" is not trained (\"trained\": false); it is listed only with the developer flag (NOCTURNE_DEV_MODELS=1).",
                               mpath)});
                continue;
            }
            if (manifest->experimental && !includeExperimental) {
                registry.m_rejected.push_back(
                    {mpath, id,
                     makeError(ErrorCode::NotApplicable,
                               "model \"" + id + "\" is experimental: "
                                   + (manifest->experimentalReason.empty() ? std::string("it does not beat the classical methods on real photos")
                                                                           : manifest->experimentalReason)
                                   + ". It is listed only on request (nocturne-cli --experimental; in the editor, View > Show Experimental Networks).",
                               mpath)});
                continue;
            }
            if (manifest->experimental)
                manifest->displayName += " (experimental)";
            const fs::path modelPath = manifestPath.parent_path() / manifest->file;
            if (!fs::is_regular_file(modelPath, ec)) {
                registry.m_rejected.push_back(
                    {mpath, id,
                     makeError(ErrorCode::NotFound,
                               "the model file " + manifest->file + " named by the manifest is missing; reinstall the model.",
                               mpath)});
                continue;
            }
            if (options.verifyChecksums) {
                Result<std::string> sha = Sha256::hashFileHex(modelPath.string());
                if (!sha) {
                    registry.m_rejected.push_back({mpath, id, sha.error()});
                    continue;
                }
                if (*sha != manifest->sha256) {
                    registry.m_rejected.push_back(
                        {mpath, id,
                         makeError(ErrorCode::CorruptData,
                                   "checksum mismatch: " + manifest->file + " has sha256 " + *sha + " but the manifest expects "
                                       + manifest->sha256 + "; the file is corrupt or belongs to another version. Reinstall the model.",
                                   modelPath.string())});
                    continue;
                }
            }
            seenIds.insert(id);
            registry.m_available.push_back({std::move(*manifest), modelPath.string(), mpath});
        }
    }
    return registry;
}

const ModelEntry* ModelRegistry::find(const std::string& id) const
{
    const auto it = std::find_if(m_available.begin(), m_available.end(),
                                 [&](const ModelEntry& e) { return e.manifest.id == id; });
    return it != m_available.end() ? &*it : nullptr;
}

int ModelRegistry::registerInto(EnhancerRegistry& registry, const EngineOptions& options) const
{
    for (const ModelEntry& entry : m_available)
        registry.add(std::make_shared<TorchEnhancer>(entry.manifest, entry.modelPath, options));
    return static_cast<int>(m_available.size());
}

}  // namespace nocturne::core
