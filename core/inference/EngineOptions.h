#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace nocturne::core {

// Where a network runs. Auto picks CUDA when LibTorch sees a GPU, then Apple MPS when this
// LibTorch has it, else the CPU.
enum class ComputeDevice { Auto, Cpu, Cuda, Mps };

std::string toString(ComputeDevice device);
// "auto", "cpu", "cuda", "mps" (case-insensitive), for --device.
std::optional<ComputeDevice> parseComputeDevice(std::string_view text);

// The arithmetic of a network on the CPU. Auto: bfloat16 when the CPU computes it natively
// (AVX-512 BF16 or AMX: recent Intel Xeons, AMD Zen 4 and later) and the model passes its
// check against fp32 at load (TorchModel), else fp32. Bf16 forces it (emulated, and slow, on
// other CPUs).
enum class CpuPrecision { Auto, Fp32, Bf16 };

std::string toString(CpuPrecision precision);            // "auto", "fp32", "bf16"
std::optional<CpuPrecision> parseCpuPrecision(std::string_view text);
// Whether this CPU has native bfloat16 arithmetic. NOCTURNE_CPU_BF16=0 or 1 overrides the
// detection (tests; hypervisors that hide CPU features).
bool cpuHasNativeBf16();
// The CPU's model name (/proc/cpuinfo on Linux), "unknown CPU" where it cannot be read: part of
// the key of a kept CPU decision.
std::string cpuModelName();

// How activations and convolution weights sit in memory on the CPU. Channels-last (NHWC) lets
// oneDNN run a network without reordering between layers: 0.39x the time of contiguous NCHW
// for attention-unet, no clear gain (0.87-1.05x) for the others, so Auto times
// both at load (TorchModel) and keeps channels-last only where it clearly wins.
enum class CpuLayout { Auto, Contiguous, ChannelsLast };

std::string toString(CpuLayout layout);                  // "auto", "contiguous", "channels-last"
std::optional<CpuLayout> parseCpuLayout(std::string_view text);

// How the inference engine runs networks. Shared by every TorchEnhancer a registry creates.
struct EngineOptions {
    ComputeDevice device = ComputeDevice::Auto;
    int threads = 0;                   // CPU intra-op threads; 0 = hardware concurrency
    int tileSize = 0;                  // core tile edge in full-resolution pixels; 0 = from the budget
    int tileOverlap = 0;               // context per tile side; 0 = default (64 px, rounded to the net's grid)
    std::size_t memoryBudgetBytes = 0; // 0 = auto (CPU: a quarter of RAM, at most 4 GiB; GPU: 70 % of free)
    bool fp16OnGpu = true;             // run in half precision on CUDA / MPS
    CpuPrecision cpuPrecision = CpuPrecision::Auto;
    CpuLayout cpuLayout = CpuLayout::Auto;
    // Where the Auto precision and layout decisions are kept between runs (CpuTuningStore), so
    // the same photo comes out the same; the editor and the CLI use CpuTuningStore::defaultFile().
    // Empty: decided afresh at every load.
    std::string tuningFile;
    // Receives one-line notes (device chosen, CPU fallback after a GPU out-of-memory, ...).
    // Called from the inference thread. Unset = stderr.
    std::function<void(std::string_view)> log;
};

}  // namespace nocturne::core
