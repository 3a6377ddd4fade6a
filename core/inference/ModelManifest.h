#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/enhance/Enhancer.h"
#include "core/base/Result.h"

namespace nocturne::core {

// Where the network expects the amplification gain to be applied (see models/README.md).
// Engine: the network refines exactly what "amplify only" shows: the engine amplifies (with the
// highlight shoulder) and applies its noise reduction first, as for the classical methods.
enum class ModelAmplifier { Mosaic, Rgb, Engine, None };

std::string toString(ModelAmplifier amplifier);

// What the network's image output holds. Display: display-encoded sRGB, the network renders
// colour itself. CameraLinear (RAW networks only): linear camera RGB before white balance, at
// the input's exposure; the engine renders it with the file's white balance and colour matrix,
// exactly as the decoder renders "amplify only", so the network only denoises and demosaics.
enum class ModelOutput { Display, CameraLinear };

// How a Display output is encoded. Gamma: the reference power curve (Gamma::kReference), as the
// classical enhancers' outputs are. Srgb: the exact sRGB curve, for networks trained on targets
// encoded as their input is (netinput::prepareSrgb): decoding those with the power curve
// crushes their shadows (an identity network lost 1.5 dB on a real photo that way).
enum class OutputEncoding { Gamma, Srgb };

// The `<id>.json` manifest of a model package, format version 1 (models/README.md).
// Thread: a value type; safe to share read-only across threads.
struct ModelManifest {
    static constexpr int kFormatVersion = 1;

    int formatVersion = kFormatVersion;
    std::string id;
    std::string displayName;
    std::string paper;
    std::string file;                 // the .pt file name, relative to the manifest's folder
    std::string sha256;               // lower-case hex of the .pt file
    InputKind inputKind = InputKind::SrgbDisplay;   // never LinearRgb for a network
    int sizeMultiple = 1;             // full-resolution H and W must be multiples of this
    double inputScale = 1.0;          // the engine resizes the input by this first (NEID: 0.5)
    int scaleFactor = 1;              // output size / size of the tensor the net received
    std::vector<std::string> outputs{"image"};   // "image" and optionally "attention"
    std::optional<std::pair<double, double>> inputRange;
    std::optional<std::pair<double, double>> outputRange;
    ModelAmplifier amplifier = ModelAmplifier::None;
    bool clipInput = false;
    ModelOutput output = ModelOutput::Display;   // "output": "display" | "camera_linear"
    OutputEncoding outputEncoding = OutputEncoding::Gamma;   // "output_encoding": "gamma" | "srgb"
    long long parameters = 0;
    std::string licence;
    bool trained = false;
    // Optional: set by models/training/ship_rule.py when the network does not beat "amplify
    // only" and the classical methods on real photos (README "Quality on real photos"). Such a
    // model is listed only on request (ScanOptions::includeExperimental), marked as such.
    bool experimental = false;
    // The least PSNR (dB) the network's bf16 output must keep against fp32 for the CPU to run
    // it in bf16 ("bf16_min_psnr"; TorchModel's load-time check).
    double bf16MinPsnr = 45.0;
    std::string experimentalReason;
    // Optional: multiply-accumulates (GMAC) per 512x512 full-resolution frame, for GMAC/s figures.
    double gmac512 = 0.0;
    // Optional: peak working memory per full-resolution input pixel at fp32, used to size tiles.
    std::optional<double> memoryBytesPerPixel;
    // Optional: the tile core edge (full-resolution pixels) at which this network costs least
    // per pixel on a CPU ("cpu_tile", measured with nocturne-bench-networks --tiles): large
    // tiles outgrow the caches and run memory-bound. The engine uses it on the CPU when the
    // memory budget allows a larger tile.
    std::optional<int> cpuTile;

    bool producesAttention() const;

    // Parses and validates; every error names `sourceName` (the manifest path) and the field.
    static Result<ModelManifest> parse(const std::string& jsonText, const std::string& sourceName);
    static Result<ModelManifest> load(const std::string& manifestPath);
};

// "bayer_mosaic" / "packed_4ch" / "srgb" <-> InputKind.
std::optional<InputKind> inputKindFromManifest(const std::string& text);
std::string manifestName(InputKind kind);

}  // namespace nocturne::core
