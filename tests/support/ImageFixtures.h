#pragma once

#include <map>
#include <string>
#include <string_view>

#include <opencv2/core/mat.hpp>

namespace nocturne::testsupport {

// Small file helpers for decoder and loader tests. All return an empty string on success,
// else what failed.

// Writes `bytes` to `path` (UTF-8), replacing the file.
std::string writeBytes(const std::string& path, std::string_view bytes);
// The whole file, or an empty string when it cannot be read.
std::string readBytes(const std::string& path);
// Keeps the first `keep` bytes of `source` in `destination` (a truncated copy).
std::string writeTruncatedCopy(const std::string& source, const std::string& destination,
                               size_t keep);

// Sets EXIF tags on an existing JPEG/PNG/TIFF with Exiv2. Keys are Exiv2 keys, values are
// Exiv2's text form for the tag's type: {"Exif.Image.Orientation", "6"},
// {"Exif.Photo.ExposureTime", "1/50"}, {"Exif.Image.Make", "Nocturne"}.
std::string setExif(const std::string& path, const std::map<std::string, std::string>& tags);

// An asymmetric test picture in OpenCV's BGR order (what cv::imwrite expects): four flat
// quadrants, top-left red, top-right green, bottom-left blue, bottom-right white, so any
// rotation or mirror is visible. `depth` is CV_8U or CV_16U; `level` is the sRGB-encoded
// value of the lit channels in [0, 1].
cv::Mat makeQuadrants(int width, int height, int depth, double level = 1.0);

}  // namespace nocturne::testsupport
