// The translation unit that runs LibTorch (compiling it takes ~30 s; keep it small);
// TorchCpuPool.cpp only sets its CPU allocator.
#include "core/inference/TorchModel.h"
#include "core/inference/TorchCpuPool.h"
#include "core/inference/CpuTuningStore.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/version.h>

#if __has_include(<cuda_runtime_api.h>)
#include <cuda_runtime_api.h>
#define NOCTURNE_HAVE_CUDA_RUNTIME 1
#endif

namespace nocturne::core {

namespace {

// bfloat16 autocast for the CPU on this thread for one forward pass (autocast state is
// thread-local; its weight-cast cache is dropped after each pass).
class CpuBf16Scope {
public:
    explicit CpuBf16Scope(bool on) : m_on(on)
    {
        if (!m_on)
            return;
        m_was = at::autocast::is_cpu_enabled();
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::set_cpu_enabled(true);
    }
    ~CpuBf16Scope()
    {
        if (!m_on)
            return;
        at::autocast::set_cpu_enabled(m_was);
        at::autocast::clear_cache();
    }
    CpuBf16Scope(const CpuBf16Scope&) = delete;
    CpuBf16Scope& operator=(const CpuBf16Scope&) = delete;

private:
    bool m_on;
    bool m_was = false;
};

torch::Tensor firstOutput(const torch::jit::IValue& result)
{
    if (result.isTuple() && !result.toTuple()->elements().empty() && result.toTuple()->elements()[0].isTensor())
        return result.toTuple()->elements()[0].toTensor();
    return result.isTensor() ? result.toTensor() : torch::Tensor();
}

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
    PrecisionCheck check;
    int threads = 1;

    mutable std::mutex mutex;   // guards everything below
    std::shared_ptr<torch::jit::Module> module;
    torch::Device device{torch::kCPU};
    ComputeDevice active = ComputeDevice::Cpu;
    bool half = false;
    bool bf16 = false;   // CPU bfloat16 autocast, decided by choosePrecisionLocked()
    bool channelsLast = false;   // CPU NHWC weights and inputs, decided by chooseLayoutLocked()

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
        useRecyclingAllocatorForTorch();
        if (Result<void> picked = pickDevice(); !picked)
            return picked;
        try {
            auto m = std::make_shared<torch::jit::Module>(torch::jit::load(path, torch::kCPU));
            m->eval();
            // Parameters may be stored in fp16; run in the dtype of the device.
            m->to(device, half ? torch::kHalf : torch::kFloat);
            module = std::move(m);
            if (active == ComputeDevice::Cpu)
                decideCpuLocked();
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

    // The fixed pseudo-random input of the load-time checks.
    torch::Tensor checkInput(int side) const
    {
        const auto gen = at::detail::createCPUGenerator(20261202);
        return torch::rand({1, check.channels, side, side}, gen) * 0.5;
    }

    // Best of `passes` forward passes. Caller holds `mutex` and sets the thread count and
    // InferenceMode.
    double timedForward(const torch::Tensor& x, bool lowPrecision, torch::Tensor& out, int passes = 2) const
    {
        using Clock = std::chrono::steady_clock;
        double best = 1e30;
        for (int i = 0; i < passes; ++i) {
            const CpuBf16Scope scope(lowPrecision);
            const auto start = Clock::now();
            out = firstOutput(module->forward({x})).to(torch::kFloat);
            best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
        }
        return best;
    }

    static double psnrOf(const torch::Tensor& a, const torch::Tensor& b)
    {
        const double mse = (a.clamp(0, 1) - b.clamp(0, 1)).pow(2).mean().item<double>();
        return mse > 0 ? 10.0 * std::log10(1.0 / mse) : 99.0;
    }

    // Moves the 4-D parameters (convolution weights) to NHWC or back. Outside InferenceMode:
    // parameters must stay ordinary tensors. Caller holds `mutex`.
    void setLayoutLocked(bool nhwc)
    {
        const auto format = nhwc ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
        for (const torch::Tensor& p : module->parameters())
            if (p.dim() == 4)
                p.set_data(p.contiguous(format));
        channelsLast = nhwc;
    }

    // Channels-last when asked, or (Auto) when it runs the check input at the chosen precision
    // in at most 0.8x the time of contiguous by the median of three interleaved rounds and at
    // most 0.9x in every round, and gives the same output. The margin is wide because the clear
    // win is large (attention-unet 0.39x in fp32, AMD EPYC, 2 threads) while the networks near
    // 1x (0.87-1.05x) ran whole frames slower or faster from run to run. One round per layout
    // used to decide: on a shared 2-core VM lamba-mitra's ratio then ranged over 0.60-1.42x
    // from load to load, so the same photo came out of the CLI in either layout (49.8 dB
    // apart in bf16) depending on what else the machine did. Caller holds `mutex`.
    // Returns false when the check could not be made (the layout then stays contiguous).
    bool chooseLayoutLocked()
    {
        if (options.cpuLayout == CpuLayout::Contiguous)
            return true;
        setLayoutLocked(true);
        if (options.cpuLayout == CpuLayout::ChannelsLast)
            return true;
        try {
            at::set_num_threads(threads);
            torch::Tensor nhwcOut;
            torch::Tensor nchwOut;
            // TorchScript's profiling executor records the first passes of an input's shape and
            // strides and optimises after them, and the process warms up its kernels and memory
            // on the first network runs: a steady state takes about four passes (lamba-mitra,
            // 1152^2). So a warm-up round of three passes per layout, then the timed rounds.
            const torch::Tensor nchwIn = checkInput(check.layoutSide);
            const torch::Tensor nhwcIn = nchwIn.contiguous(at::MemoryFormat::ChannelsLast);
            const auto pass = [&](bool nhwc, int passes) {
                setLayoutLocked(nhwc);   // outside InferenceMode: parameters stay ordinary tensors
                c10::InferenceMode guard;
                return timedForward(nhwc ? nhwcIn : nchwIn, bf16, nhwc ? nhwcOut : nchwOut, passes);
            };
            pass(true, 3);
            pass(false, 3);
            constexpr int kRounds = 3;
            std::vector<double> ratios;
            for (int round = 0; round < kRounds; ++round) {
                // Alternating which layout goes first, so that neither always follows the other.
                const bool nhwcFirst = round % 2 == 0;
                const double first = pass(nhwcFirst, 1);
                const double second = pass(!nhwcFirst, 1);
                const double nhwcSeconds = nhwcFirst ? first : second;
                const double nchwSeconds = nhwcFirst ? second : first;
                ratios.push_back(nhwcSeconds / std::max(nchwSeconds, 1e-9));
            }
            if (!nhwcOut.defined() || !nchwOut.defined()) {
                setLayoutLocked(false);
                return false;
            }
            std::sort(ratios.begin(), ratios.end());
            const double ratio = ratios[ratios.size() / 2];
            const double psnr = psnrOf(nchwOut, nhwcOut);
            const bool keep = ratio <= 0.8 && ratios.back() <= 0.9 && psnr >= check.minPsnr;
            setLayoutLocked(keep);
            char line[256];
            std::snprintf(line, sizeof line,
                          "layout check: channels-last takes %.2fx the time of contiguous (median of %d rounds, "
                          "%.2f-%.2fx; %.1f dB apart)",
                          ratio, kRounds, ratios.front(), ratios.back(), psnr);
            log(path + ": " + line + (keep ? "; runs channels-last" : "; stays contiguous"));
            return true;
        } catch (const std::exception& e) {
            setLayoutLocked(false);
            log(path + ": layout check failed (" + firstLine(e.what()) + "); stays contiguous");
            return false;
        }
    }

    // The check of PrecisionCheck, on the loaded module (caller holds `mutex`).
    // Returns false when the check could not be made (fp32 then).
    bool choosePrecisionLocked()
    {
        bf16 = false;
        if (options.cpuPrecision == CpuPrecision::Fp32)
            return true;
        if (options.cpuPrecision == CpuPrecision::Bf16) {
            bf16 = true;
            if (!cpuHasNativeBf16())
                log("bf16 was requested for " + path + ", but this CPU has no native bfloat16: expect it slow");
            return true;
        }
        if (!cpuHasNativeBf16())
            return true;
        at::set_num_threads(threads);
        c10::InferenceMode guard;
        const torch::Tensor x = checkInput(check.side);
        try {
            torch::Tensor reference;
            torch::Tensor low;
            const double fp32Seconds = timedForward(x, false, reference);
            const double bf16Seconds = timedForward(x, true, low);
            if (!reference.defined() || !low.defined())
                return false;
            const double psnr = psnrOf(reference, low);
            const double speedup = fp32Seconds / std::max(bf16Seconds, 1e-9);
            char line[256];
            std::snprintf(line, sizeof line, "bf16 check: %.1f dB against fp32 (needs %.1f), %.2fx the speed",
                          psnr, check.minPsnr, speedup);
            bf16 = psnr >= check.minPsnr && speedup > 1.1;
            log(path + ": " + line + (bf16 ? "; runs in bf16" : "; stays in fp32"));
            return true;
        } catch (const std::exception& e) {
            log(path + ": bf16 check failed (" + firstLine(e.what()) + "); stays in fp32");
            bf16 = false;
            return false;
        }
    }

    // Everything an Auto decision depends on; empty when nothing is decided automatically or
    // there is nowhere to keep it.
    std::string tuningKeyLocked() const
    {
        const bool automatic = options.cpuPrecision == CpuPrecision::Auto || options.cpuLayout == CpuLayout::Auto;
        if (!automatic || options.tuningFile.empty() || check.modelSha256.empty())
            return {};
        char checkText[96];
        std::snprintf(checkText, sizeof checkText, "%dx%d/%d/%.1fdB", check.channels, check.side, check.layoutSide,
                      check.minPsnr);
        return check.modelSha256 + " | " + cpuModelName() + (cpuHasNativeBf16() ? " (bf16)" : "") + " | "
               + std::to_string(threads) + " threads | LibTorch " + TORCH_VERSION + " | precision "
               + toString(options.cpuPrecision) + ", layout " + toString(options.cpuLayout) + " | check "
               + checkText;
    }

    // Precision and layout on the CPU: the kept decisions for this model and machine when
    // there are some, else the load-time checks, whose outcome is then kept.
    void decideCpuLocked()
    {
        const std::string key = tuningKeyLocked();
        const CpuTuningStore store(options.tuningFile);
        if (const auto kept = key.empty() ? std::nullopt : store.find(key)) {
            if (options.cpuPrecision == CpuPrecision::Auto)
                bf16 = kept->bf16;
            else
                choosePrecisionLocked();
            if (options.cpuLayout == CpuLayout::Auto)
                setLayoutLocked(kept->channelsLast);
            else
                chooseLayoutLocked();
            log(path + ": " + (bf16 ? "bf16" : "fp32") + ", " + (channelsLast ? "channels-last" : "contiguous")
                + " as decided on an earlier load (" + store.file() + ")");
            return;
        }
        const bool measured = choosePrecisionLocked();
        if (!chooseLayoutLocked() || !measured || key.empty())
            return;
        if (auto stored = store.store(key, CpuTuning{bf16, channelsLast}); !stored)
            log(path + ": the CPU decisions are not kept for next time (" + stored.error().describe() + ")");
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
        default:
            return "CPU (" + std::to_string(threads) + (threads == 1 ? " thread" : " threads") + (bf16 ? ", bf16)" : ")");
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
        channelsLast = false;   // never set on a GPU
        bf16 = false;   // an emergency fallback: no load-time check was made for the CPU
    }

    Result<NetworkOutput> forward(const std::vector<cv::Mat>& planes)
    {
        std::shared_ptr<torch::jit::Module> m;
        torch::Device dev{torch::kCPU};
        bool fp16 = false;
        bool lowPrecision = false;
        bool nhwc = false;
        {
            std::lock_guard lock(mutex);
            m = module;
            dev = device;
            fp16 = half;
            lowPrecision = bf16 && active == ComputeDevice::Cpu;
            nhwc = channelsLast && active == ComputeDevice::Cpu;
        }
        torch::Tensor x = toTensor(planes).to(dev, fp16 ? torch::kHalf : torch::kFloat);
        if (nhwc)
            x = x.contiguous(at::MemoryFormat::ChannelsLast);
        torch::jit::IValue result;
        {
            const CpuBf16Scope scope(lowPrecision);
            result = m->forward({x});
        }
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

TorchModel::TorchModel(std::string modelPath, EngineOptions options, PrecisionCheck check)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->path = std::move(modelPath);
    m_impl->check = check;
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

bool TorchModel::runsInBf16() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->bf16 && m_impl->active == ComputeDevice::Cpu;
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

bool TorchModel::runsChannelsLast() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->channelsLast && m_impl->active == ComputeDevice::Cpu;
}

int TorchModel::configuredThreads() const { return m_impl->threads; }

int TorchModel::currentThreadCount() { return at::get_num_threads(); }

bool TorchModel::cudaAvailable() { return torch::cuda::is_available(); }

bool TorchModel::mpsAvailable() { return at::hasMPS(); }

}  // namespace nocturne::core
