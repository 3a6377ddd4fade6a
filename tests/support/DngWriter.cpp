#include "tests/support/DngWriter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <opencv2/core.hpp>
#include <tiffio.h>

#include "core/io/TiffFields.h"

namespace nocturne::testsupport {

using core::setTiffNumbers;

namespace {

// CFAPattern bytes use the TIFF/EP colour codes 0 = red, 1 = green, 2 = blue.
std::array<uint8_t, 4> cfaBytes(core::CfaPattern pattern)
{
    switch (pattern) {
    case core::CfaPattern::RGGB: return {0, 1, 1, 2};
    case core::CfaPattern::BGGR: return {2, 1, 1, 0};
    case core::CfaPattern::GRBG: return {1, 0, 2, 1};
    case core::CfaPattern::GBRG: return {1, 2, 0, 1};
    }
    return {0, 1, 1, 2};
}

struct TiffCloser {
    void operator()(TIFF* tif) const { TIFFClose(tif); }
};

// Three rationals for degrees, minutes, seconds.
std::vector<double> dms(double d, double m, double s) { return {d, m, s}; }

}  // namespace

std::string writeDng(const std::string& path, const DngSpec& spec)
{
    if (spec.mosaic.empty() || spec.mosaic.type() != CV_16UC1)
        return "mosaic must be a non-empty CV_16UC1 matrix";
    if (spec.mosaic.cols % 2 != 0 || spec.mosaic.rows % 2 != 0)
        return "mosaic dimensions must be even (whole 2x2 CFA tiles)";

    TIFFSetWarningHandler(nullptr);   // DNG private tags produce noisy "unknown tag" warnings
    std::unique_ptr<TIFF, TiffCloser> tif(TIFFOpen(path.c_str(), "w"));
    if (!tif)
        return "cannot create " + path;
    TIFF* t = tif.get();

    // The EXIF (and GPS) IFDs are written first as custom directories, so the main IFD can
    // point at them without rewriting it afterwards.
    uint64_t exifOffset = 0;
    // TIFFCreate*Directory return 0 on success in libtiff 4.x; a failure shows up when fields
    // are set, which is checked.
    (void)TIFFCreateEXIFDirectory(t);
    bool ok = setTiffNumbers(t, EXIFTAG_EXPOSURETIME, {spec.exposureTime})
              && setTiffNumbers(t, EXIFTAG_FNUMBER, {spec.fNumber})
              && setTiffNumbers(t, EXIFTAG_ISOSPEEDRATINGS, {static_cast<double>(spec.iso)})
              && setTiffNumbers(t, EXIFTAG_FOCALLENGTH, {spec.focalLength})
              && TIFFSetField(t, EXIFTAG_DATETIMEORIGINAL, spec.dateTimeOriginal.c_str()) == 1;
    if (ok && !spec.lens.empty())
        ok = TIFFSetField(t, EXIFTAG_LENSMODEL, spec.lens.c_str()) == 1;
    if (!ok)
        return "cannot set EXIF fields";
    if (!TIFFWriteCustomDirectory(t, &exifOffset))
        return "cannot write the EXIF directory";
    // TIFFCreateDirectory below does not free the custom directory's tag values (LeakSanitizer
    // showed them lost); TIFFFreeDirectory does.
    TIFFFreeDirectory(t);

    uint64_t gpsOffset = 0;
    if (spec.gps) {
        const auto& g = *spec.gps;
        (void)TIFFCreateGPSDirectory(t);
        ok = setTiffNumbers(t, GPSTAG_VERSIONID, {2, 3, 0, 0})
             && TIFFSetField(t, GPSTAG_LATITUDEREF, "N") == 1
             && setTiffNumbers(t, GPSTAG_LATITUDE, dms(g[0], g[1], g[2]))
             && TIFFSetField(t, GPSTAG_LONGITUDEREF, "E") == 1
             && setTiffNumbers(t, GPSTAG_LONGITUDE, dms(g[3], g[4], g[5]));
        if (!ok)
            return "cannot set GPS fields";
        if (!TIFFWriteCustomDirectory(t, &gpsOffset))
            return "cannot write the GPS directory";
        TIFFFreeDirectory(t);
    }

    (void)TIFFCreateDirectory(t);

    const auto width = static_cast<uint32_t>(spec.mosaic.cols);
    const auto height = static_cast<uint32_t>(spec.mosaic.rows);
    const auto pattern = cfaBytes(spec.pattern);
    const std::array<double, 9> defaultMatrix{0.6660, -0.1398, -0.0832, -0.3780, 1.1690,
                                              0.2400, -0.0572, 0.1310, 0.6570};
    const auto& matrix = spec.colorMatrix ? *spec.colorMatrix : defaultMatrix;
    const std::string unique = spec.make + " " + spec.model;

    // DNG tags describing the camera belong to IFD0 whether it holds the raw data or a preview.
    ok = TIFFSetField(t, TIFFTAG_ORIENTATION, spec.orientation) == 1
         && TIFFSetField(t, TIFFTAG_MAKE, spec.make.c_str()) == 1
         && TIFFSetField(t, TIFFTAG_MODEL, spec.model.c_str()) == 1
         && TIFFSetField(t, TIFFTAG_SOFTWARE, "Nocturne test DngWriter") == 1
         && setTiffNumbers(t, TIFFTAG_DNGVERSION, {1, 4, 0, 0})
         && setTiffNumbers(t, TIFFTAG_DNGBACKWARDVERSION, {1, 1, 0, 0})
         && TIFFSetField(t, TIFFTAG_UNIQUECAMERAMODEL, unique.c_str()) == 1
         && setTiffNumbers(t, TIFFTAG_COLORMATRIX1, std::vector<double>(matrix.begin(), matrix.end()))
         && setTiffNumbers(t, TIFFTAG_CALIBRATIONILLUMINANT1, {21})   // D65
         && setTiffNumbers(t, TIFFTAG_ASSHOTNEUTRAL,
                       {1.0 / spec.wbMultipliers[0], 1.0 / spec.wbMultipliers[1],
                        1.0 / spec.wbMultipliers[2]})
         && TIFFSetField(t, TIFFTAG_EXIFIFD, exifOffset) == 1;
    if (ok && spec.gps)
        ok = TIFFSetField(t, TIFFTAG_GPSIFD, gpsOffset) == 1;
    if (!ok)
        return "cannot set the DNG tags";

    if (!spec.preview.empty()) {
        // As cameras write them: an 8-bit RGB preview in IFD0, the raw data in its SubIFD.
        if (spec.preview.type() != CV_8UC3)
            return "the preview must be CV_8UC3 RGB";
        uint64_t subIfd = 0;   // patched by libtiff when the next directory is written
        ok = TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE) == 1
             && TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(spec.preview.cols)) == 1
             && TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(spec.preview.rows)) == 1
             && TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8) == 1
             && TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3) == 1
             && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE) == 1
             && TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB) == 1
             && TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == 1
             && TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, static_cast<uint32_t>(spec.preview.rows)) == 1
             && TIFFSetField(t, TIFFTAG_SUBIFD, 1, &subIfd) == 1;
        if (!ok)
            return "cannot set the preview tags";
        for (int row = 0; row < spec.preview.rows; ++row) {
            std::vector<uint8_t> line(spec.preview.ptr<uint8_t>(row),
                                      spec.preview.ptr<uint8_t>(row) + spec.preview.cols * 3);
            if (TIFFWriteScanline(t, line.data(), static_cast<uint32_t>(row), 0) < 0)
                return "cannot write preview row " + std::to_string(row);
        }
        if (!TIFFWriteDirectory(t))
            return "cannot write the preview IFD";
    }

    ok = TIFFSetField(t, TIFFTAG_SUBFILETYPE, 0) == 1
         && TIFFSetField(t, TIFFTAG_IMAGEWIDTH, width) == 1
         && TIFFSetField(t, TIFFTAG_IMAGELENGTH, height) == 1
         && TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 16) == 1
         && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE) == 1
         && TIFFSetField(t, TIFFTAG_PHOTOMETRIC, 32803) == 1
         && TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1) == 1
         && TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == 1
         && TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, height) == 1
         && setTiffNumbers(t, TIFFTAG_CFAREPEATPATTERNDIM, {2, 2})
         && setTiffNumbers(t, TIFFTAG_CFAPATTERN,
                       {double(pattern[0]), double(pattern[1]), double(pattern[2]),
                        double(pattern[3])})
         && setTiffNumbers(t, TIFFTAG_BLACKLEVEL, {static_cast<double>(spec.blackLevel)})
         && setTiffNumbers(t, TIFFTAG_WHITELEVEL, {static_cast<double>(spec.whiteLevel)});
    if (!ok)
        return "cannot set the raw tags";

    for (uint32_t row = 0; row < height; ++row) {
        // TIFFWriteScanline takes a non-const buffer; copy the row to keep the input untouched.
        std::vector<uint16_t> line(spec.mosaic.ptr<uint16_t>(static_cast<int>(row)),
                                   spec.mosaic.ptr<uint16_t>(static_cast<int>(row)) + width);
        if (TIFFWriteScanline(t, line.data(), row, 0) < 0)
            return "cannot write row " + std::to_string(row);
    }
    if (!TIFFWriteDirectory(t))
        return "cannot write the raw IFD";
    return {};
}

cv::Mat makeSceneMosaic(int width, int height, core::CfaPattern pattern, int blackLevel,
                        int whiteLevel, double exposureScale, unsigned seed, bool noise)
{
    cv::Mat out(height, width, CV_16UC1);
    if (width <= 0 || height <= 0)
        return out;

    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> uni(0.0, 1.0);

    // A 4x3 grid of colour patches (linear scene RGB) over the middle of the frame.
    constexpr int kPatchCols = 4;
    constexpr int kPatchRows = 3;
    std::array<std::array<double, 3>, kPatchCols * kPatchRows> patches{};
    for (auto& p : patches)
        p = {0.05 + 0.75 * uni(rng), 0.05 + 0.75 * uni(rng), 0.05 + 0.75 * uni(rng)};

    // A few bright lights (Gaussian blobs) that clip at full exposure.
    struct Light { double x, y, radius, power; std::array<double, 3> tint; };
    std::vector<Light> lights;
    for (int i = 0; i < 3; ++i)
        lights.push_back({uni(rng) * width, uni(rng) * height,
                          0.02 * std::min(width, height) + 2.0, 3.0 + 3.0 * uni(rng),
                          {0.8 + 0.2 * uni(rng), 0.8 + 0.2 * uni(rng), 0.6 + 0.4 * uni(rng)}});

    // Camera raw response relative to scene light: green strongest, like real sensors, and the
    // inverse of DngSpec's default WB multipliers (2, 1, 1.5), so the default DNG is neutral.
    constexpr std::array<double, 3> kResponse{0.5, 1.0, 1.0 / 1.5};
    const double range = std::max(1, whiteLevel - blackLevel);
    // Full well of ~4 electrons per DN (at a 14-bit range), so shot noise is realistic.
    const double electronsPerDn = 4.0;
    constexpr double kReadNoiseDn = 2.0;
    std::normal_distribution<double> gauss(0.0, 1.0);

    const double px0 = width * 0.15;
    const double py0 = height * 0.2;
    const double pw = width * 0.7 / kPatchCols;
    const double ph = height * 0.6 / kPatchRows;

    for (int y = 0; y < height; ++y) {
        auto* dst = out.ptr<uint16_t>(y);
        const double fy = (y + 0.5) / height;
        for (int x = 0; x < width; ++x) {
            const double fx = (x + 0.5) / width;
            // Background: diagonal gradient with a gentle colour shift.
            std::array<double, 3> rgb{0.10 + 0.30 * fx, 0.08 + 0.25 * (0.5 * fx + 0.5 * fy),
                                      0.12 + 0.30 * fy};
            const int pc = static_cast<int>(std::floor((x - px0) / pw));
            const int pr = static_cast<int>(std::floor((y - py0) / ph));
            if (x >= px0 && y >= py0 && pc >= 0 && pc < kPatchCols && pr >= 0 && pr < kPatchRows) {
                // Leave a thin dark gutter between patches so edges are sharp.
                const double lx = (x - px0) - pc * pw;
                const double ly = (y - py0) - pr * ph;
                if (lx > 0.08 * pw && ly > 0.08 * ph)
                    rgb = patches[static_cast<size_t>(pr * kPatchCols + pc)];
                else
                    rgb = {0.02, 0.02, 0.02};
            }
            for (const auto& l : lights) {
                const double d2 = ((x - l.x) * (x - l.x) + (y - l.y) * (y - l.y))
                                  / (l.radius * l.radius);
                if (d2 < 16.0) {
                    const double g = l.power * std::exp(-0.5 * d2);
                    for (int c = 0; c < 3; ++c)
                        rgb[static_cast<size_t>(c)] += g * l.tint[static_cast<size_t>(c)];
                }
            }

            const auto cfa = core::cfaColorAt(pattern, y, x);
            const int channel = cfa == core::CfaColor::R ? 0 : cfa == core::CfaColor::B ? 2 : 1;
            double signal = exposureScale * rgb[static_cast<size_t>(channel)]
                            * kResponse[static_cast<size_t>(channel)] * range;
            if (noise) {
                const double electrons = std::max(0.0, signal * electronsPerDn);
                double sampled = 0.0;
                if (electrons < 50.0) {
                    std::poisson_distribution<int> poisson(electrons);
                    sampled = poisson(rng);
                } else {
                    sampled = electrons + std::sqrt(electrons) * gauss(rng);
                }
                signal = sampled / electronsPerDn + kReadNoiseDn * gauss(rng);
            }
            const double dn = std::clamp(std::round(blackLevel + signal), 0.0,
                                         static_cast<double>(whiteLevel));
            dst[x] = static_cast<uint16_t>(dn);
        }
    }
    return out;
}

}  // namespace nocturne::testsupport
