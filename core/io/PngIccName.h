#pragma once

#include <string>

#include "core/base/Result.h"

namespace nocturne::core {

// Exiv2 0.27 writes a PNG's iCCP chunk with an empty profile name, which the PNG specification
// forbids (the keyword is 1-79 Latin-1 characters): libpng then warns "iCCP: bad keyword" and
// drops the profile, so browsers and editors built on it showed our exports unmanaged. This
// rewrites that chunk in place with `kName` and a fresh CRC; any other file is left untouched.
// Thread: stateless; not for a file another thread writes.
class PngIccName {
public:
    static constexpr const char* kName = "ICC profile";

    // Success also when there is nothing to mend (not a PNG, no iCCP, already named).
    static Result<void> mend(const std::string& path);
};

}  // namespace nocturne::core
