#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/base/Result.h"
#include "core/pipeline/ProcessParams.h"

namespace nocturne::core {

// Saved processing settings ("nocturne-settings" JSON; README "Workflows"), which the
// editor saves and loads and `nocturne-cli --params` replays, like darktable's and digiKam's
// versioned history:
//
//   { "format": "nocturne-settings", "version": 2, "written_by": "Nocturne 0.1.0",
//     "method": "none",
//     "amplifier": { "m": 0.12, "mode": "weighted", "bins": 128, "min_gain": 1, "max_gain": 300 },
//     "exposure_ratio": null, "exposure": "output", "noise_reduction": 1, "gamma": 2.2,
//     "white_balance": { "auto": false, "temperature": 0, "tint": 0 } }
//
// Version 2 added "white_balance"; a version-1 file has none (and refuses the member).
//
// Reading: every version up to ProcessParams::kVersion is read, forever; a newer version is
// refused with a message saying so. A missing member takes the default *of the file's
// version* (frozen here, not today's default), so an old file renders the same in every later
// Nocturne. An unknown member is refused (a typo must not silently fall back to a default), as
// is a value of the wrong type or out of range. "written_by" is informational.
// Thread: pure functions, apart from the file access of read/write.
class ProcessParamsFile {
public:
    static constexpr const char* kFormat = "nocturne-settings";
    static constexpr const char* kExtension = ".nocturne.json";
    static constexpr std::size_t kMaxBytes = 1 << 20;

    static std::string toJson(const ProcessParams& params);
    // `context` (usually the file name) prefixes every error.
    static Result<ProcessParams> fromJson(std::string_view text, const std::string& context);

    static Result<ProcessParams> read(const std::filesystem::path& path);
    // Writes a temporary file beside `path` and renames it into place: an existing settings
    // file is replaced whole or not at all.
    static Result<void> write(const ProcessParams& params, const std::filesystem::path& path);

    // What a version-1 file means by a missing member (frozen: the defaults of Nocturne 0.1.0);
    // version 2's are the same, with no white-balance correction.
    static ProcessParams version1Defaults();
};

}  // namespace nocturne::core
