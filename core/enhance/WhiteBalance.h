#pragma once

#include <opencv2/core/matx.hpp>

#include "core/image/ImageBuffer.h"

namespace nocturne::core {

// A white-balance correction on top of the photo's own (a RAW's as-shot balance, a JPEG's
// rendering): what a photographer uses on the orange of sodium lamps or the green of old
// fluorescent tubes. All zero and not automatic is the identity.
//  - automatic: a shades-of-grey estimate (Finlayson & Trezzi 2004, p = 4) of the light's
//    colour, corrected half way. Half, because a night scene's lamps are part of the picture:
//    a full correction turns a lamp-lit street into grey daylight. On real-dev it gains
//    0.45 dB GT-mean on LOL (indoor lamps) and loses 0.01 dB on SICE, with a median frame
//    unchanged (README "White balance on real photos"), so it is not a default.
//  - temperature, in [-100, 100]: warmer (+) or cooler (-); tint, in [-100, 100]: towards
//    magenta (+) or green (-). Applied after the automatic estimate, so they fine-tune it.
// Every correction keeps the Rec. 709 luminance of a grey, so brightness does not move. A gain
// g is applied as g x / (1 + (g - 1) x) on [0, 1] (Exposure::rescale's curve, for any g): slope
// g in the shadows and midtones where a night photo's colour is, and white stays white, so no
// channel clips anew and a blown lamp stays a neutral white (a plain product clipped 0.8 % of
// real-dev's pixels with auto, and tinted clipped highlights).
struct WhiteBalanceSettings {
    bool automatic = false;
    double temperature = 0.0;
    double tint = 0.0;

    bool operator==(const WhiteBalanceSettings&) const = default;
    bool isIdentity() const { return *this == WhiteBalanceSettings{}; }
};

class WhiteBalance {
public:
    static constexpr double kMaxShift = 100.0;      // |temperature|, |tint|
    static constexpr double kAutoNorm = 4.0;        // the shades-of-grey p
    static constexpr double kAutoStrength = 0.5;
    // ln(red / blue gain) at temperature 100, ln(green gain ratio) at tint 100: temperature
    // +-100 changes red against blue 2.7x, about a sodium lamp's cast at night.
    static constexpr double kTemperatureScale = 1.0;
    static constexpr double kTintScale = 0.5;

    // Per-channel R, G, B gains for `linear` (the estimate reads it when automatic).
    static cv::Vec3d gains(const ImageBuffer& linear, const WhiteBalanceSettings& settings);
    // The shades-of-grey gains alone, at kAutoStrength; (1, 1, 1) for a black image.
    static cv::Vec3d automaticGains(const ImageBuffer& linear);
    static cv::Vec3d manualGains(double temperature, double tint);

    // One value, clamped to [0, 1], through the gain's white-preserving curve.
    static float applyGain(float value, double gain);
    // `linear` with the gains applied (a new buffer; the input itself when they are all 1).
    static ImageBuffer apply(const ImageBuffer& linear, const WhiteBalanceSettings& settings);
};

}  // namespace nocturne::core
