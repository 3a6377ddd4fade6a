#pragma once

#include <string>

#include "core/enhance/EnhancerRegistry.h"
#include "core/image/ImageMeta.h"

namespace nocturne::core {

// What kind of photo a method choice is remembered and defaulted for.
enum class SourceKind { Raw, Raster };

SourceKind sourceKindOf(const ImageMeta& meta);
std::string toString(SourceKind kind);   // "raw", "raster"

// The method a photo of this kind opens with when the user has not chosen one: the best method
// for that kind on real photos (README "Quality on real photos"), falling back to "none" when
// it is not in `registry` (e.g. a network whose model is not installed).
std::string defaultMethodFor(SourceKind kind, const EnhancerRegistry& registry);

// The id "auto" on the command line: resolved per photo with defaultMethodFor().
inline constexpr const char* kAutoMethod = "auto";

}  // namespace nocturne::core
