// libFuzzer harness: any text as a saved settings file (nocturne-cli --params, the editor's
// Load Settings). Beyond not crashing: whatever is accepted is valid, and writing it out and
// reading it back gives the same parameters (the file format's round-trip contract).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/pipeline/ProcessParamsFile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using nocturne::core::ProcessParamsFile;
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto params = ProcessParamsFile::fromJson(text, "fuzz.nocturne.json");
    if (!params)
        return 0;
    if (!nocturne::core::validate(*params))
        std::abort();
    const auto again = ProcessParamsFile::fromJson(ProcessParamsFile::toJson(*params), "again.nocturne.json");
    if (!again || !(*again == *params))
        std::abort();
    return 0;
}
