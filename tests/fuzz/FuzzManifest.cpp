// libFuzzer harness: any text as a model manifest (the JSON parser and the manifest checks a
// model folder goes through before a .pt is ever loaded).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/inference/ModelManifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    (void)nocturne::core::ModelManifest::parse(text, "fuzz.json");
    return 0;
}
