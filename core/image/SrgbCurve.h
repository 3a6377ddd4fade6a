#pragma once

#include "core/image/ImageBuffer.h"

namespace nocturne::core {

// The exact sRGB transfer curve (IEC 61966-2-1), piecewise linear near black. Files are
// linearised with it on load, and networks trained on sRGB images receive values encoded with
// it, so an untouched JPEG reaches such a network with exactly its own values. (The output
// gamma, by contrast, is the user's pure power curve: see Gamma.)
// Thread: pure functions.
float srgbToLinear(float encoded);
float linearToSrgb(float linear);

// Linear -> sRGB-encoded, clamped to [0,1], tagged ColorEncoding::Display.
ImageBuffer encodeSrgb(const ImageBuffer& linear);

// sRGB-encoded -> linear, clamped to [0,1], tagged ColorEncoding::Linear (the inverse of
// encodeSrgb on [0,1]).
ImageBuffer decodeSrgb(const ImageBuffer& encoded);

}  // namespace nocturne::core
