#include "core/io/LinearDngWriter.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "core/io/TiffFields.h"

namespace nocturne::core {

namespace {

constexpr uint16_t kPhotometricLinearRaw = 34892;
constexpr uint16_t kIlluminantD65 = 21;
constexpr uint32_t kRowsPerStrip = 32;   // ~ 1 MB strips at 6000 px: readers seek, not slurp

// XYZ (D65) -> linear sRGB, IEC 61966-2-1: the inverse of the matrix LibRaw and dcraw use for
// sRGB output, so a reader's camera -> sRGB conversion of these files is the identity.
const std::vector<double> kXyzToLinearSrgb = {3.2404542, -1.5371385, -0.4985314,
                                              -0.9692660, 1.8760108,  0.0415560,
                                              0.0556434,  -0.2040259, 1.0572252};

struct TiffCloser {
    void operator()(TIFF* tif) const { TIFFClose(tif); }
};

Error writeError(const std::string& what, const std::string& path, int error)
{
    std::string reason = "libtiff reported an error";
    if (error == ENOSPC || error == EDQUOT)
        reason = "the disk is full; free some space or choose another output folder";
    else if (error != 0)
        reason = std::strerror(error);
    return makeError(ErrorCode::IoError, what + ": " + reason, path);
}

bool setTags(TIFF* t, int width, int height, const LinearDngInfo& info)
{
    const std::string camera = info.make.empty() && info.model.empty()
                                   ? std::string("Nocturne linear sRGB")
                                   : info.make + " " + info.model + " (Nocturne linear sRGB)";
    bool ok = TIFFSetField(t, TIFFTAG_SUBFILETYPE, 0) == 1
              && TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(width)) == 1
              && TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(height)) == 1
              && TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 16) == 1
              && TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3) == 1
              && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE) == 1
              && TIFFSetField(t, TIFFTAG_PHOTOMETRIC, kPhotometricLinearRaw) == 1
              && TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == 1
              && TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, kRowsPerStrip) == 1
              && TIFFSetField(t, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT) == 1
              && TIFFSetField(t, TIFFTAG_SOFTWARE, info.software.c_str()) == 1
              && setTiffNumbers(t, TIFFTAG_DNGVERSION, {1, 4, 0, 0})
              && setTiffNumbers(t, TIFFTAG_DNGBACKWARDVERSION, {1, 1, 0, 0})
              && TIFFSetField(t, TIFFTAG_UNIQUECAMERAMODEL, camera.c_str()) == 1
              && setTiffNumbers(t, TIFFTAG_BLACKLEVEL, {0.0})
              && setTiffNumbers(t, TIFFTAG_WHITELEVEL, {65535.0, 65535.0, 65535.0})
              && setTiffNumbers(t, TIFFTAG_COLORMATRIX1, kXyzToLinearSrgb)
              && setTiffNumbers(t, TIFFTAG_CALIBRATIONILLUMINANT1, {double(kIlluminantD65)})
              && setTiffNumbers(t, TIFFTAG_ASSHOTNEUTRAL, {1.0, 1.0, 1.0})
              && setTiffNumbers(t, TIFFTAG_BASELINEEXPOSURE, {info.baselineExposure});
    if (ok && !info.make.empty())
        ok = TIFFSetField(t, TIFFTAG_MAKE, info.make.c_str()) == 1;
    if (ok && !info.model.empty())
        ok = TIFFSetField(t, TIFFTAG_MODEL, info.model.c_str()) == 1;
    return ok;
}

}  // namespace

Result<void> LinearDngWriter::write(const std::string& path, const ImageBuffer& linear,
                                    const LinearDngInfo& info)
{
    if (linear.empty() || linear.mat().type() != CV_32FC3)
        return makeError(ErrorCode::InvalidArgument, "a linear DNG needs a 3-channel float image", path);

    cv::Mat clean = linear.mat().clone();
    cv::patchNaNs(clean, 0.0);
    cv::Mat samples;
    // convertTo saturates: values above 1 (highlights a network pushed past white) clip to white.
    clean.convertTo(samples, CV_16UC3, 65535.0);

    TIFFSetWarningHandler(nullptr);   // DNG private tags make libtiff warn about unknown tags
    errno = 0;
    std::unique_ptr<TIFF, TiffCloser> tif(TIFFOpen(path.c_str(), "w"));
    if (!tif)
        return writeError("could not create the DNG", path, errno);
    if (!setTags(tif.get(), samples.cols, samples.rows, info))
        return makeError(ErrorCode::Internal, "libtiff refused a DNG tag", path);

    std::vector<uint16_t> row(static_cast<size_t>(samples.cols) * 3);
    for (int y = 0; y < samples.rows; ++y) {
        const auto* src = samples.ptr<uint16_t>(y);
        std::copy(src, src + row.size(), row.begin());   // TIFFWriteScanline takes non-const
        errno = 0;
        if (TIFFWriteScanline(tif.get(), row.data(), static_cast<uint32_t>(y), 0) < 0)
            return writeError("could not write the DNG", path, errno);
    }
    errno = 0;
    if (!TIFFWriteDirectory(tif.get()))
        return writeError("could not finish the DNG", path, errno);
    return Result<void>::success();
}

}  // namespace nocturne::core
