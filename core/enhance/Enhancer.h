#pragma once

#include <string>

#include <opencv2/core/mat.hpp>

#include "core/image/DecodedImage.h"
#include "core/image/ImageBuffer.h"
#include "core/image/RawMosaic.h"
#include "core/base/Result.h"
#include "core/base/RunContext.h"

namespace nocturne::core {

// What an enhancer consumes. Classical methods work on linear RGB; networks declare their own
// kind in their model manifest.
enum class InputKind {
    LinearRgb,     // the decoder's linear RGB (any source)
    BayerMosaic,   // 1-channel Bayer mosaic at full resolution (Lamba & Mitra)
    PackedBayer,   // 4-channel packed Bayer at half resolution (SID, GIA-Net)
    SrgbDisplay,   // display-encoded sRGB (Attention U-Net, NEID, brightness-attention GAN)
};

std::string toString(InputKind kind);

struct EnhancerInfo {
    std::string id;            // stable, used on the command line: "he", "dhe", "lamba-mitra", ...
    std::string displayName;   // "Histogram equalisation"
    std::string description;   // one line for tooltips and --list-methods
    std::string reference;     // paper or method citation
    InputKind inputKind = InputKind::LinearRgb;
    bool producesAttention = false;
    // The method takes what "amplify only" shows (amplified, highlights shouldered, noise
    // reduced) with a gain of 1: always true for LinearRgb methods, and for networks trained on
    // the engine's own exposure (manifest amplifier "engine").
    bool takesAmplifiedImage = false;

    // What the pipeline hands over: the amplified, noise-reduced image (LinearRgb methods and
    // takesAmplifiedImage networks), rather than the source for the method to amplify itself.
    bool receivesAmplifiedImage() const { return inputKind == InputKind::LinearRgb || takesAmplifiedImage; }
};

// The source as the pipeline hands it over, plus the amplification gain decided upstream by the
// Amplifier (or typed by the user as an exposure ratio). Enhancers apply the gain themselves to
// whichever representation they consume (RGB or mosaic).
struct EnhanceInput {
    const DecodedImage& source;
    float gain = 1.0f;
};

struct EnhanceOutput {
    ImageBuffer image;     // linear RGB, same size as source.rgb
    cv::Mat attention;     // optional CV_32FC1 map in [0,1], same size as image; empty if none
};

// One contract for classical baselines and networks so the CLI, the editor and the compare view
// treat them alike (cf. nomacs' manipulators, darktable's process()).
//
// Output convention: enhancers return *linear* light. Methods that naturally produce display
// values (HE, DHE, Retinex, networks trained on sRGB targets) decode them with
// Gamma::kReference, so that the default output gamma reproduces the method's own result.
// Thread: enhance() is const and must be safe to call concurrently on one instance.
class Enhancer {
public:
    virtual ~Enhancer() = default;

    virtual const EnhancerInfo& info() const = 0;

    // Whether this enhancer can process the image; the error says why not (NotApplicable).
    virtual Result<void> supports(const DecodedImage& image) const;

    // Checks ctx.stopRequested() at reasonable intervals and returns ErrorCode::Cancelled then.
    virtual Result<EnhanceOutput> enhance(const EnhanceInput& input, const RunContext& ctx) const = 0;

    // Where and in what precision it computes ("CPU (2 threads, bf16)"), for the status bar;
    // empty for methods that simply run on the CPU.
    virtual std::string runsOn() const { return {}; }
};

}  // namespace nocturne::core
