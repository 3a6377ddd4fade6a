#include "core/inference/TorchEnhancer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <unistd.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/enhance/Amplifier.h"
#include "core/enhance/Gamma.h"
#include "core/image/SrgbCurve.h"
#include "core/inference/NetworkInput.h"
#include "core/inference/TorchModel.h"

namespace nocturne::core {

namespace {

// Peak working memory per full-resolution pixel at fp32 when the manifest does not say:
// generous for the small RAW nets, about right for a 32-channel full-resolution U-Net.
constexpr double kDefaultBytesPerPixel = 1024.0;
constexpr int kDefaultOverlap = 64;
constexpr std::size_t kMaxCpuBudget = std::size_t{4} << 30;
constexpr std::size_t kFallbackBudget = std::size_t{2} << 30;

std::size_t physicalMemory()
{
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || pageSize <= 0)
        return 0;
    return static_cast<std::size_t>(pages) * static_cast<std::size_t>(pageSize);
}

// Blends the decoder's own rendering, amplified by `gain` as "amplify only" shows it (shoulder),
// into a camera-linear network's linear output where `weight` (sensor saturation) says so. In
// place and in one pass: with a frame-sized temporary per term, the blend took 100-200 ms of a
// 12 MP RAW's full-proxy render, most of it spent faulting in fresh memory.
void blendDecoderHighlights(cv::Mat& linear, cv::Mat weight, const ImageBuffer& decoded, float gain)
{
    if (weight.size() != linear.size())
        cv::resize(weight, weight, linear.size(), 0, 0, cv::INTER_LINEAR);
    const ImageBuffer amplified = Amplifier::apply(decoded, gain, Highlights::Shoulder);
    if (amplified.mat().size() != linear.size())
        return;
    const cv::Mat& decoderRgb = amplified.mat();
    cv::parallel_for_(cv::Range(0, linear.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            auto* out = linear.ptr<cv::Vec3f>(y);
            const auto* dec = decoderRgb.ptr<cv::Vec3f>(y);
            const float* w = weight.ptr<float>(y);
            for (int x = 0; x < linear.cols; ++x)
                out[x] += w[x] * (dec[x] - out[x]);   // (1 - w) * out + w * dec
        }
    });
}

// Brings a network result to `target`: exact sizes pass through; a mismatch of a few pixels
// (scale rounding) or a clean downscale (half-size preview decode) is resized; anything else
// means the model does not match its manifest.
Result<cv::Mat> fitTo(const cv::Mat& image, cv::Size target, const std::string& context)
{
    if (image.size() == target)
        return image;
    const double ax = static_cast<double>(image.cols) / target.width;
    const double ay = static_cast<double>(image.rows) / target.height;
    const bool nearlySame = std::abs(image.cols - target.width) <= 2 && std::abs(image.rows - target.height) <= 2;
    if (!nearlySame && std::abs(ax - ay) > 0.02 * std::max(ax, ay))
        return makeError(ErrorCode::Internal,
                         "the network produced " + std::to_string(image.cols) + "x" + std::to_string(image.rows)
                             + " pixels for an image of " + std::to_string(target.width) + "x"
                             + std::to_string(target.height) + "; check the manifest's scale_factor and input_scale.",
                         context);
    cv::Mat out;
    cv::resize(image, out, target, 0, 0, (ax > 1.0 && ay > 1.0) ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out;
}

// dst += src * weight per pixel (3 channels, one weight), in row bands: the arithmetic of
// dst += src.mul(merge(weight x3)) without the two temporary frames, and on every core.
void accumulateWeighted(cv::Mat dst, const cv::Mat& src, const cv::Mat& weight)
{
    cv::parallel_for_(cv::Range(0, dst.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            float* d = dst.ptr<float>(y);
            const float* s = src.ptr<float>(y);
            const float* w = weight.ptr<float>(y);
            for (int x = 0; x < dst.cols; ++x)
                for (int c = 0; c < 3; ++c)
                    d[3 * x + c] += s[3 * x + c] * w[x];
        }
    });
}

void clamp01(cv::Mat& m)
{
    cv::patchNaNs(m, 0.0);
    cv::max(m, 0.0, m);
    cv::min(m, 1.0, m);
}

}  // namespace

PrecisionCheck TorchEnhancer::precisionCheckFor(const ModelManifest& manifest)
{
    PrecisionCheck check;
    const bool packed = manifest.inputKind == InputKind::PackedBayer;
    check.channels = manifest.inputKind == InputKind::BayerMosaic ? 1 : packed ? 4 : 3;
    // Full-resolution sides are multiples of size_multiple; a packed tensor is half of that.
    const int multiple = std::max(1, packed ? manifest.sizeMultiple / 2 : manifest.sizeMultiple);
    check.side = (256 + multiple - 1) / multiple * multiple;
    // A CPU tile's network input (core plus the default 64 px overlap a side): the layout's
    // gain depends on the activations' size. Capped at about 16 GMAC
    // a pass so that loading stays within seconds for the slowest networks.
    double side = manifest.cpuTile.value_or(512) + 2 * 64;
    if (manifest.gmac512 > 0.0)
        side = std::min(side, 512.0 * std::sqrt(16.0 / manifest.gmac512));
    else
        side = std::min(side, 512.0);
    if (packed)
        side /= 2;
    side *= std::min(1.0, manifest.inputScale);
    const int layoutSide = std::clamp(static_cast<int>(side), 128, 2048);
    check.layoutSide = std::max(multiple, layoutSide / multiple * multiple);
    check.minPsnr = manifest.bf16MinPsnr;
    check.modelSha256 = manifest.sha256;
    return check;
}

TorchEnhancer::TorchEnhancer(ModelManifest manifest, std::string modelPath, EngineOptions options)
    : m_manifest(std::move(manifest)),
      m_modelPath(std::move(modelPath)),
      m_options(std::move(options)),
      m_model(std::make_unique<TorchModel>(m_modelPath, m_options, precisionCheckFor(m_manifest)))
{
    m_info.id = m_manifest.id;
    m_info.displayName = m_manifest.displayName;
    m_info.description = "Neural network on " + toString(m_manifest.inputKind) + " input"
                         + (m_manifest.trained ? "" : " (untrained: for development only)");
    m_info.reference = m_manifest.paper;
    m_info.inputKind = m_manifest.inputKind;
    m_info.producesAttention = m_manifest.producesAttention();
    m_info.takesAmplifiedImage = m_manifest.amplifier == ModelAmplifier::Engine;

    const int parity = m_manifest.inputKind == InputKind::SrgbDisplay ? 1 : 2;
    const int downscale = std::max(1, static_cast<int>(std::lround(1.0 / m_manifest.inputScale)));
    m_multiple = std::lcm(std::lcm(std::max(1, m_manifest.sizeMultiple), parity), downscale);
}

TorchEnhancer::~TorchEnhancer() = default;

Result<void> TorchEnhancer::load() const { return m_model->load(); }

bool TorchEnhancer::isLoaded() const { return m_model->isLoaded(); }

std::string TorchEnhancer::deviceDescription() const { return m_model->deviceDescription(); }

int TorchEnhancer::configuredThreads() const { return m_model->configuredThreads(); }

int TorchEnhancer::currentThreadCount() { return TorchModel::currentThreadCount(); }

Result<void> TorchEnhancer::supports(const DecodedImage& image) const
{
    if (Result<void> base = Enhancer::supports(image); !base)
        return base;
    if (image.rgb.empty())
        return makeError(ErrorCode::NotApplicable, m_info.displayName + " needs decoded pixels; the image is empty.",
                         image.meta.sourcePath);
    return Result<void>::success();
}

std::size_t TorchEnhancer::memoryBudget() const
{
    if (m_options.memoryBudgetBytes > 0)
        return m_options.memoryBudgetBytes;
    if (m_model->activeDevice() != ComputeDevice::Cpu) {
        if (const auto freeBytes = m_model->freeDeviceMemory())
            return static_cast<std::size_t>(static_cast<double>(*freeBytes) * 0.7);
        return kFallbackBudget;
    }
    const std::size_t ram = physicalMemory();
    return ram > 0 ? std::min(kMaxCpuBudget, ram / 4) : kFallbackBudget;
}

Tiler TorchEnhancer::planTiles(cv::Size size) const
{
    const int overlap = m_options.tileOverlap > 0 ? m_options.tileOverlap : kDefaultOverlap;
    int tileSize = m_options.tileSize;
    if (tileSize <= 0) {
        double bpp = m_manifest.memoryBytesPerPixel.value_or(kDefaultBytesPerPixel);
        if (m_model->runsInHalfPrecision())
            bpp *= 0.5;
        tileSize = Tiler::tileSizeForBudget(size, bpp, memoryBudget(), overlap, m_multiple, m_multiple);
        // On a CPU, tiles beyond the network's measured sweet spot run memory-bound: slower
        // per pixel although they fit. The sweet spot is rounded to the net's grid.
        if (m_manifest.cpuTile && m_model->activeDevice() == ComputeDevice::Cpu) {
            const int sweet = std::max(m_multiple, *m_manifest.cpuTile / m_multiple * m_multiple);
            tileSize = std::min(tileSize, sweet);
        }
    }
    return Tiler(TilerSettings{size, tileSize, overlap, m_multiple, m_multiple});
}

std::vector<cv::Mat> TorchEnhancer::networkInput(const cv::Mat& crop) const
{
    switch (m_manifest.inputKind) {
    case InputKind::BayerMosaic: return {crop};
    case InputKind::PackedBayer: return netinput::packBayer(crop);
    default: break;
    }
    cv::Mat rgb = crop;
    if (m_manifest.inputScale < 1.0) {
        const cv::Size small(std::max(1, static_cast<int>(std::lround(crop.cols * m_manifest.inputScale))),
                             std::max(1, static_cast<int>(std::lround(crop.rows * m_manifest.inputScale))));
        cv::resize(crop, rgb, small, 0, 0, cv::INTER_AREA);
    }
    std::vector<cv::Mat> planes;
    cv::split(rgb, planes);
    return planes;
}

Result<EnhanceOutput> TorchEnhancer::runTiled(const cv::Mat& working, const RunContext& ctx) const
{
    const Tiler tiler = planTiles(working.size());
    const auto& tiles = tiler.tiles();
    cv::Mat image = cv::Mat::zeros(working.size(), CV_32FC3);
    cv::Mat attention;
    const int count = static_cast<int>(tiles.size());
    for (const Tile& tile : tiles) {
        if (ctx.stopRequested())
            return makeError(ErrorCode::Cancelled, "cancelled", m_modelPath);
        const cv::Mat crop = Tiler::cropMirrored(working, tile.input);
        Result<NetworkOutput> out = m_model->run(networkInput(crop));
        if (!out)
            return out.error();

        cv::Mat tileImage;
        cv::merge(out->image, tileImage);
        Result<cv::Mat> fitted = fitTo(tileImage, tile.input.size(), m_modelPath);
        if (!fitted)
            return fitted.error();
        tileImage = *fitted;
        clamp01(tileImage);

        const cv::Mat weights = tile.weights();
        const cv::Rect local(tile.output.tl() - tile.input.tl(), tile.output.size());
        accumulateWeighted(image(tile.output), tileImage(local), weights);

        if (!out->attention.empty()) {
            if (attention.empty())
                attention = cv::Mat::zeros(working.size(), CV_32FC1);
            cv::Mat map = out->attention;
            if (map.size() != tile.input.size())
                cv::resize(map, map, tile.input.size(), 0, 0, cv::INTER_LINEAR);
            clamp01(map);
            cv::Mat adst = attention(tile.output);
            adst += map(local).mul(weights);
        }
        const std::string label = "tile " + std::to_string(tile.index + 1) + "/" + std::to_string(count);
        ctx.progress(static_cast<double>(tile.index + 1) / count, label);
    }
    EnhanceOutput result;
    result.image = ImageBuffer(image, ColorEncoding::Display);
    result.attention = attention;
    return result;
}

Result<EnhanceOutput> TorchEnhancer::enhance(const EnhanceInput& input, const RunContext& ctx) const
{
    const DecodedImage& source = input.source;
    if (Result<void> ok = supports(source); !ok)
        return ok.error();
    if (ctx.stopRequested())
        return makeError(ErrorCode::Cancelled, "cancelled", source.meta.sourcePath);
    if (Result<void> loaded = m_model->load(); !loaded)
        return loaded.error();

    float gain = m_manifest.amplifier == ModelAmplifier::None ? 1.0f : input.gain;
    if (!std::isfinite(gain) || gain <= 0.0f)
        gain = 1.0f;

    try {
        const bool mosaicKind = m_manifest.inputKind != InputKind::SrgbDisplay;
        netinput::MosaicPhase phase;
        cv::Mat working;
        if (mosaicKind) {
            phase = netinput::rggbPhase(source.mosaic->pattern);
            working = netinput::prepareMosaic(*source.mosaic, gain, m_manifest.clipInput, phase);
        } else {
            working = netinput::prepareSrgb(source.rgb, gain);
        }

        Result<EnhanceOutput> run = runTiled(working, ctx);
        if (!run)
            return run.error();
        cv::Mat display = run->image.mat();
        cv::Mat attention = run->attention;
        cv::Mat saturated;   // camera-linear output: where the amplified mosaic clipped

        if (mosaicKind) {
            // Undo the phase padding, then turn the sensor-oriented result like the decoder
            // turned its RGB rendering.
            const cv::Rect visible(phase.left, phase.top, source.mosaic->width(), source.mosaic->height());
            display = display(visible);
            if (m_manifest.output == ModelOutput::CameraLinear) {
                display = netinput::renderCameraRgb(display, *source.mosaic);
                saturated = netinput::applyOrientation(netinput::saturationWeight(working(visible)),
                                                       source.meta.orientation);
            }
            display = netinput::applyOrientation(display, source.meta.orientation);
            if (!attention.empty())
                attention = netinput::applyOrientation(attention(visible), source.meta.orientation);
        }
        const cv::Size target = source.rgb.mat().size();
        Result<cv::Mat> fitted = fitTo(display, target, source.meta.sourcePath);
        if (!fitted)
            return fitted.error();
        display = *fitted;
        clamp01(display);
        if (!saturated.empty() && cv::countNonZero(saturated > 0.0f) > 0)
            blendDecoderHighlights(display, saturated, source.rgb, gain);
        if (!attention.empty()) {
            if (attention.size() != target)
                cv::resize(attention, attention, target, 0, 0, cv::INTER_AREA);
            clamp01(attention);
        }

        EnhanceOutput output;
        // A camera-linear output was rendered to linear sRGB above; display outputs are decoded
        // with the curve the manifest names (the enhancers' reference gamma unless it says sRGB).
        if (m_manifest.output == ModelOutput::CameraLinear)
            output.image = ImageBuffer(display, ColorEncoding::Linear);
        else if (m_manifest.outputEncoding == OutputEncoding::Srgb)
            output.image = decodeSrgb(ImageBuffer(display, ColorEncoding::Display));
        else
            output.image = Gamma::decode(ImageBuffer(display, ColorEncoding::Display), Gamma::kReference);
        output.attention = attention.isContinuous() ? attention : attention.clone();
        ctx.progress(1.0, "done");
        return output;
    } catch (const cv::Exception& e) {
        return makeError(ErrorCode::Internal, std::string("image processing failed around the network: ") + e.what(),
                         source.meta.sourcePath);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory,
                         "not enough memory for " + m_info.displayName + "; set a smaller tile size or memory budget.",
                         source.meta.sourcePath);
    }
}

}  // namespace nocturne::core
