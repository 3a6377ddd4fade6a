#pragma once

#include <memory>
#include <string>

#include <opencv2/core/types.hpp>

#include "core/enhance/Enhancer.h"
#include "core/inference/EngineOptions.h"
#include "core/inference/ModelManifest.h"
#include "core/inference/TorchModel.h"
#include "core/inference/Tiler.h"

namespace nocturne::core {

class TorchModel;

// An Enhancer backed by a TorchScript network described by a ModelManifest.
//
// Per input kind (models/README.md): bayer_mosaic and packed_4ch normalise the mosaic, apply
// the gain (packed: clipped to 1), pad it by one mirrored row/column so it starts with R
// (RGGB) and crop that off again; srgb amplifies the linear RGB, clamps and encodes it with
// Gamma::kReference. Large images run in blended tiles (Tiler) sized from a memory budget,
// checking for cancel between tiles. The network's display-referred output is clamped, decoded
// with Gamma::kReference back to linear light, rotated like the decoder's RGB (EXIF
// orientation) and returned at exactly source.rgb's size.
//
// The module loads lazily on the first enhance() or explicitly with load(). Nothing of
// LibTorch is visible here (TorchModel is the pimpl).
// Thread: enhance() is const and safe to call concurrently; it runs on the caller's thread.
class TorchEnhancer : public Enhancer {
public:
    TorchEnhancer(ModelManifest manifest, std::string modelPath, EngineOptions options = {});
    ~TorchEnhancer() override;

    // The bf16 check's input for this network: its tensor shape, about 256 px on a side, and
    // the manifest's bf16_min_psnr.
    static PrecisionCheck precisionCheckFor(const ModelManifest& manifest);

    const EnhancerInfo& info() const override { return m_info; }
    Result<void> supports(const DecodedImage& image) const override;
    Result<EnhanceOutput> enhance(const EnhanceInput& input, const RunContext& ctx) const override;

    // Loads the module now (else the first enhance() does); errors name the model file.
    Result<void> load() const;
    bool isLoaded() const;

    const ModelManifest& manifest() const { return m_manifest; }
    const std::string& modelPath() const { return m_modelPath; }
    const EngineOptions& options() const { return m_options; }

    // "CPU (2 threads)", "CUDA: <name>" ...
    std::string deviceDescription() const;
    std::string runsOn() const override { return deviceDescription(); }
    // CPU threads each job asks LibTorch for.
    int configuredThreads() const;
    // LibTorch's intra-op thread count on the calling thread (at::get_num_threads()).
    static int currentThreadCount();

    // The tile layout enhance() would use for a full-resolution working image of `size`.
    Tiler planTiles(cv::Size size) const;
    // Full-resolution size multiple and tile origin alignment this model needs.
    int sizeMultiple() const { return m_multiple; }

private:
    Result<EnhanceOutput> runTiled(const cv::Mat& working, const RunContext& ctx) const;
    std::vector<cv::Mat> networkInput(const cv::Mat& crop) const;
    std::size_t memoryBudget() const;

    ModelManifest m_manifest;
    std::string m_modelPath;
    EngineOptions m_options;
    EnhancerInfo m_info;
    int m_multiple = 1;
    std::unique_ptr<TorchModel> m_model;
};

}  // namespace nocturne::core
