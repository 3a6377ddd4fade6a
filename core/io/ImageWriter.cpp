#include "core/io/ImageWriter.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <random>
#include <system_error>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/io/LinearDngWriter.h"
#include "core/io/MetadataStore.h"

namespace nocturne::core {

namespace fs = std::filesystem;

std::string toString(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Jpeg: return "JPEG";
    case ExportFormat::Png: return "PNG";
    case ExportFormat::Tiff: return "TIFF";
    case ExportFormat::Dng: return "DNG";
    }
    return "unknown";
}

std::string extensionFor(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Jpeg: return "jpg";
    case ExportFormat::Png: return "png";
    case ExportFormat::Tiff: return "tif";
    case ExportFormat::Dng: return "dng";
    }
    return {};
}

namespace {

// Paths arrive as UTF-8; going through char8_t keeps non-ASCII names intact whatever the
// process locale is.
fs::path pathFromUtf8(const std::string& utf8)
{
    return fs::path(std::u8string(reinterpret_cast<const char8_t*>(utf8.data()), utf8.size()));
}

std::string utf8FromPath(const fs::path& path)
{
    const std::u8string u8 = path.u8string();
    return std::string(reinterpret_cast<const char*>(u8.data()), u8.size());
}

ErrorCode codeForErrno(int error)
{
    switch (error) {
    case ENOENT:
    case ENOTDIR:
        return ErrorCode::NotFound;
    case EACCES:
    case EPERM:
    case EROFS:
        return ErrorCode::PermissionDenied;
    case ENOMEM:
        return ErrorCode::OutOfMemory;
    default:
        return ErrorCode::IoError;
    }
}

std::string describeErrno(int error)
{
    switch (error) {
    case ENOSPC:
    case EDQUOT:
        return "the disk is full; free some space or choose another output folder";
    case EACCES:
    case EPERM:
        return "the output folder is not writable; choose another folder or fix its permissions";
    case EROFS:
        return "the output folder is on a read-only file system; choose another folder";
    default:
        return std::strerror(error);
    }
}

Error errnoError(int error, const std::string& what, const std::string& destination)
{
    return makeError(codeForErrno(error), what + ": " + describeErrno(error), destination);
}

bool samePath(const fs::path& a, const fs::path& b)
{
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) {
        const bool same = fs::equivalent(a, b, ec);
        if (!ec)
            return same;
    }
    const fs::path ca = fs::weakly_canonical(a, ec);
    if (ec)
        return a.lexically_normal() == b.lexically_normal();
    const fs::path cb = fs::weakly_canonical(b, ec);
    if (ec)
        return a.lexically_normal() == b.lexically_normal();
    return ca == cb;
}

std::string randomSuffix()
{
    std::random_device device;
    std::uniform_int_distribution<unsigned> digit(0, 15);
    std::string suffix(8, '0');
    for (char& c : suffix)
        c = "0123456789abcdef"[digit(device)];
    return suffix;
}

// RGB float -> BGR integers for the encoders, in one pass over row bands: NaN becomes 0 and values
// are clamped to [0, 1], then scaled and rounded to nearest as convertTo does (saturate_cast of
// the float product, so the bytes are those of patchNaNs/min/max/cvtColor/convertTo). Those five
// steps took two float copies of the frame (576 MB at 24 MP, the CLI's peak for "amplify only").
template <typename T>
cv::Mat quantiseToBgr(const cv::Mat& rgb, float scale)
{
    cv::Mat out(rgb.size(), CV_MAKETYPE(cv::DataType<T>::depth, 3));
    cv::parallel_for_(cv::Range(0, rgb.rows), [&](const cv::Range& rows) {
        for (int r = rows.start; r < rows.end; ++r) {
            const float* s = rgb.ptr<float>(r);
            T* d = out.ptr<T>(r);
            for (int x = 0; x < rgb.cols; ++x, s += 3, d += 3)
                for (int c = 0; c < 3; ++c) {
                    d[c] = cv::saturate_cast<T>(clampUnit(s[2 - c]) * scale);
                }
        }
    });
    return out;
}

Result<std::vector<uchar>> encode(const ImageBuffer& display, const ExportOptions& options)
{
    // A linear wide-gamut TIFF: the linear image converted to that space's primaries.
    cv::Mat converted;
    if (options.space != OutputSpace::Srgb) {
        converted = ColorProfile::fromLinearSrgb(display.mat(), options.space);
        if (converted.empty())
            return makeError(ErrorCode::Internal, "LittleCMS could not convert to " + toString(options.space));
    }
    const cv::Mat& rgb = converted.empty() ? display.mat() : converted;
    // Rounds to nearest, so 0.5 LSB error at most.
    const cv::Mat quantised = options.bitsPerChannel == 16 ? quantiseToBgr<std::uint16_t>(rgb, 65535.0f)
                                                           : quantiseToBgr<std::uint8_t>(rgb, 255.0f);

    std::vector<int> params;
    std::string extension;
    switch (options.format) {
    case ExportFormat::Jpeg:
        extension = ".jpg";
        params = {cv::IMWRITE_JPEG_QUALITY, options.jpegQuality};
        break;
    case ExportFormat::Png:
        extension = ".png";
        params = {cv::IMWRITE_PNG_COMPRESSION, 6};
        break;
    case ExportFormat::Tiff:
        extension = ".tif";
        break;
    case ExportFormat::Dng:
        return makeError(ErrorCode::Internal, "DNG is not a raster encoding (internal error)");
    }

    std::vector<uchar> bytes;
    if (!cv::imencode(extension, quantised, bytes, params) || bytes.empty())
        return makeError(ErrorCode::Internal,
                         "the " + toString(options.format) + " encoder produced no data");
    return bytes;
}

Result<void> validate(const ImageBuffer& display, const ExportOptions& options,
                      const ImageMeta& sourceMeta)
{
    if (display.empty())
        return makeError(ErrorCode::InvalidArgument, "there is no image to export");
    if (display.mat().type() != CV_32FC3)
        return makeError(ErrorCode::InvalidArgument,
                         "the image must be a 3-channel float buffer (internal error)");
    if (options.format == ExportFormat::Dng) {
        if (auto source = ImageWriter::checkSource(options, sourceMeta); !source)
            return source;
        if (display.encoding() != ColorEncoding::Linear)
            return makeError(ErrorCode::InvalidArgument,
                             "a DNG is written from the linear image, not the display one (internal error)");
        return Result<void>::success();
    }
    if (options.space != OutputSpace::Srgb) {
        if (options.format != ExportFormat::Tiff || options.bitsPerChannel != 16)
            return makeError(ErrorCode::InvalidArgument,
                             "the " + toString(options.space) + " colour space is for 16-bit TIFF only "
                             "(8 bits cannot hold linear values without banding); choose TIFF, 16 bits");
        if (display.encoding() != ColorEncoding::Linear)
            return makeError(ErrorCode::InvalidArgument,
                             "a linear TIFF is written from the linear image, not the display one (internal error)");
    } else if (display.encoding() != ColorEncoding::Display) {
        return makeError(ErrorCode::InvalidArgument,
                         "the image is still linear; apply the gamma stage before exporting");
    }
    if (options.bitsPerChannel != 8 && options.bitsPerChannel != 16)
        return makeError(ErrorCode::InvalidArgument,
                         "bits per channel must be 8 or 16, not "
                             + std::to_string(options.bitsPerChannel));
    if (options.format == ExportFormat::Jpeg && options.bitsPerChannel != 8)
        return makeError(ErrorCode::InvalidArgument,
                         "JPEG supports 8 bits per channel only; choose PNG or TIFF for 16-bit "
                         "export");
    if (options.format == ExportFormat::Jpeg
        && (options.jpegQuality < 1 || options.jpegQuality > 100))
        return makeError(ErrorCode::InvalidArgument,
                         "JPEG quality must be between 1 and 100, not "
                             + std::to_string(options.jpegQuality));
    return Result<void>::success();
}

// Owns the temporary file until it is renamed over the destination: on every early return the
// half-written file is removed, so failures never leave debris in the user's folder.
class TempFile {
public:
    explicit TempFile(fs::path path) : m_path(std::move(path)) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_committed) {
            std::error_code ec;
            fs::remove(m_path, ec);   // best effort: the error being reported matters more
        }
    }

    const fs::path& path() const { return m_path; }
    int fd() const { return m_fd; }
    void setFd(int fd) { m_fd = fd; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    void commit() { m_committed = true; }

private:
    fs::path m_path;
    int m_fd = -1;
    bool m_committed = false;
};

Result<void> writeAll(int fd, const std::vector<uchar>& bytes, const std::string& destination)
{
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errnoError(errno, "could not write the image", destination);
        }
        written += static_cast<size_t>(n);
    }
    return Result<void>::success();
}

Result<void> syncFile(const fs::path& path, const std::string& destination)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errnoError(errno, "could not reopen the exported file", destination);
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0)
        return errnoError(error, "could not flush the image to disk", destination);
    return Result<void>::success();
}

constexpr const char* kTempMarker = ".nocturne-tmp-";

// Removes ".<name>.nocturne-tmp-<pid>-*" files left by writers that no longer run (killed,
// crashed, power lost). A live writer's file, or one whose pid cannot be read, is left alone.
void removeStaleTemps(const fs::path& folder, const std::string& prefix)
{
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = utf8FromPath(it->path().filename());
        if (name.rfind(prefix, 0) != 0)
            continue;
        const std::string rest = name.substr(prefix.size());
        const size_t dash = rest.find('-');
        if (dash == std::string::npos || dash == 0)
            continue;
        long pid = 0;
        try {
            pid = std::stol(rest.substr(0, dash));
        } catch (const std::exception&) {
            continue;
        }
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
            std::error_code removeError;
            fs::remove(it->path(), removeError);
        }
    }
}

Result<void> writeImpl(const ImageBuffer& display, const std::string& destination,
                       const ExportOptions& options, const ImageMeta& sourceMeta)
{
    if (auto valid = validate(display, options, sourceMeta); !valid)
        return makeError(valid.error().code, valid.error().message, destination);
    if (destination.empty())
        return makeError(ErrorCode::InvalidArgument, "no output file name was given");

    const fs::path target = pathFromUtf8(destination);
    if (!sourceMeta.sourcePath.empty() && samePath(target, pathFromUtf8(sourceMeta.sourcePath)))
        return makeError(ErrorCode::InvalidArgument,
                         "refusing to overwrite the original; choose another output name or folder",
                         destination);

    std::error_code ec;
    if (fs::is_directory(target, ec))
        return makeError(ErrorCode::InvalidArgument,
                         "the output name is a folder; give a file name", destination);
    fs::path folder = target.parent_path();
    if (folder.empty())
        folder = ".";
    if (!fs::is_directory(folder, ec))
        return makeError(ErrorCode::NotFound,
                         "output folder does not exist (" + utf8FromPath(folder)
                             + "); create it or choose another folder",
                         destination);

    // Raster formats are encoded in memory first, so an encoder failure touches no file.
    std::vector<uchar> encoded;
    if (options.format != ExportFormat::Dng) {
        auto bytes = encode(display, options);
        if (!bytes)
            return makeError(bytes.error().code, bytes.error().message, destination);
        encoded = std::move(bytes).value();
    }

    // A hidden name in the same folder (rename() is atomic only within one file system) that
    // says whose it is: ".<name>.nocturne-tmp-<pid>-<random>". A writer killed mid-export
    // leaves one behind; the next export to the same name removes it once its process is gone.
    // (Appended piecewise: GCC 12 reports a false -Wrestrict for "." + std::string&&.)
    std::string base = ".";
    base += utf8FromPath(target.filename());
    base += kTempMarker;
    removeStaleTemps(folder, base);
    base += std::to_string(::getpid());
    base += '-';
    std::unique_ptr<TempFile> temp;
    for (int attempt = 0; attempt < 8 && !temp; ++attempt) {
        fs::path candidate = folder / pathFromUtf8(base + randomSuffix());
        const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            temp = std::make_unique<TempFile>(std::move(candidate));
            temp->setFd(fd);
        } else if (errno != EEXIST) {
            return errnoError(errno, "could not create a file in the output folder", destination);
        }
    }
    if (!temp)
        return makeError(ErrorCode::IoError,
                         "could not find a free temporary name in the output folder", destination);

    const bool dng = options.format == ExportFormat::Dng;
    if (!dng) {
        if (auto written = writeAll(temp->fd(), encoded, destination); !written)
            return written;
        if (::fsync(temp->fd()) != 0)
            return errnoError(errno, "could not flush the image to disk", destination);
    }
    // close() can report deferred write errors (NFS, full disks): it must be checked.
    if (::close(temp->release()) != 0)
        return errnoError(errno, "could not finish writing the image", destination);

    if (dng) {
        // libtiff writes by name; the empty temporary file reserved that name for us.
        LinearDngInfo info;
        if (options.copyMetadata) {
            info.make = sourceMeta.cameraMake;
            info.model = sourceMeta.cameraModel;
        }
        info.software = MetadataStore::softwareName();
        auto written = LinearDngWriter::write(utf8FromPath(temp->path()), display, info);
        if (!written)
            return makeError(written.error().code, written.error().message, destination);
    }

    // Every raster export says which colour space its numbers are in: the metadata copy does it
    // in its own write, otherwise tagColor. A DNG says it with its colour matrix.
    const MetadataStore::ColorTag color = dng ? MetadataStore::ColorTag::none()
                                              : MetadataStore::ColorTag::forSpace(options.space);
    if (options.copyMetadata) {
        auto transferred = MetadataStore::transfer(sourceMeta.sourcePath, sourceMeta,
                                                   utf8FromPath(temp->path()), display.width(),
                                                   display.height(), color);
        if (!transferred)
            return makeError(transferred.error().code,
                             "could not add metadata (" + transferred.error().describe()
                                 + "); export again with metadata copying turned off",
                             destination);
    } else if (auto tagged = dng ? Result<void>::success() : MetadataStore::tagColor(utf8FromPath(temp->path()), color);
               !tagged) {
        return makeError(tagged.error().code,
                         "could not embed the colour profile (" + tagged.error().describe() + ")", destination);
    }
    if (auto synced = syncFile(temp->path(), destination); !synced)
        return synced;

    fs::rename(temp->path(), target, ec);
    if (ec)
        return errnoError(ec.value(), "could not move the finished file into place", destination);
    temp->commit();

    // Make the rename itself durable; failing here does not lose the image, so it is ignored.
    const int dirFd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return Result<void>::success();
}

}  // namespace

Result<void> ImageWriter::checkSource(const ExportOptions& options, const ImageMeta& sourceMeta)
{
    if (options.format == ExportFormat::Dng && sourceMeta.sensor == SensorKind::NotRaw)
        return makeError(ErrorCode::UnsupportedFormat,
                         "DNG export is for RAW photos and this one is a "
                             + (sourceMeta.format.empty() ? std::string("raster image") : sourceMeta.format)
                             + "; export it as JPEG, PNG or TIFF");
    return Result<void>::success();
}

Result<void> ImageWriter::write(const ImageBuffer& display, const std::string& destination,
                                const ExportOptions& options, const ImageMeta& sourceMeta)
{
    try {
        return writeImpl(display, destination, options, sourceMeta);
    } catch (const cv::Exception& e) {
        return makeError(ErrorCode::Internal, std::string("image encoding failed: ") + e.what(),
                         destination);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory,
                         "not enough memory to encode the image; close other programs or export "
                         "a smaller image",
                         destination);
    } catch (const fs::filesystem_error& e) {
        return makeError(codeForErrno(e.code().value()), e.what(), destination);
    }
}

}  // namespace nocturne::core
