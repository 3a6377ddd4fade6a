#include "core/io/ImageLoader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <system_error>

#include <opencv2/imgproc.hpp>

#include "core/io/RasterDecoder.h"
#include "core/io/RawDecoder.h"

namespace nocturne::core {

namespace {

namespace fs = std::filesystem;

// What the first bytes say the file is.
enum class Container { Jpeg, Png, Tiff, WebP, Bmp, Raw, Unknown };

struct Sniffed {
    Container container = Container::Unknown;
    std::string name;   // "JPEG", "TIFF", "CR3", ...
};

bool startsWith(std::string_view bytes, std::string_view magic, size_t at = 0)
{
    return bytes.size() >= at + magic.size() && bytes.substr(at, magic.size()) == magic;
}

Sniffed sniff(std::string_view b)
{
    using namespace std::string_view_literals;
    if (startsWith(b, "\xFF\xD8\xFF"sv))
        return {Container::Jpeg, "JPEG"};
    if (startsWith(b, "\x89PNG\r\n\x1A\n"sv))
        return {Container::Png, "PNG"};
    if (startsWith(b, "RIFF"sv) && startsWith(b, "WEBP"sv, 8))
        return {Container::WebP, "WEBP"};
    if (startsWith(b, "BM"sv) && b.size() >= 26)
        return {Container::Bmp, "BMP"};
    if (startsWith(b, "II*\0"sv) || startsWith(b, "MM\0*"sv))
        return {Container::Tiff, "TIFF"};
    // TIFF-like and other RAW containers with their own signatures.
    if (startsWith(b, "ftypcrx "sv, 4))
        return {Container::Raw, "CR3"};
    if (startsWith(b, "FUJIFILM"sv))
        return {Container::Raw, "RAF"};
    if (startsWith(b, "IIRO"sv) || startsWith(b, "IIRS"sv) || startsWith(b, "MMOR"sv))
        return {Container::Raw, "ORF"};
    if (startsWith(b, "IIU\0"sv))
        return {Container::Raw, "RW2"};
    if (startsWith(b, "II\x1A\0\0\0HEAPCCDR"sv))
        return {Container::Raw, "CRW"};
    if (startsWith(b, "\0MRM"sv))
        return {Container::Raw, "MRW"};
    if (startsWith(b, "FOVb"sv))
        return {Container::Raw, "X3F"};
    if (startsWith(b, "IIII"sv))
        return {Container::Raw, "IIQ"};
    return {Container::Unknown, {}};
}

std::string lowerExtension(const std::string& path)
{
    std::string ext = fs::u8path(path).extension().string();
    if (!ext.empty() && ext.front() == '.')
        ext.erase(0, 1);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

const std::vector<std::string>& rawExtensions()
{
    static const std::vector<std::string> kRaw = {
        "3fr", "ari", "arw", "bay", "cap", "cr2", "cr3", "crw", "dcr", "dcs", "dng", "erf",
        "fff",  "iiq", "k25", "kdc", "mef", "mos", "mrw", "nef", "nrw", "orf", "pef", "ptx",
        "raf", "raw", "rw2", "rwl", "sr2", "srf", "srw", "x3f"};
    return kRaw;
}

bool isRawExtension(const std::string& ext)
{
    const auto& raw = rawExtensions();
    return std::find(raw.begin(), raw.end(), ext) != raw.end();
}

std::string supportedList()
{
    return "supported are camera RAW files (ARW, CR2, CR3, NEF, DNG, RAF, ORF, RW2, PEF, SRW, "
           "...) and JPEG, PNG, TIFF, WebP and BMP pictures";
}

Result<std::string> readWholeFile(const fs::path& file, const std::string& path)
{
    errno = 0;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        const int err = errno;
        if (err == EACCES || err == EPERM)
            return makeError(ErrorCode::PermissionDenied,
                             "cannot be read: permission denied; check the file's permissions",
                             path);
        return makeError(ErrorCode::IoError,
                         std::string("cannot be opened (") + std::strerror(err) + ")", path);
    }
    std::string bytes;
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size > 0) {
        bytes.resize(static_cast<size_t>(size));
        in.read(bytes.data(), size);
        bytes.resize(static_cast<size_t>(in.gcount()));
    }
    if (in.bad())
        return makeError(ErrorCode::IoError,
                         "could not be read completely (I/O error); check the disk or copy the "
                         "file again",
                         path);
    return bytes;
}

Result<DecodedImage> decodeBytes(std::string_view bytes, const std::string& path,
                                 const DecodeOptions& options)
{
    const std::string ext = lowerExtension(path);
    const Sniffed kind = sniff(bytes);

    switch (kind.container) {
    case Container::Jpeg:
    case Container::Png:
    case Container::WebP:
    case Container::Bmp:
        return RasterDecoder::decode(bytes, path, kind.name, options);
    case Container::Tiff: {
        // DNG, NEF, ARW, CR2... are TIFF inside, whatever their name. LibRaw refuses ordinary
        // RGB TIFFs quickly, so ask it first and fall back to the picture decoder.
        auto raw = RawDecoder::decode(bytes, path, options);
        if (raw.ok() || raw.error().code != ErrorCode::UnsupportedFormat)
            return raw;
        auto picture = RasterDecoder::decode(bytes, path, "TIFF", options);
        if (picture.ok() || picture.error().code != ErrorCode::CorruptData)
            return picture;
        std::string what = isRawExtension(ext) ? ext : std::string("tiff");
        std::transform(what.begin(), what.end(), what.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        return makeError(ErrorCode::CorruptData,
                         "looks like a " + what
                             + " file but neither LibRaw nor OpenCV can decode it: it is "
                               "truncated or damaged, or a variant Nocturne does not support",
                         path);
    }
    case Container::Raw: {
        auto raw = RawDecoder::decode(bytes, path, options);
        if (!raw.ok() && raw.error().code == ErrorCode::UnsupportedFormat)
            return makeError(ErrorCode::CorruptData,
                             "looks like a " + kind.name
                                 + " RAW file but LibRaw cannot read it; it is truncated or "
                                   "damaged, or from a camera this LibRaw version does not know",
                             path);
        return raw;
    }
    case Container::Unknown:
        break;
    }

    // No signature we know. Many RAW formats have none, so let LibRaw try when the name says RAW.
    if (isRawExtension(ext)) {
        auto raw = RawDecoder::decode(bytes, path, options);
        if (raw.ok() || raw.error().code != ErrorCode::UnsupportedFormat)
            return raw;
        return makeError(ErrorCode::UnsupportedFormat,
                         "is named ." + ext + " but its content is not a RAW file LibRaw knows; "
                             + supportedList(),
                         path);
    }
    if (!ext.empty() && ImageLoader::hasSupportedExtension(path))
        return makeError(ErrorCode::UnsupportedFormat,
                         "is named ." + ext + " but its content is not an image ("
                             + "unrecognised file signature); " + supportedList(),
                         path);
    return makeError(ErrorCode::UnsupportedFormat,
                     "is not an image Nocturne can open (unrecognised content); " + supportedList(),
                     path);
}

}  // namespace

namespace {

// The file's bytes, after the checks every open makes (missing, folder, device, empty, unreadable).
Result<std::string> readChecked(const std::string& path)
{
    if (path.empty())
        return makeError(ErrorCode::InvalidArgument, "no file name given");
    const fs::path file = fs::u8path(path);
    std::error_code ec;
    const fs::file_status status = fs::status(file, ec);
    if (status.type() == fs::file_type::not_found)
        return makeError(ErrorCode::NotFound,
                         "does not exist; check the path or whether the file was moved", path);
    if (ec) {
        if (ec == std::errc::permission_denied)
            return makeError(ErrorCode::PermissionDenied,
                             "cannot be accessed: permission denied; check the folder's "
                             "permissions",
                             path);
        return makeError(ErrorCode::IoError, "cannot be accessed (" + ec.message() + ")", path);
    }
    if (fs::is_directory(status))
        return makeError(ErrorCode::InvalidArgument,
                         "is a folder, not an image; choose a file inside it", path);
    if (!fs::is_regular_file(status))
        return makeError(ErrorCode::InvalidArgument,
                         "is not a regular file (a device, pipe or socket), not an image", path);
    const auto size = fs::file_size(file, ec);
    if (!ec && size == 0)
        return makeError(ErrorCode::CorruptData,
                         "is empty (0 bytes); the copy or download probably failed", path);

    auto bytes = readWholeFile(file, path);
    if (!bytes)
        return bytes.error();
    if (bytes->empty())
        return makeError(ErrorCode::CorruptData,
                         "is empty (0 bytes); the copy or download probably failed", path);
    return bytes;
}

Error outOfMemory(const std::string& path)
{
    return makeError(ErrorCode::OutOfMemory,
                     "not enough memory to read this file; close other images and retry", path);
}

ImageBuffer fitInto(const cv::Mat& rgb32f, int maxEdge)
{
    const int longest = std::max(rgb32f.cols, rgb32f.rows);
    if (longest <= maxEdge)
        return ImageBuffer(rgb32f.clone());
    const double scale = static_cast<double>(maxEdge) / longest;
    cv::Mat small;
    cv::resize(rgb32f, small, cv::Size(std::max(1, static_cast<int>(std::lround(rgb32f.cols * scale))),
                                       std::max(1, static_cast<int>(std::lround(rgb32f.rows * scale)))),
               0, 0, cv::INTER_AREA);
    return ImageBuffer(small);
}

}  // namespace

Result<DecodedImage> ImageLoader::load(const std::string& path, const DecodeOptions& options)
{
    try {
        auto bytes = readChecked(path);
        if (!bytes)
            return bytes.error();
        return decodeBytes(*bytes, path, options);
    } catch (const std::bad_alloc&) {
        return outOfMemory(path);
    }
}

Result<DecodedImage> ImageLoader::decode(std::string_view bytes, const std::string& path,
                                         const DecodeOptions& options)
{
    if (bytes.empty())
        return makeError(ErrorCode::CorruptData, "is empty (0 bytes); the copy or download probably failed", path);
    try {
        return decodeBytes(bytes, path, options);
    } catch (const std::bad_alloc&) {
        return outOfMemory(path);
    }
}

namespace {

// The embedded preview of RAW-like containers, fitted to maxEdge; empty when there is none.
std::optional<ImageBuffer> embeddedPreviewOf(std::string_view bytes, Container container, const std::string& path,
                                             int maxEdge)
{
    if (container != Container::Raw && container != Container::Tiff && container != Container::Unknown)
        return std::nullopt;
    auto preview = RawDecoder::embeddedPreview(bytes, path);
    if (!preview)
        return std::nullopt;
    return fitInto(RasterDecoder::linearize(*preview), maxEdge);
}

}  // namespace

Result<ImageBuffer> ImageLoader::loadEmbeddedPreview(const std::string& path, int maxEdge)
{
    if (maxEdge < 1)
        return makeError(ErrorCode::InvalidArgument, "the preview size must be positive", path);
    try {
        auto bytes = readChecked(path);
        if (!bytes)
            return bytes.error();
        if (auto preview = embeddedPreviewOf(*bytes, sniff(*bytes).container, path, maxEdge))
            return std::move(*preview);
        return makeError(ErrorCode::NotFound, "the file has no embedded preview", path);
    } catch (const std::bad_alloc&) {
        return outOfMemory(path);
    }
}

Result<ImageBuffer> ImageLoader::loadThumbnail(const std::string& path, int maxEdge,
                                               const DecodeOptions& options)
{
    if (maxEdge < 1)
        return makeError(ErrorCode::InvalidArgument, "the thumbnail size must be positive", path);
    try {
        auto bytes = readChecked(path);
        if (!bytes)
            return bytes.error();
        const Container container = sniff(*bytes).container;
        if (auto preview = embeddedPreviewOf(*bytes, container, path, maxEdge))
            return std::move(*preview);
        // LibRaw's half-size decode skips demosaicing: 4x faster for a RAW without a preview.
        // Raster files decode at full size, so small ones are not shrunk below maxEdge.
        DecodeOptions fast = options;
        fast.halfSize = container != Container::Jpeg && container != Container::Png
                        && container != Container::WebP && container != Container::Bmp;
        fast.wantMosaic = false;
        auto decoded = decodeBytes(*bytes, path, fast);
        if (!decoded)
            return decoded.error();
        return fitInto(decoded->rgb.mat(), maxEdge);
    } catch (const std::bad_alloc&) {
        return outOfMemory(path);
    }
}


const std::vector<std::string>& ImageLoader::supportedExtensions()
{
    static const std::vector<std::string> kAll = [] {
        std::vector<std::string> all = rawExtensions();
        for (const char* ext : {"jpg", "jpeg", "jpe", "png", "tif", "tiff", "webp", "bmp"})
            all.emplace_back(ext);
        return all;
    }();
    return kAll;
}

bool ImageLoader::hasSupportedExtension(const std::string& path)
{
    const std::string ext = lowerExtension(path);
    const auto& all = supportedExtensions();
    return !ext.empty() && std::find(all.begin(), all.end(), ext) != all.end();
}

}  // namespace nocturne::core
