#include "core/io/RasterDecoder.h"

#include "core/image/SrgbCurve.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include <exiv2/exiv2.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace nocturne::core {

namespace {

struct Size2 {
    long long width = 0;
    long long height = 0;
};

uint32_t be16(const unsigned char* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const unsigned char* p) { return (be16(p) << 16) | be16(p + 2); }
uint32_t le16(const unsigned char* p) { return (uint32_t(p[1]) << 8) | p[0]; }
uint32_t le24(const unsigned char* p) { return (uint32_t(p[2]) << 16) | le16(p); }
uint32_t le32(const unsigned char* p) { return (le16(p + 2) << 16) | le16(p); }

// Position just past the first SOS segment header of a JPEG, or nothing if the marker walk
// breaks down; also reports the frame size from the SOF segment seen on the way.
std::optional<size_t> walkJpegHeader(std::string_view bytes, Size2* frame)
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    size_t pos = 2;
    while (pos + 4 <= bytes.size()) {
        if (p[pos] != 0xFF)
            return std::nullopt;
        while (pos < bytes.size() && p[pos] == 0xFF)
            ++pos;   // fill bytes
        if (pos + 3 > bytes.size())
            return std::nullopt;
        const unsigned marker = p[pos++];
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
            continue;   // markers without a length
        const size_t length = be16(p + pos);
        if (length < 2 || pos + length > bytes.size())
            return std::nullopt;
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                         && marker != 0xCC;
        if (sof && frame != nullptr && length >= 7) {
            frame->height = be16(p + pos + 3);
            frame->width = be16(p + pos + 5);
        }
        pos += length;
        if (marker == 0xDA)
            return pos;
    }
    return std::nullopt;
}

// Pixel dimensions from the container header, without decoding; nothing when unknown.
std::optional<Size2> headerSize(std::string_view bytes, const std::string& format)
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t n = bytes.size();
    if (format == "PNG" && n >= 24)
        return Size2{be32(p + 16), be32(p + 20)};
    if (format == "BMP" && n >= 26)
        return Size2{std::llabs(static_cast<int32_t>(le32(p + 18))),
                     std::llabs(static_cast<int32_t>(le32(p + 22)))};
    if (format == "JPEG") {
        Size2 frame;
        if (walkJpegHeader(bytes, &frame) && frame.width > 0)
            return frame;
        return std::nullopt;
    }
    if (format == "WEBP" && n >= 30) {
        const std::string_view chunk = bytes.substr(12, 4);
        if (chunk == "VP8 " && p[23] == 0x9D && p[24] == 0x01 && p[25] == 0x2A)
            return Size2{le16(p + 26) & 0x3FFF, le16(p + 28) & 0x3FFF};
        if (chunk == "VP8L" && p[20] == 0x2F) {
            const uint32_t bits = le32(p + 21);
            return Size2{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
        }
        // 24-bit fields ending at byte 29: a 4-byte read from 27 ran past a 30-byte file
        // (nocturne-fuzz-raster, heap-buffer-overflow).
        if (chunk == "VP8X")
            return Size2{le24(p + 24) + 1, le24(p + 27) + 1};
        return std::nullopt;
    }
    if (format == "TIFF" && n >= 8) {
        const bool little = p[0] == 'I';
        auto u16 = [&](size_t at) { return little ? le16(p + at) : be16(p + at); };
        auto u32 = [&](size_t at) { return little ? le32(p + at) : be32(p + at); };
        const size_t ifd = u32(4);
        if (ifd + 2 > n)
            return std::nullopt;
        const size_t count = u16(ifd);
        Size2 size;
        for (size_t i = 0; i < count && ifd + 2 + (i + 1) * 12 <= n; ++i) {
            const size_t entry = ifd + 2 + i * 12;
            const uint32_t tag = u16(entry);
            const uint32_t type = u16(entry + 2);
            const long long value = type == 3 ? u16(entry + 8) : u32(entry + 8);
            if (tag == 256)
                size.width = value;
            else if (tag == 257)
                size.height = value;
        }
        if (size.width > 0 && size.height > 0)
            return size;
    }
    return std::nullopt;
}

// A JPEG whose entropy-coded data never reaches an EOI marker was cut short; libjpeg would
// "succeed" and pad the missing part with grey.
bool jpegLooksTruncated(std::string_view bytes)
{
    const auto scanStart = walkJpegHeader(bytes, nullptr);
    if (!scanStart)
        return true;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    for (size_t i = bytes.size() - 1; i > *scanStart; --i)
        if (p[i] == 0xD9 && p[i - 1] == 0xFF)
            return false;
    return true;
}

// A PNG chunk whose declared length runs past the end of the file (a cut-off download, or a
// damaged length field): libpng allocates the declared length before reading, so 300 bytes
// could make it ask for 2 GB (found by nocturne-fuzz-raster). Returns that chunk's
// declaration, e.g. "zTXt of 1962934401 bytes", or nothing when every chunk fits.
std::optional<std::string> pngChunkPastEnd(std::string_view bytes)
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    size_t pos = 8;   // after the signature
    while (pos + 8 <= bytes.size()) {
        const std::uint64_t length = (std::uint64_t(p[pos]) << 24) | (std::uint64_t(p[pos + 1]) << 16)
                                     | (std::uint64_t(p[pos + 2]) << 8) | p[pos + 3];
        const std::string type(bytes.substr(pos + 4, 4));
        if (pos + 12 + length > bytes.size())
            return type + " of " + std::to_string(length) + " bytes";
        if (type == "IEND")
            return std::nullopt;
        pos += 12 + length;
    }
    return std::nullopt;   // no IEND: libpng copes, and so does OpenCV
}

struct ExifFields {
    int orientation = 1;
    std::string make, model, lens, date;
    std::optional<double> exposure, aperture, iso, focal;
    std::string problem;   // why EXIF could not be read, if it could not
};

void initExiv2Once()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // The XMP toolkit must be initialised before concurrent use; Exiv2's warnings about
        // odd maker notes are noise for a viewer.
        Exiv2::XmpParser::initialize();
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::error);
    });
}

ExifFields readExif(std::string_view bytes, const std::string& format)
{
    ExifFields fields;
    if (format == "BMP")
        return fields;   // BMP carries no EXIF
    initExiv2Once();
    try {
        auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(bytes.data()),
                                               static_cast<long>(bytes.size()));
        if (image.get() == nullptr)
            return fields;
        image->readMetadata();
        const Exiv2::ExifData& exif = image->exifData();
        auto find = [&](const char* key) -> const Exiv2::Exifdatum* {
            const auto it = exif.findKey(Exiv2::ExifKey(key));
            return (it != exif.end() && it->count() > 0) ? &*it : nullptr;
        };
        auto number = [&](const char* key) -> std::optional<double> {
            const auto* d = find(key);
            if (d == nullptr)
                return std::nullopt;
            const double v = d->toFloat(0);
            return (std::isfinite(v) && v > 0.0) ? std::optional<double>(v) : std::nullopt;
        };
        auto text = [&](const char* key) -> std::string {
            const auto* d = find(key);
            return d == nullptr ? std::string() : d->toString();
        };
        if (const auto* d = find("Exif.Image.Orientation")) {
            const long o = d->toLong(0);
            fields.orientation = (o >= 1 && o <= 8) ? static_cast<int>(o) : 1;
        }
        fields.make = text("Exif.Image.Make");
        fields.model = text("Exif.Image.Model");
        fields.lens = text("Exif.Photo.LensModel");
        fields.date = text("Exif.Photo.DateTimeOriginal");
        fields.exposure = number("Exif.Photo.ExposureTime");
        fields.aperture = number("Exif.Photo.FNumber");
        fields.iso = number("Exif.Photo.ISOSpeedRatings");
        fields.focal = number("Exif.Photo.FocalLength");
    } catch (const Exiv2::AnyError& e) {
        fields.problem = e.what();
    } catch (const std::exception& e) {
        fields.problem = e.what();
    }
    return fields;
}

// Turns EXIF orientation `o` (1..8) into upright pixels.
cv::Mat applyOrientation(const cv::Mat& in, int o)
{
    cv::Mat out;
    switch (o) {
    case 2: cv::flip(in, out, 1); break;
    case 3: cv::rotate(in, out, cv::ROTATE_180); break;
    case 4: cv::flip(in, out, 0); break;
    case 5: cv::transpose(in, out); break;
    case 6: cv::rotate(in, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7: cv::transpose(in, out); cv::flip(out, out, -1); break;
    case 8: cv::rotate(in, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = in; break;
    }
    return out;
}

// Any decoded layout -> 3-channel RGB of the same depth (alpha dropped).
cv::Mat toRgb(const cv::Mat& decoded)
{
    cv::Mat rgb;
    switch (decoded.channels()) {
    case 1: cv::cvtColor(decoded, rgb, cv::COLOR_GRAY2RGB); break;
    case 2: {
        cv::Mat gray;
        cv::extractChannel(decoded, gray, 0);
        cv::cvtColor(gray, rgb, cv::COLOR_GRAY2RGB);
        break;
    }
    case 3: cv::cvtColor(decoded, rgb, cv::COLOR_BGR2RGB); break;
    default: cv::cvtColor(decoded, rgb, cv::COLOR_BGRA2RGB); break;
    }
    return rgb;
}

}  // namespace

cv::Mat RasterDecoder::linearize(const cv::Mat& rgb)
{
    cv::Mat out(rgb.rows, rgb.cols, CV_32FC3);
    if (rgb.depth() == CV_8U || rgb.depth() == CV_16U) {
        const bool wide = rgb.depth() == CV_16U;
        const int levels = wide ? 65536 : 256;
        std::vector<float> lut(static_cast<size_t>(levels));
        for (int i = 0; i < levels; ++i)
            lut[static_cast<size_t>(i)] =
                RasterDecoder::srgbToLinear(static_cast<float>(i) / static_cast<float>(levels - 1));
        for (int y = 0; y < rgb.rows; ++y) {
            auto* dst = out.ptr<float>(y);
            const int n = rgb.cols * 3;
            if (wide) {
                const auto* src = rgb.ptr<uint16_t>(y);
                for (int i = 0; i < n; ++i)
                    dst[i] = lut[src[i]];
            } else {
                const auto* src = rgb.ptr<uint8_t>(y);
                for (int i = 0; i < n; ++i)
                    dst[i] = lut[src[i]];
            }
        }
        return out;
    }
    // Float TIFFs are taken as already linear; other depths are rescaled to [0, 1] and decoded.
    if (rgb.depth() == CV_32F || rgb.depth() == CV_64F) {
        rgb.convertTo(out, CV_32FC3);
        return out;
    }
    double lo = 0.0;
    double hi = 1.0;
    cv::minMaxLoc(rgb.reshape(1), &lo, &hi);
    rgb.convertTo(out, CV_32FC3, hi > lo ? 1.0 / (hi - lo) : 1.0, hi > lo ? -lo / (hi - lo) : 0.0);
    out.forEach<cv::Vec3f>([](cv::Vec3f& px, const int*) {
        for (int c = 0; c < 3; ++c)
            px[c] = RasterDecoder::srgbToLinear(px[c]);
    });
    return out;
}

namespace {

int bitsOf(int depth)
{
    switch (depth) {
    case CV_8U: case CV_8S: return 8;
    case CV_16U: case CV_16S: return 16;
    case CV_64F: return 64;
    default: return 32;
    }
}

// Header dimensions are up to 2^32 each: their product is computed without overflow
// (saturating), as a fuzzed TIFF claiming 4.3e9 x 2.7e9 pixels showed.
unsigned long long pixelCount(long long w, long long h)
{
    const auto uw = static_cast<unsigned long long>(std::max(0LL, w));
    const auto uh = static_cast<unsigned long long>(std::max(0LL, h));
    if (uh != 0 && uw > std::numeric_limits<unsigned long long>::max() / uh)
        return std::numeric_limits<unsigned long long>::max();
    return uw * uh;
}

std::string sizeText(long long w, long long h)
{
    return std::to_string(w) + " x " + std::to_string(h) + " pixels (" + std::to_string(pixelCount(w, h))
           + ")";
}

Error tooLarge(long long w, long long h, std::int64_t limit, const std::string& path)
{
    return makeError(ErrorCode::TooLarge,
                     "is " + sizeText(w, h) + ", more than the limit of " + std::to_string(limit)
                         + " pixels; raise the pixel limit to open it",
                     path);
}

Result<DecodedImage> decodeImpl(std::string_view bytes, const std::string& path,
                                const std::string& format, const DecodeOptions& options)
{
    if (bytes.size() > static_cast<size_t>(INT_MAX))
        return makeError(ErrorCode::TooLarge, "is larger than 2 GB, which OpenCV cannot decode",
                         path);
    if (const auto size = headerSize(bytes, format)) {
        if (options.maxPixels > 0
            && pixelCount(size->width, size->height) > static_cast<unsigned long long>(options.maxPixels))
            return tooLarge(size->width, size->height, options.maxPixels, path);
    }
    if (format == "JPEG" && jpegLooksTruncated(bytes))
        return makeError(ErrorCode::CorruptData,
                         "is a truncated or damaged JPEG (the image data ends before the end "
                         "marker); copy the file again from its source",
                         path);

    if (format == "PNG")
        if (const auto chunk = pngChunkPastEnd(bytes))
            return makeError(ErrorCode::CorruptData,
                             "is a truncated or damaged PNG (a " + *chunk + " runs past the end of the "
                             "file); copy the file again from its source",
                             path);

    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                         const_cast<char*>(bytes.data()));
    // UNCHANGED keeps 16-bit and gray data as stored; it does not apply EXIF orientation, which
    // is done below for every format.
    const cv::Mat decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    if (decoded.empty())
        return makeError(ErrorCode::CorruptData,
                         "could not be decoded as " + format
                             + ": the file is truncated or damaged, or uses a variant OpenCV "
                               "does not support",
                         path);
    if (options.maxPixels > 0
        && static_cast<long long>(decoded.cols) * decoded.rows > options.maxPixels)
        return tooLarge(decoded.cols, decoded.rows, options.maxPixels, path);

    const ExifFields exif = readExif(bytes, format);

    cv::Mat linear = RasterDecoder::linearize(toRgb(decoded));
    linear = applyOrientation(linear, exif.orientation);
    if (options.halfSize && linear.cols >= 2 && linear.rows >= 2) {
        // Area averaging in linear light, so the preview has the right brightness.
        cv::Mat half;
        cv::resize(linear, half, cv::Size(linear.cols / 2, linear.rows / 2), 0, 0,
                   cv::INTER_AREA);
        linear = half;
    }

    DecodedImage out;
    out.rgb = ImageBuffer(linear, ColorEncoding::Linear);
    out.halfSize = options.halfSize;
    ImageMeta& meta = out.meta;
    meta.sourcePath = path;
    meta.format = format;
    meta.sensor = SensorKind::NotRaw;
    meta.width = out.rgb.width();
    meta.height = out.rgb.height();
    meta.bitsPerSample = bitsOf(decoded.depth());
    meta.orientation = exif.orientation;
    meta.cameraMake = exif.make;
    meta.cameraModel = exif.model;
    meta.lens = exif.lens;
    meta.exposureTime = exif.exposure;
    meta.aperture = exif.aperture;
    meta.isoSpeed = exif.iso;
    meta.focalLength = exif.focal;
    meta.dateTimeOriginal = exif.date;
    if (!exif.problem.empty())
        meta.notes = "EXIF metadata could not be read (" + exif.problem
                     + "); orientation and camera details may be missing.";
    return out;
}

}  // namespace

float RasterDecoder::srgbToLinear(float encoded)
{
    return core::srgbToLinear(encoded);
}

Result<DecodedImage> RasterDecoder::decode(std::string_view bytes, const std::string& path,
                                           const std::string& format,
                                           const DecodeOptions& options)
{
    try {
        return decodeImpl(bytes, path, format, options);
    } catch (const cv::Exception& e) {
        return makeError(ErrorCode::CorruptData,
                         "could not be decoded as " + format + " (" + e.err + ")", path);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory,
                         "not enough memory to decode this image; close other images or use a "
                         "smaller preview",
                         path);
    }
}

}  // namespace nocturne::core
