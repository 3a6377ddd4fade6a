#include "core/io/MetadataStore.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <new>
#include <numeric>
#include <set>
#include <stdexcept>

#include <exiv2/exiv2.hpp>

#include "core/Version.h"
#include "core/io/ColorProfile.h"
#include "core/io/PngIccName.h"

namespace nocturne::core {

namespace {

namespace fs = std::filesystem;

void initializeExiv2()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // XmpParser::initialize is not thread-safe itself; it must run before any concurrent
        // XMP use, which call_once guarantees.
        Exiv2::XmpParser::initialize();
        // Exiv2 0.27 prints warnings for every odd maker note to stderr; our callers report
        // real failures through Result, so only errors are worth printing.
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::error);
        Exiv2::enableBMFF(true);   // CR3 and other ISO-BMFF RAWs
    });
}

fs::path pathFromUtf8(const std::string& utf8)
{
    return fs::path(std::u8string(reinterpret_cast<const char8_t*>(utf8.data()), utf8.size()));
}


// IFD0 tags that describe how the source's pixels are laid out (strips, tiles, CFA, sub-IFDs,
// ICC profile of the camera data) or that Exiv2 regenerates itself. Copied into an export they
// would be wrong or would point at nothing.
const std::set<std::string>& layoutTagsOfImageGroup()
{
    static const std::set<std::string> tags = {
        "NewSubfileType", "SubfileType", "ImageWidth", "ImageLength", "BitsPerSample",
        "Compression", "PhotometricInterpretation", "FillOrder", "StripOffsets",
        "SamplesPerPixel", "RowsPerStrip", "StripByteCounts", "PlanarConfiguration",
        "TileWidth", "TileLength", "TileOffsets", "TileByteCounts", "SubIFDs", "ExtraSamples",
        "SampleFormat", "SMinSampleValue", "SMaxSampleValue", "Predictor", "TransferFunction",
        "JPEGInterchangeFormat", "JPEGInterchangeFormatLength", "JPEGProc", "JPEGTables",
        "YCbCrCoefficients", "YCbCrSubSampling", "YCbCrPositioning", "ReferenceBlackWhite",
        "ExifTag", "GPSTag", "InteroperabilityTag", "XMLPacket", "IPTCNAA", "ImageResources",
        "InterColorProfile", "Orientation", "ImageID", "XClipPathUnits", "YClipPathUnits",
        "Indexed", "OPIProxy", "ColorMap", "HalftoneHints", "InkSet"};
    return tags;
}

// DNG 1.0 - 1.6 allocate their tags from 0xC612 (DNGVersion) up; all of them describe raw
// data or its rendering and are meaningless for a developed image.
constexpr uint16_t kFirstDngTag = 0xC612;
constexpr uint16_t kLastDngTag = 0xCFFF;

bool shouldCopyExif(const Exiv2::Exifdatum& datum, bool withMakerNotes)
{
    const std::string group = datum.groupName();
    const std::string name = datum.tagName();
    const bool isCfa = name.find("CFA") != std::string::npos;
    if (group == "Image") {
        if (isCfa || layoutTagsOfImageGroup().count(name) != 0)
            return false;
        return datum.tag() < kFirstDngTag || datum.tag() > kLastDngTag;
    }
    if (group == "Photo") {
        if (name == "MakerNote")
            return withMakerNotes;
        return !isCfa && name != "InteroperabilityTag" && name != "PixelXDimension"
               && name != "PixelYDimension";
    }
    if (group == "GPSInfo" || group == "Iop")
        return true;
    if (group == "MakerNote" || Exiv2::ExifTags::isMakerGroup(group))
        return withMakerNotes;
    // Thumbnail, Image2.., SubImage*, SubThumb*, vendor raw IFDs: previews and raw data.
    return false;
}

bool shouldCopyXmp(const std::string& key)
{
    static const std::set<std::string> layoutKeys = {
        "Xmp.tiff.ImageWidth", "Xmp.tiff.ImageLength", "Xmp.tiff.BitsPerSample",
        "Xmp.tiff.Compression", "Xmp.tiff.PhotometricInterpretation",
        "Xmp.tiff.SamplesPerPixel", "Xmp.tiff.PlanarConfiguration", "Xmp.tiff.YCbCrSubSampling",
        "Xmp.tiff.NativeDigest", "Xmp.exif.NativeDigest"};
    // Camera Raw develop settings would be re-applied by other editors to our rendered image,
    // and embedded XMP thumbnails are stale previews of the original.
    if (key.rfind("Xmp.crs.", 0) == 0 || key.rfind("Xmp.xmp.Thumbnails", 0) == 0)
        return false;
    return layoutKeys.count(key) == 0;
}

Exiv2::URational exposureRational(double seconds)
{
    if (seconds <= 0.0)
        return {0, 1};
    if (seconds < 1.0) {
        const double inverse = 1.0 / seconds;
        const double rounded = std::round(inverse);
        if (std::abs(inverse - rounded) <= 1e-3 * inverse)
            return {1, static_cast<uint32_t>(rounded)};   // the usual 1/N shutter speeds
    }
    constexpr uint32_t kDenominator = 10000;
    const auto numerator = static_cast<uint32_t>(std::llround(seconds * kDenominator));
    const uint32_t divisor = std::gcd(numerator, kDenominator);
    return {numerator / std::max<uint32_t>(divisor, 1), kDenominator / std::max<uint32_t>(divisor, 1)};
}

Exiv2::URational tenthsRational(double value)
{
    return {static_cast<uint32_t>(std::llround(std::max(0.0, value) * 10.0)), 10};
}

bool hasKey(const Exiv2::ExifData& exif, const char* key)
{
    return exif.findKey(Exiv2::ExifKey(key)) != exif.end();
}

// Fills the fields a decoder knew about but the source's EXIF lacked (or all of them when
// Exiv2 could not read the source at all, as with some RAW containers).
void fillFromImageMeta(Exiv2::ExifData& exif, const ImageMeta& meta)
{
    if (!meta.cameraMake.empty() && !hasKey(exif, "Exif.Image.Make"))
        exif["Exif.Image.Make"] = meta.cameraMake;
    if (!meta.cameraModel.empty() && !hasKey(exif, "Exif.Image.Model"))
        exif["Exif.Image.Model"] = meta.cameraModel;
    if (!meta.lens.empty() && !hasKey(exif, "Exif.Photo.LensModel"))
        exif["Exif.Photo.LensModel"] = meta.lens;
    if (meta.exposureTime && !hasKey(exif, "Exif.Photo.ExposureTime"))
        exif["Exif.Photo.ExposureTime"] = exposureRational(*meta.exposureTime);
    if (meta.aperture && !hasKey(exif, "Exif.Photo.FNumber"))
        exif["Exif.Photo.FNumber"] = tenthsRational(*meta.aperture);
    if (meta.isoSpeed && !hasKey(exif, "Exif.Photo.ISOSpeedRatings"))
        exif["Exif.Photo.ISOSpeedRatings"] =
            static_cast<uint16_t>(std::clamp(std::lround(*meta.isoSpeed), 0L, 65535L));
    if (meta.focalLength && !hasKey(exif, "Exif.Photo.FocalLength"))
        exif["Exif.Photo.FocalLength"] = tenthsRational(*meta.focalLength);
    if (!meta.dateTimeOriginal.empty() && !hasKey(exif, "Exif.Photo.DateTimeOriginal"))
        exif["Exif.Photo.DateTimeOriginal"] = meta.dateTimeOriginal;
}

// The source's metadata, or nothing when Exiv2 cannot read it: then the export gets the
// fields from ImageMeta only, which is the documented fallback rather than a failure.
Exiv2::Image::AutoPtr openSource(const std::string& source)
{
    if (source.empty())
        return Exiv2::Image::AutoPtr();
    try {
        Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(source);
        if (image.get() == nullptr)
            return Exiv2::Image::AutoPtr();
        image->readMetadata();
        return image;
    } catch (const Exiv2::AnyError&) {
        return Exiv2::Image::AutoPtr();
    }
}

// Embeds the export's ICC profile and says in EXIF whether it is sRGB.
void markColor(Exiv2::Image& image, Exiv2::ExifData& exif, const MetadataStore::ColorTag& color)
{
    if (color.icc.empty())
        return;
    Exiv2::DataBuf profile(color.icc.data(), static_cast<long>(color.icc.size()));
    image.setIccProfile(profile, true);
    exif["Exif.Photo.ColorSpace"] = static_cast<uint16_t>(color.srgb ? 1 : 0xFFFF);
}

void writeMerged(Exiv2::Image* source, const ImageMeta& sourceMeta,
                 const std::string& destination, int width, int height, bool withMakerNotes,
                 const MetadataStore::ColorTag& color)
{
    Exiv2::Image::AutoPtr target = Exiv2::ImageFactory::open(destination);
    target->readMetadata();
    // Start from what the encoder wrote: for TIFF that is the IFD0 describing our own strips.
    Exiv2::ExifData exif = target->exifData();
    Exiv2::XmpData xmp = target->xmpData();
    Exiv2::IptcData iptc = target->iptcData();

    if (source != nullptr) {
        std::set<std::string> copiedKeys;
        for (const Exiv2::Exifdatum& datum : source->exifData()) {
            if (!shouldCopyExif(datum, withMakerNotes))
                continue;
            // A key the encoder wrote is replaced, but repeated source keys are all kept.
            if (copiedKeys.insert(datum.key()).second) {
                auto existing = exif.findKey(Exiv2::ExifKey(datum.key()));
                if (existing != exif.end())
                    exif.erase(existing);
            }
            exif.add(datum);
        }
        for (const Exiv2::Xmpdatum& datum : source->xmpData()) {
            if (shouldCopyXmp(datum.key()))
                xmp.add(datum);
        }
        for (const Exiv2::Iptcdatum& datum : source->iptcData())
            iptc.add(datum);
    }

    fillFromImageMeta(exif, sourceMeta);
    Exiv2::ExifThumb(exif).erase();
    // The pixels were rotated upright by the decoder.
    exif["Exif.Image.Orientation"] = static_cast<uint16_t>(1);
    exif["Exif.Photo.PixelXDimension"] = static_cast<uint32_t>(width);
    exif["Exif.Photo.PixelYDimension"] = static_cast<uint32_t>(height);
    exif["Exif.Image.Software"] = MetadataStore::softwareName();

    if (xmp.findKey(Exiv2::XmpKey("Xmp.tiff.Orientation")) != xmp.end())
        xmp["Xmp.tiff.Orientation"] = "1";
    if (xmp.findKey(Exiv2::XmpKey("Xmp.exif.PixelXDimension")) != xmp.end())
        xmp["Xmp.exif.PixelXDimension"] = std::to_string(width);
    if (xmp.findKey(Exiv2::XmpKey("Xmp.exif.PixelYDimension")) != xmp.end())
        xmp["Xmp.exif.PixelYDimension"] = std::to_string(height);
    xmp["Xmp.xmp.CreatorTool"] = MetadataStore::softwareName();
    markColor(*target, exif, color);

    target->setExifData(exif);
    target->setXmpData(xmp);
    target->setIptcData(iptc);
    target->writeMetadata();
}

ErrorCode codeForExiv2(const Exiv2::AnyError& error, const std::string& path)
{
    std::error_code ec;
    if (!fs::exists(pathFromUtf8(path), ec))
        return ErrorCode::NotFound;
    if (error.code() == Exiv2::kerFileContainsUnknownImageType
        || error.code() == Exiv2::kerUnsupportedImageType
        || error.code() == Exiv2::kerWritingImageFormatUnsupported)
        return ErrorCode::UnsupportedFormat;
    return ErrorCode::CorruptData;
}

}  // namespace

std::string MetadataStore::softwareName()
{
    return std::string(kSoftware) + " " + kVersion;
}

Result<void> MetadataStore::transfer(const std::string& source, const ImageMeta& sourceMeta,
                                     const std::string& destination, int width, int height,
                                     const ColorTag& color)
{
    initializeExiv2();
    try {
        Exiv2::Image::AutoPtr sourceImage = openSource(source);
        try {
            writeMerged(sourceImage.get(), sourceMeta, destination, width, height, true, color);
        } catch (const Exiv2::AnyError&) {
            // Maker notes are opaque vendor blobs that Exiv2 must re-encode; some cannot be
            // written (or overflow a JPEG's 64 KiB EXIF segment). The photo's own tags matter
            // more, so try once more without them before giving up.
            writeMerged(sourceImage.get(), sourceMeta, destination, width, height, false, color);
        }
        if (!color.icc.empty())
            return PngIccName::mend(destination);
        return Result<void>::success();
    } catch (const Exiv2::AnyError& e) {
        const ErrorCode code = codeForExiv2(e, destination) == ErrorCode::NotFound
                                   ? ErrorCode::NotFound
                                   : ErrorCode::IoError;
        return makeError(code, std::string("writing metadata failed: ") + e.what(), destination);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "not enough memory to copy the metadata",
                         destination);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal,
                         std::string("copying metadata failed unexpectedly: ") + e.what(),
                         destination);
    }
}

MetadataStore::ColorTag MetadataStore::ColorTag::forSpace(OutputSpace space)
{
    ColorTag tag;
    tag.icc = ColorProfile::profileFor(space);
    tag.srgb = space == OutputSpace::Srgb;
    return tag;
}

Result<void> MetadataStore::tagColor(const std::string& path, const ColorTag& color)
{
    initializeExiv2();
    try {
        Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(path);
        image->readMetadata();
        Exiv2::ExifData exif = image->exifData();
        markColor(*image, exif, color);
        image->setExifData(exif);
        image->writeMetadata();
        if (!color.icc.empty())
            if (auto named = PngIccName::mend(path); !named)
                return named;
        return Result<void>::success();
    } catch (const Exiv2::AnyError& e) {
        return makeError(codeForExiv2(e, path) == ErrorCode::NotFound ? ErrorCode::NotFound : ErrorCode::IoError,
                         std::string("embedding the colour profile failed: ") + e.what(), path);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "not enough memory to embed the colour profile", path);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, e.what(), path);
    }
}

Result<std::vector<unsigned char>> MetadataStore::iccProfile(const std::string& path)
{
    initializeExiv2();
    try {
        Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(path);
        image->readMetadata();
        if (!image->iccProfileDefined())
            return std::vector<unsigned char>{};
        const Exiv2::DataBuf* buf = image->iccProfile();
        return std::vector<unsigned char>(buf->pData_, buf->pData_ + buf->size_);
    } catch (const Exiv2::AnyError& e) {
        return makeError(codeForExiv2(e, path), std::string("reading the colour profile failed: ") + e.what(), path);
    }
}

Result<std::map<std::string, std::string>> MetadataStore::readAll(const std::string& path)
{
    initializeExiv2();
    try {
        Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(path);
        image->readMetadata();
        std::map<std::string, std::string> values;
        // Repeated keys (IPTC keywords, duplicated EXIF entries) are joined, not dropped.
        auto put = [&values](const std::string& key, const std::string& value) {
            auto [it, inserted] = values.emplace(key, value);
            if (!inserted)
                it->second += "; " + value;
        };
        for (const Exiv2::Exifdatum& datum : image->exifData())
            put(datum.key(), datum.toString());
        for (const Exiv2::Xmpdatum& datum : image->xmpData())
            put(datum.key(), datum.toString());
        for (const Exiv2::Iptcdatum& datum : image->iptcData())
            put(datum.key(), datum.toString());
        return values;
    } catch (const Exiv2::AnyError& e) {
        const ErrorCode code = codeForExiv2(e, path);
        const std::string reason = code == ErrorCode::NotFound
                                       ? "the file does not exist"
                                       : std::string("could not read metadata: ") + e.what();
        return makeError(code, reason, path);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "not enough memory to read the metadata", path);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal,
                         std::string("reading metadata failed unexpectedly: ") + e.what(), path);
    }
}

}  // namespace nocturne::core
