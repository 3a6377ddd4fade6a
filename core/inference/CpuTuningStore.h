#pragma once

#include <optional>
#include <string>

#include "core/base/Result.h"

namespace nocturne::core {

// What the load-time checks decided for one network on one machine (TorchModel: bf16 against
// fp32, channels-last against contiguous).
struct CpuTuning {
    bool bf16 = false;
    bool channelsLast = false;
};

// Keeps the automatic CPU decisions between runs, so that a photo exported twice comes out the
// same: the layout check times two layouts on a shared machine, and near 1x its verdict flipped
// from load to load (lamba-mitra, 2 cores), and bf16 and fp32 outputs differ by design. It also
// spares later loads the checks' passes. The key names everything a decision depends on (the
// model's sha256, CPU, thread count, LibTorch version, requested modes), so new hardware, a new
// model or a new LibTorch measures again; deleting the file does too.
//
// The file is a small JSON object, rewritten whole through a temporary file and a rename, so a
// reader never sees half a file; of two processes storing at once the later one wins, which
// loses a decision at worst (it is measured again). An unreadable or malformed file counts as
// empty and is replaced on the next store.
// Thread: one instance per caller; the file is the shared state.
class CpuTuningStore {
public:
    explicit CpuTuningStore(std::string file) : m_file(std::move(file)) {}

    // $NOCTURNE_CACHE_DIR, else the platform's user cache folder (XDG_CACHE_HOME or ~/.cache on
    // Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows) + nocturne/cpu-tuning.json;
    // empty when none of these is known.
    static std::string defaultFile();

    const std::string& file() const { return m_file; }
    std::optional<CpuTuning> find(const std::string& key) const;
    // Creates the folder when needed.
    Result<void> store(const std::string& key, const CpuTuning& tuning) const;

private:
    std::string m_file;
};

}  // namespace nocturne::core
