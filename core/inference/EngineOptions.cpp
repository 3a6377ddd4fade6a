#include "core/inference/EngineOptions.h"

#include <algorithm>
#include <cctype>

namespace nocturne::core {

std::string toString(ComputeDevice device)
{
    switch (device) {
    case ComputeDevice::Auto: return "auto";
    case ComputeDevice::Cpu: return "cpu";
    case ComputeDevice::Cuda: return "cuda";
    case ComputeDevice::Mps: return "mps";
    }
    return "?";
}

std::optional<ComputeDevice> parseComputeDevice(std::string_view text)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    for (const ComputeDevice d : {ComputeDevice::Auto, ComputeDevice::Cpu, ComputeDevice::Cuda, ComputeDevice::Mps})
        if (lower == toString(d))
            return d;
    return std::nullopt;
}

}  // namespace nocturne::core
