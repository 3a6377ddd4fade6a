#include "core/io/RawDecoder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <cstring>

#include <libraw/libraw.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace nocturne::core {

namespace {

constexpr int kMaxSide = 65535;
// Shares of clipped photosites and of repeated rows above which a frame is decoder output for
// missing data rather than a photo (real sensors have noise: rows never repeat exactly).
constexpr double kGarbageClippedFraction = 0.99;
constexpr double kGarbageClippedFractionWithErrors = 0.90;
constexpr double kGarbageRepeatedRowFraction = 0.25;   // larger than any sensor; beyond it the header is garbage
constexpr const char* kNoImageData =
    "contains no image data (stripped or truncated RAW): the metadata parses but the pixel data "
    "is missing or unreadable. Use the original file from the camera or memory card.";

struct LibRawImageDeleter {
    void operator()(libraw_processed_image_t* image) const { LibRaw::dcraw_clear_mem(image); }
};
using ProcessedImage = std::unique_ptr<libraw_processed_image_t, LibRawImageDeleter>;

// LibRaw reports data errors (short reads, bad offsets) through a callback that by default
// prints to stderr; count them instead so a damaged file is reported, not hidden.
void countDataError(void* data, const char* /*file*/, const int /*offset*/)
{
    ++*static_cast<int*>(data);
}

Error libRawError(int code, const std::string& stage, const std::string& path)
{
    const std::string what = std::string(libraw_strerror(code));
    switch (code) {
    case LIBRAW_FILE_UNSUPPORTED:
        return makeError(ErrorCode::UnsupportedFormat,
                         "is not a RAW format LibRaw " LIBRAW_VERSION_STR " can read (" + what + ")",
                         path);
    case LIBRAW_UNSUFFICIENT_MEMORY:
        return makeError(ErrorCode::OutOfMemory,
                         "not enough memory to " + stage + " this RAW file; close other images "
                         "or use a smaller preview",
                         path);
    case LIBRAW_TOO_BIG:
        return makeError(ErrorCode::TooLarge, "is too large for LibRaw to " + stage + " (" + what + ")",
                         path);
    default:
        return makeError(ErrorCode::CorruptData,
                         "could not " + stage + " this RAW file (" + what
                             + "); it may be truncated or damaged",
                         path);
    }
}

std::string percent(double fraction)
{
    char text[16];
    std::snprintf(text, sizeof text, "%.1f%%", fraction * 100.0);
    return text;
}

std::string upperExtension(const std::string& path)
{
    std::string ext = std::filesystem::u8path(path).extension().string();
    if (!ext.empty() && ext.front() == '.')
        ext.erase(0, 1);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return ext;
}

// LibRaw's flip code (dcraw convention) back to the EXIF orientation it came from.
int exifOrientationFromFlip(int flip)
{
    switch (flip) {
    case 0: return 1;
    case 1: return 2;
    case 2: return 4;
    case 3: return 3;
    case 4: return 5;
    case 5: return 8;
    case 6: return 6;
    case 7: return 7;
    default: return 1;
    }
}

std::string formatTimestamp(time_t timestamp)
{
    if (timestamp <= 0)
        return {};
    // LibRaw builds the timestamp with mktime (local time), so invert with localtime.
    std::tm tm{};
    if (localtime_r(&timestamp, &tm) == nullptr)
        return {};
    char text[32];
    if (std::strftime(text, sizeof text, "%Y:%m:%d %H:%M:%S", &tm) == 0)
        return {};
    return text;
}

// Whether LibRaw's filters word describes a plain 2x2 RGGB-family Bayer tile.
bool isTwoByTwoBayer(LibRaw& raw)
{
    const unsigned filters = raw.imgdata.idata.filters;
    if (filters < 1000 || raw.imgdata.idata.colors != 3)
        return false;
    if (raw.is_fuji_rotated() != 0)   // rotated SuperCCD layout
        return false;
    const std::string cdesc = raw.imgdata.idata.cdesc;
    if (cdesc.rfind("RGB", 0) != 0)
        return false;
    int counts[4] = {0, 0, 0, 0};
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c)
            ++counts[raw.COLOR(r, c) & 3];
    if (counts[0] != 1 || counts[2] != 1 || counts[1] + counts[3] != 2)
        return false;
    // The tile must repeat: the 8x2 filters word holds the same byte for every row pair.
    for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 2; ++c)
            if (raw.COLOR(r, c) != raw.COLOR(r & 1, c))
                return false;
    return true;
}

CfaPattern patternOf(LibRaw& raw)
{
    // Decide by where red and blue sit; LibRaw's labelling of the two greens varies by camera.
    const bool redTopLeft = raw.COLOR(0, 0) == 0;
    const bool redTopRight = raw.COLOR(0, 1) == 0;
    const bool redBottomLeft = raw.COLOR(1, 0) == 0;
    if (redTopLeft)
        return CfaPattern::RGGB;
    if (redTopRight)
        return CfaPattern::GRBG;
    if (redBottomLeft)
        return CfaPattern::GBRG;
    return CfaPattern::BGGR;
}

SensorKind sensorKindOf(LibRaw& raw)
{
    const auto& idata = raw.imgdata.idata;
    if (idata.filters == LIBRAW_XTRANS)
        return SensorKind::XTrans;
    if (isTwoByTwoBayer(raw))
        return SensorKind::Bayer;
    if (idata.colors == 1)
        return SensorKind::Monochrome;
    if (idata.filters == 0 && std::string(idata.make).rfind("Sigma", 0) == 0)
        return SensorKind::Foveon;
    return SensorKind::Other;
}

std::string notesFor(SensorKind kind)
{
    switch (kind) {
    case SensorKind::XTrans:
        return "X-Trans sensor: RAW networks that take a Bayer mosaic do not apply; classical "
               "methods and sRGB networks do.";
    case SensorKind::Foveon:
        return "Foveon sensor: RAW networks that take a Bayer mosaic do not apply; classical "
               "methods and sRGB networks do.";
    case SensorKind::Monochrome:
        return "Monochrome sensor: RAW networks that take a Bayer mosaic do not apply; classical "
               "methods and sRGB networks do.";
    case SensorKind::Other:
        return "Not a 2x2 Bayer sensor (or already demosaiced, e.g. linear DNG): RAW networks "
               "that take a Bayer mosaic do not apply; classical methods and sRGB networks do.";
    default:
        return {};
    }
}

// Why a decoded mosaic is not a photo, or nothing when it looks like one. Stripped files decode
// to a constant frame, to (nearly) pure white or to black with a few stray values.
std::optional<std::string> whyNotAnImage(const cv::Mat& visible, float black, float white,
                                         int dataErrors)
{
    double lo = 0.0;
    double hi = 0.0;
    cv::minMaxLoc(visible, &lo, &hi);
    if (lo == hi)
        return "every photosite reads " + std::to_string(static_cast<int>(lo));
    if (hi <= black)
        return std::string("every photosite is at or below the black level");

    const double total = static_cast<double>(visible.total());
    const double saturated = cv::countNonZero(visible >= static_cast<double>(white)) / total;
    const double dark = cv::countNonZero(visible <= static_cast<double>(black)) / total;
    int repeatedRows = 0;
    const size_t rowBytes = static_cast<size_t>(visible.cols) * sizeof(uint16_t);
    for (int y = 1; y < visible.rows; ++y)
        if (std::memcmp(visible.ptr(y), visible.ptr(y - 1), rowBytes) == 0)
            ++repeatedRows;
    const double repeated = repeatedRows / static_cast<double>(std::max(1, visible.rows - 1));
    const double clipped = saturated + dark;
    const bool garbage =
        (clipped >= kGarbageClippedFraction && repeated >= kGarbageRepeatedRowFraction)
        || (dataErrors > 0 && clipped >= kGarbageClippedFractionWithErrors);
    if (!garbage)
        return std::nullopt;
    return percent(saturated) + " of photosites saturated, " + percent(dark) + " black, "
           + percent(repeated) + " of rows repeated";
}

RawMosaic extractMosaic(LibRaw& raw, const cv::Mat& visible)
{
    const auto& color = raw.imgdata.color;
    RawMosaic mosaic;
    mosaic.data = visible;
    mosaic.pattern = patternOf(raw);

    // Per-colour black: the common level, the per-channel offsets, and a 2x2 black pattern
    // (cblack[4] x cblack[5] values from cblack[6]) where the camera has one.
    for (int i = 0; i < 4; ++i) {
        const auto cfa = static_cast<CfaColor>(i);
        float black = static_cast<float>(color.black) + static_cast<float>(color.cblack[i]);
        const unsigned patternRows = color.cblack[4];
        const unsigned patternCols = color.cblack[5];
        if (patternRows > 0 && patternCols > 0 && patternRows * patternCols <= 16) {
            // Find this colour's site in the tile and add that position's pattern value.
            for (int r = 0; r < 2; ++r)
                for (int c = 0; c < 2; ++c)
                    if (cfaColorAt(mosaic.pattern, r, c) == cfa)
                        black += static_cast<float>(
                            color.cblack[6 + (r % patternRows) * patternCols + (c % patternCols)]);
        }
        mosaic.blackLevel[static_cast<size_t>(i)] = black;
    }

    unsigned white = color.maximum;
    if (color.linear_max[0] > 0)
        white = static_cast<unsigned>(color.linear_max[0]);
    mosaic.whiteLevel = static_cast<float>(std::max(1u, white));
    mosaic.bitsPerSample = std::clamp(
        static_cast<int>(std::ceil(std::log2(static_cast<double>(white) + 1.0))), 1, 16);

    // As-shot white balance, normalised to green; pre_mul (daylight) when the camera gave none.
    const float* mul = color.cam_mul;
    if (!(mul[0] > 0.0f && mul[1] > 0.0f && mul[2] > 0.0f))
        mul = color.pre_mul;
    if (mul[0] > 0.0f && mul[1] > 0.0f && mul[2] > 0.0f) {
        const float g = mul[1];
        mosaic.whiteBalance = {mul[0] / g, 1.0f, mul[2] / g, (mul[3] > 0.0f ? mul[3] : g) / g};
    }

    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            mosaic.cameraToSrgb(r, c) = color.rgb_cam[r][c];
    return mosaic;
}

// LibRaw's 16-bit RGB (or gray) rendering as float RGB in [0, 1].
Result<cv::Mat> toFloatRgb(const libraw_processed_image_t& image, const std::string& path)
{
    if (image.type != LIBRAW_IMAGE_BITMAP || (image.colors != 3 && image.colors != 1)
        || (image.bits != 16 && image.bits != 8) || image.width == 0 || image.height == 0)
        return makeError(ErrorCode::CorruptData, "LibRaw produced an unexpected image layout",
                         path);
    const int depth = image.bits == 16 ? CV_16U : CV_8U;
    cv::Mat wrapped(image.height, image.width, CV_MAKETYPE(depth, image.colors),
                    const_cast<unsigned char*>(image.data));
    cv::Mat rgb;
    if (image.colors == 1)
        cv::merge(std::vector<cv::Mat>{wrapped, wrapped, wrapped}, rgb);
    else
        rgb = wrapped;
    cv::Mat out;
    rgb.convertTo(out, CV_32FC3, image.bits == 16 ? 1.0 / 65535.0 : 1.0 / 255.0);
    return out;
}

Result<DecodedImage> decodeImpl(std::string_view bytes, const std::string& path,
                                const DecodeOptions& options)
{
    // LibRaw is large (hundreds of KB); keep it off the stack.
    auto raw = std::make_unique<LibRaw>(LIBRAW_OPTIONS_NONE);
    int dataErrors = 0;
    raw->set_dataerror_handler(countDataError, &dataErrors);

    auto& params = raw->imgdata.params;
    params.use_camera_wb = 1;
    params.no_auto_bright = 1;
    params.output_bps = 16;
    params.gamm[0] = 1.0;
    params.gamm[1] = 1.0;
    params.output_color = 1;   // sRGB primaries
    params.half_size = options.halfSize ? 1 : 0;

    // LibRaw only reads from the buffer; its API is not const-correct.
    int rc = raw->open_buffer(const_cast<char*>(bytes.data()), bytes.size());
    if (rc != LIBRAW_SUCCESS)
        return libRawError(rc, "open", path);
    // LibRaw stretches the data when its maximum exceeds 75 % of the white level, a guess for
    // formats whose nominal white is unreliable. A DNG's WhiteLevel is the saturation point by
    // specification, and the guess would brighten a linear DNG (ours included) by up to 1.33x.
    if (raw->imgdata.idata.dng_version != 0)
        params.adjust_maximum_thr = 0.0f;

    const auto& sizes = raw->imgdata.sizes;
    // Rotated Fuji SuperCCD output is larger than the raw frame on one axis; elsewhere the
    // visible area must fit inside it.
    const bool rawFits = raw->is_fuji_rotated() != 0
                         || (sizes.raw_width >= sizes.width && sizes.raw_height >= sizes.height);
    if (sizes.width < 2 || sizes.height < 2 || !rawFits || sizes.width > kMaxSide
        || sizes.height > kMaxSide)
        return makeError(ErrorCode::CorruptData,
                         "has impossible image dimensions (" + std::to_string(sizes.width) + " x "
                             + std::to_string(sizes.height) + "); " + kNoImageData,
                         path);
    const long long pixels = static_cast<long long>(sizes.width) * sizes.height;
    if (options.maxPixels > 0 && pixels > options.maxPixels)
        return makeError(ErrorCode::TooLarge,
                         "is " + std::to_string(sizes.width) + " x " + std::to_string(sizes.height)
                             + " pixels (" + std::to_string(pixels)
                             + "), more than the limit of " + std::to_string(options.maxPixels)
                             + " pixels; raise the pixel limit to open it",
                         path);

    rc = raw->unpack();
    if (rc != LIBRAW_SUCCESS)
        return libRawError(rc, "unpack", path);

    const auto& rawdata = raw->imgdata.rawdata;
    if (rawdata.raw_image == nullptr && rawdata.color3_image == nullptr
        && rawdata.color4_image == nullptr && rawdata.float_image == nullptr
        && rawdata.float3_image == nullptr && rawdata.float4_image == nullptr)
        return makeError(ErrorCode::CorruptData, kNoImageData, path);

    DecodedImage decoded;
    ImageMeta& meta = decoded.meta;
    meta.sourcePath = path;
    meta.sensor = sensorKindOf(*raw);
    meta.notes = notesFor(meta.sensor);

    // Copy the mosaic before dcraw_process, which works in place on LibRaw's buffers.
    if (meta.sensor == SensorKind::Bayer) {
        if (rawdata.raw_image == nullptr)
            return makeError(ErrorCode::CorruptData, kNoImageData, path);
        const cv::Mat full(sizes.raw_height, sizes.raw_width, CV_16UC1, rawdata.raw_image,
                           sizes.raw_pitch);
        const cv::Mat visible =
            full(cv::Rect(sizes.left_margin, sizes.top_margin, sizes.width, sizes.height));
        RawMosaic mosaic = extractMosaic(*raw, options.wantMosaic ? visible.clone() : cv::Mat());
        meta.bitsPerSample = mosaic.bitsPerSample;
        const float black = std::min(mosaic.blackLevel[0], mosaic.blackLevel[2]);
        if (const auto why = whyNotAnImage(visible, black, mosaic.whiteLevel, dataErrors))
            return makeError(ErrorCode::CorruptData, kNoImageData + (" (" + *why + ")"), path);
        if (options.wantMosaic)
            decoded.mosaic = std::move(mosaic);
    } else {
        meta.bitsPerSample = std::clamp(
            static_cast<int>(std::ceil(std::log2(std::max(1.0, double(raw->imgdata.color.maximum))
                                                 + 1.0))),
            1, 16);
    }

    rc = raw->dcraw_process();
    if (rc != LIBRAW_SUCCESS)
        return libRawError(rc, "process", path);
    int memError = LIBRAW_SUCCESS;
    ProcessedImage processed(raw->dcraw_make_mem_image(&memError));
    if (!processed || memError != LIBRAW_SUCCESS)
        return libRawError(memError != LIBRAW_SUCCESS ? memError : LIBRAW_UNSPECIFIED_ERROR,
                           "render", path);
    auto rgb = toFloatRgb(*processed, path);
    if (!rgb)
        return rgb.error();
    if (!decoded.mosaic && meta.sensor != SensorKind::Bayer) {
        // No mosaic to check for non-Bayer sensors: judge the rendering instead.
        double lo = 0.0;
        double hi = 0.0;
        cv::minMaxLoc(rgb.value().reshape(1), &lo, &hi);
        if (lo == hi)
            return makeError(ErrorCode::CorruptData, kNoImageData, path);
    }
    decoded.rgb = ImageBuffer(std::move(rgb).value(), ColorEncoding::Linear);
    decoded.halfSize = options.halfSize;

    const auto& idata = raw->imgdata.idata;
    const auto& other = raw->imgdata.other;
    std::string ext = upperExtension(path);
    meta.format = ext.empty() ? std::string("RAW") : ext;
    if (meta.format == "TIF" || meta.format == "TIFF")
        meta.format = idata.dng_version != 0 ? "DNG" : "RAW";
    // LibRaw applied the orientation, so the rendering's size is the upright size.
    meta.width = decoded.rgb.width();
    meta.height = decoded.rgb.height();
    meta.orientation = exifOrientationFromFlip(sizes.flip);
    meta.cameraMake = idata.make;
    meta.cameraModel = idata.model;
    meta.lens = raw->imgdata.lens.Lens;
    if (other.shutter > 0.0f)
        meta.exposureTime = other.shutter;
    if (other.aperture > 0.0f)
        meta.aperture = other.aperture;
    if (other.iso_speed > 0.0f)
        meta.isoSpeed = other.iso_speed;
    if (other.focal_len > 0.0f)
        meta.focalLength = other.focal_len;
    meta.dateTimeOriginal = formatTimestamp(other.timestamp);

    if (dataErrors > 0) {
        // LibRaw recovered from read errors: the picture is usable but damaged somewhere.
        if (!meta.notes.empty())
            meta.notes += ' ';
        meta.notes += "Warning: LibRaw hit " + std::to_string(dataErrors)
                      + " data error(s) while decoding; the file may be truncated and parts of "
                        "the image may be wrong.";
    }
    return decoded;
}

}  // namespace

Result<DecodedImage> RawDecoder::decode(std::string_view bytes, const std::string& path,
                                        const DecodeOptions& options)
{
    try {
        return decodeImpl(bytes, path, options);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory,
                         "not enough memory to decode this RAW file; close other images or use a "
                         "smaller preview",
                         path);
    } catch (const cv::Exception& e) {
        return makeError(ErrorCode::Internal, std::string("OpenCV failed: ") + e.what(), path);
    }
}

Result<cv::Mat> RawDecoder::embeddedPreview(std::string_view bytes, const std::string& path)
{
    try {
        auto raw = std::make_unique<LibRaw>(LIBRAW_OPTIONS_NONE);
        int rc = raw->open_buffer(const_cast<char*>(bytes.data()), bytes.size());
        if (rc != LIBRAW_SUCCESS)
            return libRawError(rc, "open", path);
        if (raw->unpack_thumb() != LIBRAW_SUCCESS)
            return makeError(ErrorCode::NotFound, "has no embedded preview", path);
        int error = 0;
        std::unique_ptr<libraw_processed_image_t, void (*)(libraw_processed_image_t*)> thumb(
            raw->dcraw_make_mem_thumb(&error), [](libraw_processed_image_t* p) { LibRaw::dcraw_clear_mem(p); });
        if (!thumb || error != LIBRAW_SUCCESS)
            return makeError(ErrorCode::NotFound, "has no embedded preview Nocturne can read", path);

        cv::Mat rgb;
        if (thumb->type == LIBRAW_IMAGE_JPEG) {
            const cv::Mat jpeg(1, static_cast<int>(thumb->data_size), CV_8U, thumb->data);
            // The RAW's own orientation applies below, not the preview's EXIF.
            const cv::Mat bgr = cv::imdecode(jpeg, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
            if (!bgr.empty())
                cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        } else if (thumb->type == LIBRAW_IMAGE_BITMAP && thumb->colors == 3 && thumb->bits == 8) {
            rgb = cv::Mat(thumb->height, thumb->width, CV_8UC3, thumb->data).clone();
        }
        if (rgb.empty() || rgb.cols < 8 || rgb.rows < 8)
            return makeError(ErrorCode::NotFound, "has no embedded preview Nocturne can read", path);

        switch (raw->imgdata.sizes.flip) {
        case 3: cv::rotate(rgb, rgb, cv::ROTATE_180); break;
        case 5: cv::rotate(rgb, rgb, cv::ROTATE_90_COUNTERCLOCKWISE); break;
        case 6: cv::rotate(rgb, rgb, cv::ROTATE_90_CLOCKWISE); break;
        default: break;
        }
        return rgb;
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "not enough memory to read the embedded preview", path);
    } catch (const cv::Exception& e) {
        return makeError(ErrorCode::CorruptData, std::string("has a damaged embedded preview: ") + e.what(), path);
    }
}

}  // namespace nocturne::core
