#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/inference/EngineOptions.h"
#include "core/base/Result.h"

namespace nocturne::core {

// What one forward pass returned, on the CPU as float32 planes.
struct NetworkOutput {
    std::vector<cv::Mat> image;   // 3 CV_32FC1 planes (R, G, B)
    cv::Mat attention;            // CV_32FC1, empty when the module returns a single tensor
};

// The load-time check that decides bf16 on the CPU (EngineOptions::cpuPrecision Auto): the
// network runs a fixed pseudo-random 1 x channels x side x side input in fp32 and in bf16, and
// bf16 is kept when its output is within `minPsnr` dB of fp32's and it is faster.
// The layout check (EngineOptions::cpuLayout Auto) times the same kind of input at
// `layoutSide`: which layout wins depends on the activations' size, so it is timed near the
// engine's CPU tile rather than at the small precision-check side
// (TorchEnhancer::precisionCheckFor).
struct PrecisionCheck {
    int channels = 3;
    int side = 256;
    int layoutSide = 512;
    double minPsnr = 45.0;
    // The model file's sha256 (its manifest's): with EngineOptions::tuningFile, the decisions
    // are kept under it. Empty: never kept.
    std::string modelSha256;
};

// A TorchScript module on a device: the only class that touches LibTorch (pimpl, so this
// header stays torch-free). Loads on first use or on load(); picks the device from
// EngineOptions; on a CUDA out-of-memory it moves itself to the CPU and retries.
// Thread: all methods may be called from any thread, concurrently; each run() sets the thread
// count and InferenceMode for the calling thread.
class TorchModel {
public:
    TorchModel(std::string modelPath, EngineOptions options, PrecisionCheck check = {});
    ~TorchModel();
    TorchModel(const TorchModel&) = delete;
    TorchModel& operator=(const TorchModel&) = delete;

    Result<void> load() const;
    bool isLoaded() const;
    const std::string& modelPath() const;

    // `planes`: C equally sized CV_32FC1 planes, fed as a 1 x C x H x W float tensor.
    Result<NetworkOutput> run(const std::vector<cv::Mat>& planes) const;

    // "CPU (2 threads)", "CUDA: NVIDIA ...", or what would be used before load().
    std::string deviceDescription() const;
    ComputeDevice activeDevice() const;
    bool runsInHalfPrecision() const;
    // bfloat16 autocast on the CPU (decided at load; false before).
    bool runsInBf16() const;
    // NHWC weights and inputs on the CPU (EngineOptions::cpuLayout; decided at load; false before).
    bool runsChannelsLast() const;
    // Free memory on the active GPU when it can be queried; nullopt on the CPU.
    std::optional<std::size_t> freeDeviceMemory() const;

    // The thread count run() uses (EngineOptions::threads, 0 resolved to the hardware's).
    int configuredThreads() const;
    // at::get_num_threads() on the calling thread.
    static int currentThreadCount();
    static bool cudaAvailable();
    static bool mpsAvailable();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace nocturne::core
