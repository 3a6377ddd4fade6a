#pragma once

#include "core/image/ImageBuffer.h"

namespace nocturne::core {

// The output gamma: a pure power curve from linear light to display values,
//     display = clamp(linear, 0, 1) ^ (1 / gamma).
// gamma = 2.2 (the default, Gamma::kReference) approximates a standard sRGB display encoding;
// larger values lift shadows and midtones further (useful on very dark results); 1.0 leaves the
// linear values unchanged (looks dark and contrasty on screen). The slider range is
// [kMin, kMax]. Enhancers that produce display values decode them with kReference (see
// Enhancer.h), so at the default gamma their output appears exactly as the method made it.
class Gamma {
public:
    static constexpr float kReference = 2.2f;
    static constexpr float kMin = 1.0f;
    static constexpr float kMax = 4.0f;

    // Linear -> Display. Returns a new buffer tagged ColorEncoding::Display.
    static ImageBuffer encode(const ImageBuffer& linear, float gamma = kReference);
    // Display -> Linear with the same curve (values clamped to [0,1] first).
    static ImageBuffer decode(const ImageBuffer& display, float gamma = kReference);

    // Single-value forms, for tests and for tables.
    static float encodeValue(float linear, float gamma = kReference);
    static float decodeValue(float display, float gamma = kReference);
};

}  // namespace nocturne::core
