#pragma once

#include <string>
#include <vector>

#include "core/enhance/EnhancerRegistry.h"
#include "core/inference/EngineOptions.h"
#include "core/inference/ModelManifest.h"

namespace nocturne::core {

// A verified model package: its manifest and the absolute path of its .pt file.
struct ModelEntry {
    ModelManifest manifest;
    std::string modelPath;
    std::string manifestPath;
};

// A package found but refused (bad manifest, missing file, checksum mismatch, duplicate id,
// untrained without the developer flag), with a reason a user can act on.
struct RejectedModel {
    std::string manifestPath;
    std::string id;        // empty when the manifest could not be read
    Error reason;
};

struct ScanOptions {
    // Include the standard locations (1-3 below); tests switch this off for isolation.
    bool useStandardLocations = true;
    // Overrides for the standard locations; unset (empty) = from the environment / executable.
    std::vector<std::string> envFolders;     // instead of $NOCTURNE_MODEL_PATH
    std::string userFolder;                  // instead of the XDG data folder
    std::string executableDir;               // instead of /proc/self/exe's folder
    // (4) Folders searched last: a build tree, test fixtures.
    std::vector<std::string> extraFolders;
    // List models whose manifest says "trained": false. Also on when NOCTURNE_DEV_MODELS=1.
    bool includeUntrained = false;
    // List models whose manifest says "experimental": true (they failed the real-photo ship
    // rule); their display names are marked "(experimental)". Also on when
    // NOCTURNE_EXPERIMENTAL_MODELS=1.
    bool includeExperimental = false;
    // Verify each .pt against the manifest's sha256 (hashing costs ~1 s per 500 MB).
    bool verifyChecksums = true;
};

// Finds model packages (<id>.json + <id>.pt) in this order; the first occurrence of an id wins:
//   1. $NOCTURNE_MODEL_PATH, colon-separated folders, in order;
//   2. the user's folder: $XDG_DATA_HOME/nocturne/models, else ~/.local/share/nocturne/models;
//   3. next to the executable: <exe_dir>/models, then <exe_dir>/../share/nocturne/models (an
//      installed, relocatable prefix);
//   4. ScanOptions::extraFolders.
// Thread: scan() from any thread; the result is a value, read-only safe to share.
class ModelRegistry {
public:
    static ModelRegistry scan(const ScanOptions& options = {});

    // The folders scan() searched (existing or not), in order.
    static std::vector<std::string> searchPath(const ScanOptions& options);

    const std::vector<ModelEntry>& available() const { return m_available; }
    const std::vector<RejectedModel>& rejected() const { return m_rejected; }
    const std::vector<std::string>& searchedFolders() const { return m_folders; }
    const ModelEntry* find(const std::string& id) const;

    // Adds a TorchEnhancer for every available model; returns how many were added.
    int registerInto(EnhancerRegistry& registry, const EngineOptions& options) const;

private:
    std::vector<ModelEntry> m_available;
    std::vector<RejectedModel> m_rejected;
    std::vector<std::string> m_folders;
};

}  // namespace nocturne::core
