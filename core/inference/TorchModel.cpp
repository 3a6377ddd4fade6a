// The only translation unit that includes LibTorch (compiling it takes ~30 s; keep it small).
#include "core/inference/TorchModel.h"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>
#include <torch/script.h>

#if __has_include(<cuda_runtime_api.h>)
#include <cuda_runtime_api.h>
#define NOCTURNE_HAVE_CUDA_RUNTIME 1
#endif

namespace nocturne::core {

namespace {

std::string firstLine(const char* what)
{
    std::string text(what ? what : "");
    const auto nl = text.find('\n');
    return nl == std::string::npos ? text : text.substr(0, nl);
}

bool isOutOfMemory(const c10::Error& e)
{
    return std::strstr(e.what(), "out of memory") != nullptr;
}

int resolveThreads(int requested)
{
    if (requested > 0)
        return requested;
    return std::max(1u, std::thread::hardware_concurrency());
}

torch::Tensor toTensor(const std::vector<cv::Mat>& planes)
{
    const int h = planes.front().rows;
    const int w = planes.front().cols;
    torch::Tensor t = torch::empty({1, static_cast<long>(planes.size()), h, w}, torch::kFloat);
    float* dst = t.data_ptr<float>();
    const std::size_t planeSize = static_cast<std::size_t>(h) * static_cast<std::size_t>(w);
    for (std::size_t c = 0; c < planes.size(); ++c) {
        const cv::Mat& p = planes[c];
        for (int y = 0; y < h; ++y)
            std::memcpy(dst + c * planeSize + static_cast<std::size_t>(y) * static_cast<std::size_t>(w),
                        p.ptr<float>(y), sizeof(float) * static_cast<std::size_t>(w));
    }
    return t;
}

std::vector<cv::Mat> toPlanes(const torch::Tensor& tensor)
{
    const torch::Tensor t = tensor.to(torch::kCPU, torch::kFloat).contiguous();
    const int channels = static_cast<int>(t.size(1));
    const int h = static_cast<int>(t.size(2));
    const int w = static_cast<int>(t.size(3));
    std::vector<cv::Mat> planes;
    const float* src = t.data_ptr<float>();
    for (int c = 0; c < channels; ++c) {
        cv::Mat wrapped(h, w, CV_32FC1, const_cast<float*>(src + static_cast<std::size_t>(c) * h * w));
        planes.push_back(wrapped.clone());
    }
    return planes;
}

}  // namespace

struct TorchModel::Impl {
    std::string path;
    EngineOptions options;
    int threads = 1;

    mutable std::mutex mutex;   // guards everything below
    std::shared_ptr<torch::jit::Module> module;
    torch::Device device{torch::kCPU};
    ComputeDevice active = ComputeDevice::Cpu;
    bool half = false;

    void log(const std::string& line) const
    {
        if (options.log)
            options.log(line);
        else
            std::cerr << "nocturne: " << line << '\n';
    }

    Result<void> pickDevice()
    {
        ComputeDevice want = options.device;
        if (want == ComputeDevice::Auto)
            want = cudaAvailable() ? ComputeDevice::Cuda
                 : mpsAvailable()  ? ComputeDevice::Mps
                                   : ComputeDevice::Cpu;
        if (want == ComputeDevice::Cuda && !cudaAvailable())
            return makeError(ErrorCode::NotApplicable,
                             "CUDA was requested but this LibTorch sees no CUDA device; use --device cpu or auto.",
                             path);
        if (want == ComputeDevice::Mps && !mpsAvailable())
            return makeError(ErrorCode::NotApplicable,
                             "MPS was requested but this LibTorch has no Apple MPS support; use --device cpu or auto.",
                             path);
        active = want;
        device = want == ComputeDevice::Cuda ? torch::Device(torch::kCUDA, 0)
               : want == ComputeDevice::Mps  ? torch::Device(torch::kMPS)
                                             : torch::Device(torch::kCPU);
        half = want != ComputeDevice::Cpu && options.fp16OnGpu;
        return Result<void>::success();
    }

    // Caller holds `mutex`.
    Result<void> loadLocked()
    {
        if (module)
            return Result<void>::success();
        if (Result<void> picked = pickDevice(); !picked)
            return picked;
        try {
            auto m = std::make_shared<torch::jit::Module>(torch::jit::load(path, torch::kCPU));
            m->eval();
            // Parameters may be stored in fp16; run in the dtype of the device.
            m->to(device, half ? torch::kHalf : torch::kFloat);
            module = std::move(m);
        } catch (const c10::Error& e) {
            return makeError(ErrorCode::CorruptData,
                             "cannot load the TorchScript model (" + firstLine(e.what())
                                 + "). Re-export it with PyTorch 1.13 (torch.jit.save) or reinstall the model.",
                             path);
        } catch (const std::bad_alloc&) {
            return makeError(ErrorCode::OutOfMemory, "not enough memory to load the model.", path);
        } catch (const std::exception& e) {
            return makeError(ErrorCode::Internal, std::string("cannot load the model: ") + e.what(), path);
        }
        log("model " + path + " runs on " + describeLocked());
        return Result<void>::success();
    }

    std::string describeLocked() const
    {
        switch (active) {
        case ComputeDevice::Cuda: {
            std::string name = "device 0";
#ifdef NOCTURNE_HAVE_CUDA_RUNTIME
            cudaDeviceProp prop{};
            if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess)
                name = prop.name;
#endif
            return "CUDA: " + name + (half ? " (fp16)" : "");
        }
        case ComputeDevice::Mps: return std::string("Apple MPS") + (half ? " (fp16)" : "");
        default: return "CPU (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
        }
    }

    void fallBackToCpu(const std::string& reason)
    {
        std::lock_guard lock(mutex);
        if (active == ComputeDevice::Cpu)
            return;
        log("GPU out of memory (" + reason + "); running " + path + " on the CPU instead.");
        module->to(torch::kCPU, torch::kFloat);
        device = torch::Device(torch::kCPU);
        active = ComputeDevice::Cpu;
        half = false;
    }

    Result<NetworkOutput> forward(const std::vector<cv::Mat>& planes)
    {
        std::shared_ptr<torch::jit::Module> m;
        torch::Device dev{torch::kCPU};
        bool fp16 = false;
        {
            std::lock_guard lock(mutex);
            m = module;
            dev = device;
            fp16 = half;
        }
        torch::Tensor x = toTensor(planes).to(dev, fp16 ? torch::kHalf : torch::kFloat);
        const torch::jit::IValue result = m->forward({x});
        NetworkOutput out;
        torch::Tensor image;
        torch::Tensor attention;
        if (result.isTuple()) {
            const auto& elements = result.toTuple()->elements();
            if (elements.empty() || !elements[0].isTensor())
                return makeError(ErrorCode::CorruptData, "the network returned an empty tuple; it does not follow the model package format.", path);
            image = elements[0].toTensor();
            if (elements.size() > 1 && elements[1].isTensor())
                attention = elements[1].toTensor();
        } else if (result.isTensor()) {
            image = result.toTensor();
        } else {
            return makeError(ErrorCode::CorruptData, "the network returned neither a tensor nor a tuple of tensors.", path);
        }
        if (image.dim() != 4 || image.size(0) != 1 || image.size(1) != 3)
            return makeError(ErrorCode::CorruptData,
                             "the network's image output has shape " + c10::str(image.sizes())
                                 + ", expected 1 x 3 x H x W; the model does not match its manifest.",
                             path);
        out.image = toPlanes(image);
        if (attention.defined()) {
            if (attention.dim() != 4 || attention.size(0) != 1 || attention.size(1) != 1)
                return makeError(ErrorCode::CorruptData,
                                 "the network's attention output has shape " + c10::str(attention.sizes())
                                     + ", expected 1 x 1 x H x W.",
                                 path);
            out.attention = toPlanes(attention).front();
        }
        return out;
    }
};

TorchModel::TorchModel(std::string modelPath, EngineOptions options) : m_impl(std::make_unique<Impl>())
{
    m_impl->path = std::move(modelPath);
    m_impl->threads = resolveThreads(options.threads);
    m_impl->options = std::move(options);
}

TorchModel::~TorchModel() = default;

Result<void> TorchModel::load() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->loadLocked();
}

bool TorchModel::isLoaded() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->module != nullptr;
}

const std::string& TorchModel::modelPath() const { return m_impl->path; }

Result<NetworkOutput> TorchModel::run(const std::vector<cv::Mat>& planes) const
{
    if (planes.empty() || planes.front().empty())
        return makeError(ErrorCode::InvalidArgument, "no input for the network.", m_impl->path);
    if (Result<void> loaded = load(); !loaded)
        return loaded.error();
    // Debian's LibTorch starts with one intra-op thread, and OpenMP keeps the count per thread:
    // set it in every job, on the job's own thread.
    at::set_num_threads(m_impl->threads);
    c10::InferenceMode guard;
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            return m_impl->forward(planes);
        } catch (const c10::Error& e) {
            if (attempt == 0 && activeDevice() == ComputeDevice::Cuda && isOutOfMemory(e)) {
                m_impl->fallBackToCpu(firstLine(e.what()));
                continue;
            }
            if (isOutOfMemory(e))
                return makeError(ErrorCode::OutOfMemory,
                                 "out of memory while running the network; choose a smaller tile size (--tile) or memory budget.",
                                 m_impl->path);
            return makeError(ErrorCode::CorruptData,
                             "running the network failed (" + firstLine(e.what())
                                 + "); the model may not match its manifest.",
                             m_impl->path);
        } catch (const std::bad_alloc&) {
            return makeError(ErrorCode::OutOfMemory,
                             "out of memory while running the network; choose a smaller tile size (--tile) or memory budget.",
                             m_impl->path);
        } catch (const std::exception& e) {
            return makeError(ErrorCode::Internal, std::string("running the network failed: ") + e.what(), m_impl->path);
        }
    }
    return makeError(ErrorCode::Internal, "running the network failed twice.", m_impl->path);
}

std::string TorchModel::deviceDescription() const
{
    std::lock_guard lock(m_impl->mutex);
    if (!m_impl->module) {
        // Describe what load() would pick without loading.
        Impl probe;
        probe.options = m_impl->options;
        probe.threads = m_impl->threads;
        if (!probe.pickDevice())
            return "unavailable (" + toString(m_impl->options.device) + ")";
        return probe.describeLocked();
    }
    return m_impl->describeLocked();
}

ComputeDevice TorchModel::activeDevice() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->active;
}

bool TorchModel::runsInHalfPrecision() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->half;
}

std::optional<std::size_t> TorchModel::freeDeviceMemory() const
{
    if (activeDevice() != ComputeDevice::Cuda)
        return std::nullopt;
#ifdef NOCTURNE_HAVE_CUDA_RUNTIME
    std::size_t freeBytes = 0;
    std::size_t totalBytes = 0;
    if (cudaMemGetInfo(&freeBytes, &totalBytes) == cudaSuccess)
        return freeBytes;
#endif
    return std::nullopt;
}

int TorchModel::configuredThreads() const { return m_impl->threads; }

int TorchModel::currentThreadCount() { return at::get_num_threads(); }

bool TorchModel::cudaAvailable() { return torch::cuda::is_available(); }

bool TorchModel::mpsAvailable() { return at::hasMPS(); }

}  // namespace nocturne::core
