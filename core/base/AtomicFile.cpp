#include "core/base/AtomicFile.h"

#include <unistd.h>

#include <fstream>
#include <random>
#include <string>

namespace nocturne::core {

namespace fs = std::filesystem;

namespace {

// (Appended piecewise: GCC 12 reports a false -Wrestrict for "." + std::string&&.)
std::string temporaryNameFor(const fs::path& path)
{
    std::random_device rd;
    std::string name = ".";
    name += path.filename().string();
    name += ".nocturne-tmp-";
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(rd() % 1000000);
    return name;
}

}  // namespace

Result<void> writeFileAtomically(const fs::path& path, std::string_view text)
{
    const std::string name = path.string();
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const fs::path temp = dir / temporaryNameFor(path);
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            return makeError(ErrorCode::PermissionDenied,
                             "cannot write in this folder (check that it exists and is writable)", name);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out) {
            out.close();
            std::error_code ignored;
            fs::remove(temp, ignored);
            return makeError(ErrorCode::IoError, "could not be written (is the disk full?)", name);
        }
    }
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        return makeError(ErrorCode::IoError, "could not be saved: " + ec.message(), name);
    }
    return Result<void>::success();
}

}  // namespace nocturne::core
