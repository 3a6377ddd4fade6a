#pragma once

#include <string>
#include <vector>

namespace nocturne::core {

// The colour space Nocturne's exports are in, as an ICC profile made by LittleCMS: the pixels
// are sRGB primaries with D65 white (the decoders render RAW to sRGB; JPEGs are assumed sRGB),
// so viewers and editors that manage colour show them as intended.
// Thread: safe; the profile is built once.
class ColorProfile {
public:
    static const std::vector<unsigned char>& srgb();

    // The profile's description (e.g. "sRGB built-in"), or empty when `icc` is not a profile
    // LittleCMS can open. For tests and the CLI's --verbose.
    static std::string describe(const std::vector<unsigned char>& icc);
};

}  // namespace nocturne::core
