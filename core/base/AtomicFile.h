#pragma once

#include <filesystem>
#include <string_view>

#include "core/base/Result.h"

namespace nocturne::core {

// Writes `text` to `path` through a temporary file in the same folder and a rename, so a reader
// never sees half a file and a failed write leaves the old file as it was. The temporary is
// named as ImageWriter names its own, ".<name>.nocturne-tmp-<pid>-<random>", so that people and
// the stale-file sweep recognise it. Errors name `path` and say what to check.
Result<void> writeFileAtomically(const std::filesystem::path& path, std::string_view text);

}  // namespace nocturne::core
