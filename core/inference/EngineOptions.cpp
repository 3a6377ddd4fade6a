#include "core/inference/EngineOptions.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>

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

std::string toString(CpuPrecision precision)
{
    switch (precision) {
    case CpuPrecision::Auto: return "auto";
    case CpuPrecision::Fp32: return "fp32";
    case CpuPrecision::Bf16: return "bf16";
    }
    return "?";
}

std::optional<CpuPrecision> parseCpuPrecision(std::string_view text)
{
    for (const CpuPrecision p : {CpuPrecision::Auto, CpuPrecision::Fp32, CpuPrecision::Bf16})
        if (text == toString(p))
            return p;
    return std::nullopt;
}

std::string toString(CpuLayout layout)
{
    switch (layout) {
    case CpuLayout::Auto: return "auto";
    case CpuLayout::Contiguous: return "contiguous";
    case CpuLayout::ChannelsLast: return "channels-last";
    }
    return "?";
}

std::optional<CpuLayout> parseCpuLayout(std::string_view text)
{
    for (const CpuLayout l : {CpuLayout::Auto, CpuLayout::Contiguous, CpuLayout::ChannelsLast})
        if (text == toString(l))
            return l;
    return std::nullopt;
}

bool cpuHasNativeBf16()
{
    if (const char* forced = std::getenv("NOCTURNE_CPU_BF16"); forced && *forced)
        return std::strcmp(forced, "0") != 0;
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    return __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
#else
    return false;   // other compilers and CPUs: fp32 unless asked (ARM BF16 is not detected yet)
#endif
}

std::string cpuModelName()
{
    std::ifstream info("/proc/cpuinfo");
    std::string line;
    while (std::getline(info, line)) {
        if (line.rfind("model name", 0) != 0)
            continue;
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            break;
        const auto start = line.find_first_not_of(" \t", colon + 1);
        return start == std::string::npos ? std::string("unknown CPU") : line.substr(start);
    }
    return "unknown CPU";
}

}  // namespace nocturne::core
